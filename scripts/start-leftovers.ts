/**
 * What a previous `npm start` left behind when it was killed (SIGKILL, a closed laptop lid, an OOM
 * kill): its Temporal dev server runs in a process group of its own (so Ctrl-C reaches only us), so
 * it outlives us, keeps its port and its SQLite file, and the next start would refuse the port.
 *
 * Each run records itself and its dev server in pid files under the data folder; the next run
 * reads them. A process is only ever signalled when it is provably the one recorded: the same pid,
 * the same start time (`/proc/<pid>/stat`, so a recycled pid does not match) and a command line
 * that is a Temporal dev server on this data folder's SQLite file. Never by name: another Masar,
 * another data folder or an unrelated process is left alone. (The embedded PostgreSQL runs inside
 * the start process, so it dies with it; PGlite recovers its files at the next open.)
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The start process's own record (another live start on the same folder is refused). */
export const START_PID_FILE = 'start.pid';
/** The dev server's record. */
export const TEMPORAL_PID_FILE = 'temporal.pid';

/** What identifies a process beyond its pid. */
export interface ProcessRecord {
  pid: number;
  /** Clock ticks since boot when it started (`/proc/<pid>/stat` field 22); absent off Linux. */
  startTime?: string;
  cmdline: string[];
}

/** The live process `pid` as the system describes it, or undefined when there is none. */
export function describeProcess(pid: number): ProcessRecord | undefined {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: alive but not ours to signal: described as absent, so never touched.
    return undefined;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (state === 'Z' || state === 'X') return undefined; // a zombie holds no port
    return { pid, cmdline, ...(fields[19] ? { startTime: fields[19] } : {}) };
  } catch {
    // No /proc (macOS): the process exists but cannot be identified; callers treat it as foreign.
    return { pid, cmdline: [] };
  }
}

/** Records the process `pid` in `file` (JSON), for the next run to find. */
export function recordProcess(file: string, pid: number): void {
  const record = describeProcess(pid) ?? { pid, cmdline: [] };
  writeFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/** The record in `file`, or undefined when there is none or it is unreadable (then removed). */
export function readRecord(file: string): ProcessRecord | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<ProcessRecord>;
    if (Number.isInteger(value.pid) && (value.pid as number) > 1 && Array.isArray(value.cmdline)) {
      return { pid: value.pid as number, cmdline: value.cmdline.map(String), ...(typeof value.startTime === 'string' ? { startTime: value.startTime } : {}) };
    }
  } catch {
    // fall through: a torn write from a crash
  }
  rmSync(file, { force: true });
  return undefined;
}

/** Whether the recorded process still runs: same pid, same start time, same command line. */
export function stillRunning(record: ProcessRecord): ProcessRecord | undefined {
  const now = describeProcess(record.pid);
  if (!now || now.cmdline.length === 0 || !record.startTime) return undefined;
  if (now.startTime !== record.startTime) return undefined;
  if (now.cmdline.join('\0') !== record.cmdline.join('\0')) return undefined;
  return now;
}

/**
 * Whether `cmdline` is a Temporal dev server on the SQLite file `dbFile` (in our data folder). The
 * binary's path is checked by `stillRunning`: the whole command line must be the one recorded.
 */
export function isOurDevServer(cmdline: string[], dbFile: string): boolean {
  const at = cmdline.indexOf('--db-filename');
  return cmdline.includes('server') && cmdline.includes('start-dev') && at >= 0 && path.resolve(cmdline[at + 1] ?? '') === path.resolve(dbFile);
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(record: ProcessRecord, graceMs = 10_000): Promise<'terminated' | 'killed'> {
  const gone = () => stillRunning(record) === undefined;
  process.kill(record.pid, 'SIGTERM');
  for (const deadline = Date.now() + graceMs; Date.now() < deadline; ) {
    if (gone()) return 'terminated';
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(record.pid, 'SIGKILL');
  while (!gone()) await new Promise((r) => setTimeout(r, 50));
  return 'killed';
}

export interface Reclaim {
  dataDir: string;
  /** The dev server's SQLite file, in the data folder. */
  dbFile: string;
  say: (line: string) => void;
  /** SIGTERM grace before SIGKILL. @default 10000 */
  graceMs?: number;
}

/**
 * Makes the data folder ours: refuses when another start still runs on it, stops the dev server a
 * killed run left behind, removes stale pid files, then records this process.
 * @throws when another live `npm start` uses the folder.
 */
export async function reclaimDataDir(options: Reclaim): Promise<void> {
  const startFile = path.join(options.dataDir, START_PID_FILE);
  const temporalFile = path.join(options.dataDir, TEMPORAL_PID_FILE);
  const owner = readRecord(startFile);
  if (owner && owner.pid !== process.pid && stillRunning(owner)) {
    throw new Error(`another \`npm start\` (pid ${owner.pid}) is running on the data folder ${options.dataDir}: stop it (Ctrl-C in its terminal, or kill ${owner.pid}), or set MASAR_DATA_DIR to another folder`);
  }
  if (owner) rmSync(startFile, { force: true });

  const server = readRecord(temporalFile);
  if (server) {
    const live = stillRunning(server);
    if (live && isOurDevServer(live.cmdline, options.dbFile)) {
      options.say(`  a Temporal dev server left by a run that did not stop (pid ${live.pid}) holds ${options.dbFile}: stopping it`);
      const how = await stopProcess(live, options.graceMs);
      options.say(`  stopped it (${how === 'terminated' ? 'SIGTERM' : 'SIGKILL after SIGTERM'})`);
    } else if (live) {
      options.say(`  ${TEMPORAL_PID_FILE} names pid ${live.pid}, which is not this folder's dev server: left alone`);
    }
    rmSync(temporalFile, { force: true });
  }
  recordProcess(startFile, process.pid);
}

/** Records the dev server this run started (as soon as it is spawned: a crash while it boots counts). */
export function recordDevServer(dataDir: string, pid: number): void {
  recordProcess(path.join(dataDir, TEMPORAL_PID_FILE), pid);
}

/** Removes this run's pid files once everything it started has stopped. */
export function releaseDataDir(dataDir: string): void {
  rmSync(path.join(dataDir, TEMPORAL_PID_FILE), { force: true });
  const startFile = path.join(dataDir, START_PID_FILE);
  if (readRecord(startFile)?.pid === process.pid) rmSync(startFile, { force: true });
}
