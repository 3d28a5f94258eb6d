/**
 * What `npm start` does with what a killed run left in its data folder (`scripts/start-leftovers.ts`):
 * it signals only the process recorded, provably the same one (pid, start time, command line) and
 * a dev server on this folder's SQLite file; anything else named by a pid file is left alone and
 * the file removed. Real processes stand in for the dev server: they are only ever signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeProcess, reclaimDataDir, recordDevServer, releaseDataDir, START_PID_FILE, TEMPORAL_PID_FILE } from '../../../scripts/start-leftovers';

let dataDir: string;
let dbFile: string;
const children: ChildProcess[] = [];
const said: string[] = [];
const say = (line: string) => said.push(line);

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'masar-leftovers-'));
  dbFile = path.join(dataDir, 'temporal.db');
  said.length = 0;
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** A long-running process whose command line ends with `args`; `ignoreTerm` makes it shrug off SIGTERM. */
async function lookalike(args: string[], ignoreTerm = false): Promise<ChildProcess> {
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => undefined);" : ''} setInterval(() => undefined, 1000); console.log('up');`;
  const child = spawn(process.execPath, ['-e', code, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  await new Promise((resolve) => child.stdout?.once('data', resolve));
  return child;
}

const devServerArgs = () => ['server', 'start-dev', '--port', '1', '--db-filename', dbFile];
const gone = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null && describeProcess(child.pid as number) !== undefined;
const write = (file: string, record: unknown) => writeFileSync(path.join(dataDir, file), JSON.stringify(record));

describe('reclaiming the data folder', () => {
  it('should stop the dev server a killed run recorded, and record itself', async () => {
    const server = await lookalike(devServerArgs());
    recordDevServer(dataDir, server.pid as number);
    write(START_PID_FILE, { pid: 999_999_999, cmdline: ['node', 'scripts/start.ts'], startTime: '1' });
    await reclaimDataDir({ dataDir, dbFile, say });
    await gone(server);
    expect(server.signalCode).toBe('SIGTERM');
    expect(said.join('\n')).toContain(`left by a run that did not stop (pid ${server.pid})`);
    expect(existsSync(path.join(dataDir, TEMPORAL_PID_FILE))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(dataDir, START_PID_FILE), 'utf8')).pid).toBe(process.pid);
    releaseDataDir(dataDir);
    expect(existsSync(path.join(dataDir, START_PID_FILE))).toBe(false);
  });

  it('should SIGKILL a dev server that ignores SIGTERM past the grace period', async () => {
    const server = await lookalike(devServerArgs(), true);
    recordDevServer(dataDir, server.pid as number);
    await reclaimDataDir({ dataDir, dbFile, say, graceMs: 300 });
    await gone(server);
    expect(server.signalCode).toBe('SIGKILL');
  });

  it.each<[string, () => Promise<{ child?: ChildProcess; record: unknown }>]>([
    ['a process that is not a dev server', async () => {
      const child = await lookalike(['serve', 'something-else']);
      return { child, record: describeProcess(child.pid as number) };
    }],
    ['a dev server on another data folder', async () => {
      const child = await lookalike(['server', 'start-dev', '--db-filename', '/elsewhere/temporal.db']);
      return { child, record: describeProcess(child.pid as number) };
    }],
    ['a recycled pid (another start time)', async () => {
      const child = await lookalike(devServerArgs());
      return { child, record: { ...describeProcess(child.pid as number), startTime: '1' } };
    }],
    ['a pid whose command line changed', async () => {
      const child = await lookalike(devServerArgs());
      return { child, record: { ...describeProcess(child.pid as number), cmdline: ['/usr/bin/temporal', ...devServerArgs()] } };
    }],
    ['a process that is gone', async () => ({ record: { pid: 999_999_999, cmdline: ['/usr/bin/temporal', ...devServerArgs()], startTime: '1' } })],
    ['this very process', async () => ({ record: describeProcess(process.pid) })],
    ['a torn file', async () => ({ record: '{"pid": 12' })],
    ['pid 1', async () => ({ record: { pid: 1, cmdline: ['/sbin/init'], startTime: '1' } })],
  ])('should leave alone %s and remove the stale file', async (_what, make) => {
    const { child, record } = await make();
    if (typeof record === 'string') writeFileSync(path.join(dataDir, TEMPORAL_PID_FILE), record);
    else write(TEMPORAL_PID_FILE, record);
    await reclaimDataDir({ dataDir, dbFile, say, graceMs: 300 });
    if (child) expect(alive(child)).toBe(true);
    expect(existsSync(path.join(dataDir, TEMPORAL_PID_FILE))).toBe(false);
    expect(said.join('\n')).not.toContain('stopping it');
  });

  it('should refuse to start while another start runs on the folder, and touch nothing', async () => {
    const owner = await lookalike(['scripts/start.ts']);
    const server = await lookalike(devServerArgs());
    write(START_PID_FILE, describeProcess(owner.pid as number));
    recordDevServer(dataDir, server.pid as number);
    await expect(reclaimDataDir({ dataDir, dbFile, say })).rejects.toThrow(`another \`npm start\` (pid ${owner.pid}) is running on the data folder ${dataDir}`);
    expect(alive(server)).toBe(true);
    expect(existsSync(path.join(dataDir, TEMPORAL_PID_FILE))).toBe(true);
  });
});
