/**
 * The real servers a benchmark run needs, started fresh and torn down at the end: the Temporal
 * dev server (SQLite file under `bench/.scratch/`, so its size can be measured) or, with
 * `BENCH_TEMPORAL=cluster`, the PostgreSQL-backed server (`worker/temporal-cluster.ts`, databases
 * `masar_bench_temporal` and `..._visibility` recreated), a dedicated
 * PostgreSQL database `masar_bench` (dropped and recreated, migrated, directory seeded), a local
 * SMTP sink, and the worker process (`worker-process.ts`).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { createDirectory } from '../db/directory';
import { migrate } from '../db/migrate';
import { createDb, type Db } from '../db/pool';
import { seedDirectory } from '../db/seed/seed-directory';
import type { CaseUnit } from '../workflows/messages';
import { ensureClusterToolchain } from '../worker/cluster-toolchain';
import { freePort, startDevServer } from '../worker/dev-server';
import { CLUSTER_HISTORY_SHARDS, dropClusterDatabases, startCluster } from '../worker/temporal-cluster';
import { ensureTemporalToolchain } from '../worker/temporal-toolchain';
import { BENCH_UNIT_CODE } from './procedure';
import type { Progress } from './progress';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import type { WorkerMessage } from './worker-process';

export const ROOT = path.resolve(__dirname, '..');
export const SCRATCH = path.join(__dirname, '.scratch');
/** The engine's task queue in benchmarks (the baseline has its own). */
export const BENCH_TASK_QUEUE = 'masar-bench';

export interface WorkerMemory {
  /** Resident set size from /proc (bytes). */
  rss: number;
  /** Peak resident set size (bytes). */
  peakRss: number;
  heapUsed: number;
  external: number;
}

export interface BenchWorker {
  pid: number;
  maxCachedWorkflows: number;
  memory(): Promise<WorkerMemory>;
  /** Each engine activity's durations (ms) since the previous call. */
  activityTimes(): Promise<Record<string, number[]>>;
  stop(): Promise<void>;
}

/** The Temporal server of a run, whichever backend. */
export interface BenchTemporal {
  backend: TemporalBackend;
  address: string;
  /** The server's process (its CPU is measured). */
  pid: number;
  /** `temporal version ... (Server ...)` or `temporal-server v1.32.0`. */
  version: string;
  /** The store, for the report: `dev server, SQLite file (file-wal)`, `PostgreSQL ...`. */
  description: string;
  /** Bytes of the server's store now (SQLite files, or both PostgreSQL databases). */
  storageBytes(): Promise<number>;
  stop(): Promise<void>;
}

export interface Harness {
  temporal: BenchTemporal;
  client: Client;
  db: Db;
  databaseName: string;
  smtp: SmtpSink;
  worker: BenchWorker;
  unit: CaseUnit;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** A postgres:// URL whose database is recreated (`masar_bench`). */
  databaseUrl: string;
  /** Start the worker with `--cpu-prof`, profiles written to this folder. */
  cpuProfileDir?: string;
  /**
   * Where the dev server keeps its state: `memory`; `file` (SQLite file, SQLite's defaults: every
   * commit synced to disk); `file-wal` (SQLite file in WAL mode, synchronous=NORMAL).
   */
  temporalStore: TemporalStore;
  /** @default 'dev' */
  temporalBackend?: TemporalBackend;
  /** The worker's workflow cache (MASAR_MAX_CACHED_WORKFLOWS). @default the SDK's for this machine */
  maxCachedWorkflows?: number;
  progress: Progress;
}

export type TemporalStore = 'memory' | 'file' | 'file-wal';
export type TemporalBackend = 'dev' | 'cluster';

/** The cluster backend's persistence database (visibility: `<name>_visibility`), dropped at each run. */
const BENCH_CLUSTER_DATABASE = 'masar_bench_temporal';

