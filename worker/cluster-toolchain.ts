/**
 * The Temporal server and its SQL schema tool, built from source with `go install` into the
 * git-ignored `.tools/temporal-server/<version>/` (`npm run setup:cluster`), for the opt-in
 * PostgreSQL-backed tier (`worker/temporal-cluster.ts`). The default tier needs none of this: it
 * runs on the dev server and the time-skipping test server (`worker/temporal-toolchain.ts`).
 *
 * Version: v1.32.0, the server the pinned Temporal CLI's dev server embeds (`temporal --version`
 * says "Server 1.32.0"), so both backends run the same server code and the SDK (1.24) is tested
 * against it already; and the newest release whose go.mod accepts this machine's Go (1.26.8): the
 * 1.31.5 and 1.32.x patch releases after it ask for Go 1.26.10. Changing it is a deliberate change.
 *
 * Hazard: a build takes minutes on 2 cores and several hundred MB of module cache; it is skipped
 * when both binaries answer `--version` with the pinned version and the schema folder is there.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isExecutable } from './temporal-toolchain';

/** The pinned server release (a Go module version of go.temporal.io/server). */
export const TEMPORAL_SERVER_VERSION = 'v1.32.0';

/** Where one version's binaries and schema live. */
export interface ClusterToolchain {
  version: string;
  /** The server (`go.temporal.io/server/cmd/server`). */
  server: string;
  /** `temporal-sql-tool` (`go.temporal.io/server/cmd/tools/sql`). */
  sqlTool: string;
  /** The module's `schema/postgresql/v12` folder, copied (it has `temporal/` and `visibility/`). */
  schemaDir: string;
}

export interface ClusterToolchainOptions {
  /** The project root (`.tools/` lives there; a symlink to a shared one is fine). */
  root: string;
  /** The environment for `go` (GOPROXY, GOFLAGS, GOMODCACHE...). */
  env: Record<string, string | undefined>;
  /** Build what is missing. @default false (then a missing part is an error naming the fix) */
  install?: boolean;
  log?: (line: string) => void;
}

/** The paths of the pinned version, whether or not they exist yet. */
export function clusterToolchainPaths(root: string, version = TEMPORAL_SERVER_VERSION): ClusterToolchain {
  const dir = path.join(root, '.tools', 'temporal-server', version);
  return {
    version,
    server: path.join(dir, 'bin', 'temporal-server'),
    sqlTool: path.join(dir, 'bin', 'temporal-sql-tool'),
    schemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
}

/** The version a binary reports (`temporal version 1.32.0`, `temporal-sql-tool version 1.32.0`). */
function reportedVersion(bin: string): string | undefined {
  try {
    return /version (\S+)/.exec(execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[1];
  } catch {
    return undefined;
  }
}

/** True when both binaries are the pinned version and the schema folder is in place. */
export function clusterToolchainReady(paths: ClusterToolchain): boolean {
  const want = paths.version.replace(/^v/, '');
  return (
    isExecutable(paths.server) &&
    isExecutable(paths.sqlTool) &&
    reportedVersion(paths.server) === want &&
    reportedVersion(paths.sqlTool) === want &&
    existsSync(path.join(paths.schemaDir, 'temporal', 'versioned')) &&
    existsSync(path.join(paths.schemaDir, 'visibility', 'versioned'))
  );
}

function goEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // GOTOOLCHAIN=local: the pinned version builds with this machine's Go; never fetch another toolchain.
  return { ...process.env, ...env, GOTOOLCHAIN: 'local', GOFLAGS: [env.GOFLAGS, '-buildvcs=false'].filter(Boolean).join(' ') };
}

function build(paths: ClusterToolchain, env: NodeJS.ProcessEnv, log: (line: string) => void): void {
  const binDir = path.dirname(paths.server);
  const staging = `${binDir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const modules = ['go.temporal.io/server/cmd/server', 'go.temporal.io/server/cmd/tools/sql'].map((m) => `${m}@${paths.version}`);
  log(`building ${modules.join(' and ')} (minutes on 2 cores)`);
  try {
    execFileSync('go', ['install', ...modules], { env: { ...env, GOBIN: staging }, stdio: 'inherit' });
  } catch (err) {
    throw new Error(
      `go install of the Temporal server ${paths.version} failed (${(err as Error).message}); ` +
        'it needs Go >= 1.26.8 on PATH and the Go module proxy (GOPROXY) reachable',
    );
  }
  mkdirSync(binDir, { recursive: true });
  // Installed under the names operators know; the staging folder keeps a half-built pair out of the way.
  renameSync(path.join(staging, 'server'), paths.server);
  renameSync(path.join(staging, 'sql'), paths.sqlTool);
  rmSync(staging, { recursive: true, force: true });
}

function copySchema(paths: ClusterToolchain, env: NodeJS.ProcessEnv, log: (line: string) => void): void {
  // The schema ships in the module, not in the binaries: take it from the module cache.
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `go.temporal.io/server@${paths.version}`], { env, encoding: 'utf8' }),
  ) as { Dir?: string };
  if (!info.Dir) throw new Error(`go mod download go.temporal.io/server@${paths.version} gave no folder`);
  const from = path.join(info.Dir, 'schema', 'postgresql', 'v12');
  log(`copying the PostgreSQL v12 schema from ${from}`);
  rmSync(paths.schemaDir, { recursive: true, force: true });
  cpSync(from, paths.schemaDir, { recursive: true });
}

/** Finds the pinned server, SQL tool and schema; builds them first when asked and needed. */
export function ensureClusterToolchain(options: ClusterToolchainOptions): ClusterToolchain {
  const log = options.log ?? (() => undefined);
  const paths = clusterToolchainPaths(options.root);
  if (clusterToolchainReady(paths)) return paths;
  if (!options.install) {
    throw new Error(
      `the Temporal server ${paths.version} is not built in ${path.dirname(path.dirname(paths.server))}: run \`npm run setup:cluster\``,
    );
  }
  const env = goEnv(options.env);
  const want = paths.version.replace(/^v/, '');
  if (reportedVersion(paths.server) !== want || reportedVersion(paths.sqlTool) !== want) build(paths, env, log);
  else log(`temporal-server and temporal-sql-tool ${paths.version} already built`);
  copySchema(paths, env, log);
  if (!clusterToolchainReady(paths)) throw new Error(`the Temporal server ${paths.version} was built but does not answer --version as expected`);
  return paths;
}
