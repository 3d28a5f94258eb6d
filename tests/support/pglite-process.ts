/**
 * Starts an embedded PostgreSQL (PGlite) in a child process (`scripts/embedded-postgres.ts`) and
 * waits for its URL. Test files use this rather than `db/embedded.ts` directly: PGlite loads its
 * WebAssembly with a dynamic `import()`, which jest's module sandbox refuses.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { READY_PREFIX } from '../../scripts/embedded-postgres';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'embedded-postgres.ts');

export interface PgliteProcess {
  url: string;
  pid: number;
  /** SIGTERM, then waits for the process to close the database and exit. */
  stop(): Promise<void>;
}

export interface PgliteProcessOptions {
  /** A folder to keep the data in; in memory when absent. */
  dataDir?: string;
  /** A dumped data folder to start from (`EmbeddedPostgres.dumpTo`). */
  template?: string;
  /** @default a free port */
  port?: number;
  /** @default 30000 */
  timeoutMs?: number;
}

export async function startPgliteProcess(options: PgliteProcessOptions = {}): Promise<PgliteProcess> {
  const args = ['--import', 'tsx', SCRIPT, '--exit-with-stdin', '--port', String(options.port ?? 0)];
  if (options.dataDir) args.push('--data', options.dataDir);
  if (options.template) args.push('--template', options.template);
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedded PostgreSQL did not start within ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith(READY_PREFIX));
      if (line) {
        clearTimeout(timer);
        resolve(line.slice(READY_PREFIX.length).trim());
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`embedded PostgreSQL exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