const STORE_ARGS: Record<TemporalStore, string[]> = {
  memory: [],
  file: [],
  'file-wal': ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'],
};

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function recreateDatabase(url: string): Promise<string> {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench database "${name}": use a plain lower-case name such as masar_bench`);
  const admin = new PgClient({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return name;
}

function rssFromProc(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

async function startWorkerProcess(env: Record<string, string>, cpuProfileDir: string | undefined): Promise<BenchWorker> {
  const execArgv = ['--import', 'tsx', ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [])];
  const child: ChildProcess = fork(path.join(__dirname, 'worker-process.ts'), [], {
    execArgv,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Extract<WorkerMessage, { type: 'ready' }>>((resolve, reject) => {
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') resolve(m);
      if (m.type === 'error') reject(new Error(`bench worker failed to start: ${m.message}`));
    });
    child.once('exit', (code) => reject(new Error(`bench worker exited with ${code} before it was ready`)));
  });
  let waiting: ((m: NodeJS.MemoryUsage) => void) | undefined;
  let waitingTimes: ((t: Record<string, number[]>) => void) | undefined;
  child.on('message', (m: WorkerMessage) => {
    if (m.type === 'memory') waiting?.(m.usage);
    if (m.type === 'activity-times') waitingTimes?.(m.times);
  });
  return {
    pid: ready.pid,
    maxCachedWorkflows: ready.maxCachedWorkflows,
    async memory() {
      const usage = await new Promise<NodeJS.MemoryUsage>((resolve) => {
        waiting = resolve;
        child.send({ type: 'memory' });
      });
      return { ...rssFromProc(ready.pid), heapUsed: usage.heapUsed, external: usage.external };
    },
    activityTimes() {
      return new Promise((resolve) => {
        waitingTimes = resolve;
        child.send({ type: 'activity-times' });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function fileBytes(file: string): number {
  return ['', '-wal', '-shm'].reduce((sum, suffix) => sum + (existsSync(file + suffix) ? statSync(file + suffix).size : 0), 0);
}

async function startDevBackend(options: HarnessOptions): Promise<BenchTemporal> {
  const toolchain = ensureTemporalToolchain({ env: process.env, root: ROOT, install: true, log: (l) => options.progress.log(l) });
  if (!toolchain.cli) throw new Error('no Temporal CLI: run `npm run setup` or set TEMPORAL_CLI_PATH');
  const version = execFileSync(toolchain.cli, ['--version'], { encoding: 'utf8' }).trim();
  const dbFile = path.join(SCRATCH, 'temporal.sqlite');
  const server = await startDevServer({
    cli: toolchain.cli,
    ...(options.temporalStore === 'memory' ? {} : { dbFile }),
    extraArgs: STORE_ARGS[options.temporalStore],
  });
  return {
    backend: 'dev',
    address: server.address,
    pid: server.process.pid ?? 0,
    version,
    description: `dev server, SQLite ${options.temporalStore}`,
    storageBytes: () => Promise.resolve(fileBytes(dbFile)),
    stop: () => server.stop(),
  };
}

async function startClusterBackend(options: HarnessOptions): Promise<BenchTemporal> {
  const toolchain = ensureClusterToolchain({ root: ROOT, env: process.env, install: false });
  // The server connects as the bench's role (it needs CREATEDB, as for masar_bench itself).
  const url = options.databaseUrl;
  await dropClusterDatabases(url, BENCH_CLUSTER_DATABASE);
  const server = await startCluster({
    toolchain,
    databaseUrl: url,
    database: BENCH_CLUSTER_DATABASE,
    stateDir: path.join(SCRATCH, 'temporal-cluster'),
    port: await freePort(),
    log: (l) => options.progress.log(l),
  });
  const admin = new PgClient({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  return {
    backend: 'cluster',
    address: server.address,
    pid: server.pid,
    version: `temporal-server ${toolchain.version}`,
    description: `one node on PostgreSQL, persistence and visibility (postgres12), ${CLUSTER_HISTORY_SHARDS} history shards`,
    async storageBytes() {
      const r = await admin.query<{ bytes: string }>('SELECT sum(pg_database_size(datname)) AS bytes FROM pg_database WHERE datname = ANY($1)', [
        [BENCH_CLUSTER_DATABASE, `${BENCH_CLUSTER_DATABASE}_visibility`],
      ]);
      return Number(r.rows[0]?.bytes ?? 0);
    },
    async stop() {
      await admin.end().catch(() => undefined);
      await server.stop();
    },
  };
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const { progress } = options;
  const backend = options.temporalBackend ?? 'dev';
  rmSync(SCRATCH, { recursive: true, force: true });
  mkdirSync(SCRATCH, { recursive: true });

  progress.log(`starting the Temporal ${backend === 'dev' ? 'dev server' : 'server on PostgreSQL'}, PostgreSQL database, SMTP sink and worker`);
  const [temporal, databaseName, smtp] = await Promise.all([
    backend === 'dev' ? startDevBackend(options) : startClusterBackend(options),
    recreateDatabase(options.databaseUrl),
    startSmtpSink(),
  ]);
  const db = createDb({ url: options.databaseUrl, max: 10, statementTimeoutMs: 600_000 });
  await migrate(db);
  await seedDirectory(db);
  const unit = await createDirectory(db).caseUnit(BENCH_UNIT_CODE);
  const worker = await startWorkerProcess(
    {
      BENCH_TEMPORAL_ADDRESS: temporal.address,
      BENCH_DATABASE_URL: options.databaseUrl,
      BENCH_SMTP_URL: smtp.url,
      BENCH_TASK_QUEUE: BENCH_TASK_QUEUE,
      ...(options.maxCachedWorkflows ? { BENCH_MAX_CACHED_WORKFLOWS: String(options.maxCachedWorkflows) } : {}),
    },
    options.cpuProfileDir,
  );
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  return {
    temporal,
    client,
    db,
    databaseName,
    smtp,
    worker,
    unit,
    async close() {
      await worker.stop().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await db.end().catch(() => undefined);
      await smtp.close().catch(() => undefined);
      await temporal.stop().catch(() => undefined);
    },
  };
}
