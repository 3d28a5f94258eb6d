/**
 * Starts `temporal server start-dev` as a child process and waits until it answers. Used by
 * `npm start` (persistent SQLite file under `data/`) and by the tests (in memory, free ports).
 * We start it ourselves rather than through the SDK because the SDK gives a server 5 s to start,
 * which a loaded 2-core machine does not always meet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Connection } from '@temporalio/client';

export interface DevServerOptions {
  cli: string;
  /** SQLite file for persistence; in memory when absent. */
  dbFile?: string;
  /** gRPC port. @default a free port */
  port?: number;
  /** Web UI port; no UI when absent (headless). */
  uiPort?: number;
  namespace?: string;
  /** How long to wait for the server. @default 60000 */
  startTimeoutMs?: number;
  /**
   * Run the server in its own process group, so a terminal's Ctrl-C reaches only the parent, which
   * stops the server last (after the workers that talk to it). @default false
   */
  ownProcessGroup?: boolean;
  log?: (line: string) => void;
  /** Called with the server's pid as soon as it is spawned (before it answers), e.g. to record it. */
  onSpawn?: (pid: number) => void;
  /** More arguments for `temporal server start-dev` (e.g. `--sqlite-pragma`, `--dynamic-config-value`). */
  extraArgs?: string[];
}

export interface DevServer {
  address: string;
  uiUrl?: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  args.push('--namespace', options.namespace ?? 'default');
  if (options.extraArgs) args.push(...options.extraArgs);
  // Search attributes Masar sets on cases (no personal data).
  for (const attr of ['MasarProcedure=Keyword', 'MasarUnit=Keyword', 'MasarState=Keyword']) {
    args.push('--search-attribute', attr);
  }
  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup ?? false });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    options.log?.(chunk.toString().trimEnd());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  for (;;) {
    if (exited !== null) throw new Error(`temporal dev server exited with ${exited}:\n${output}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`temporal dev server did not answer on ${address} within the timeout: ${(err as Error).message}\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}
