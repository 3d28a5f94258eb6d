/**
 * Masar's processes as an operator runs them (`npm run worker`, `npm run api`: node with tsx as a
 * loader, one process each, so SIGKILL really ends them), started from one environment, for the
 * cluster tier's topology tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface MasarProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed (bounded). */
  output(): string;
  exited: Promise<number | null>;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), SIGKILL after 20 s. */
  stop(): Promise<void>;
}

/** Starts `entry` (relative to the root) and waits for a line containing `readyLine`. */
export function startMasarProcess(name: string, entry: string, env: Record<string, string>, readyLine: string, timeoutMs = 180_000): Promise<MasarProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: MasarProcess = {
    name,
    child,
    output: () => output,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not print "${readyLine}" within ${timeoutMs / 1000} s:\n${output.slice(-3000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-200_000);
      if (output.includes(readyLine)) {
        clearTimeout(timer);
        resolve(proc);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before "${readyLine}":\n${output.slice(-3000)}`));
    });
  });
}

/** `npm run worker`, ready once it polls its task queue. */
export function startWorkerProcess(name: string, env: Record<string, string>): Promise<MasarProcess> {
  return startMasarProcess(name, 'worker/main.ts', env, 'Masar worker polling');
}

/** `npm run api`, ready once it listens on `env.PORT`. */
export function startApiProcess(name: string, env: Record<string, string>): Promise<MasarProcess> {
  return startMasarProcess(name, 'api/main.ts', env, 'Masar API listening');
}
