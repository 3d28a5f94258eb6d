/**
 * A one-node Temporal server on PostgreSQL (persistence and visibility, `postgres12` plugin): the
 * opt-in backend of the cluster test tier (`npm run test:cluster`) and of the benchmarks
 * (`BENCH_TEMPORAL=cluster`), started and stopped by `npm run cluster -- start|stop`.
 *
 * What it does, in order: creates the two databases if missing; sets up the schema (first time)
 * and updates it to the version the binaries ship with `temporal-sql-tool`; writes a server config
 * and a dynamic config into its state folder; starts the server (pid file, log file); waits until
 * the frontend answers; registers the namespace and Masar's search attributes.
 *
 * Hazards: the history shard count is fixed when the databases are first used (a later config
 * with another count is refused by the server), hence one constant. Every service (frontend,
 * history, matching, worker) binds loopback ports of its own; only the frontend's is chosen by
 * the caller, the others are taken free at each start (they are found through the membership
 * table, not by configuration).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { stringify } from 'yaml';
import type { ClusterToolchain } from './cluster-toolchain';
import { freePort } from './dev-server';

const run = promisify(execFile);

/**
 * History shards, fixed for the life of the databases. 4 is the dev default; production clusters
 * use 512 and more across many hosts. 8 keeps one 2-core node's shard locks from serialising a
 * load run while costing little memory.
 */
export const CLUSTER_HISTORY_SHARDS = 8;

/** Search attributes Masar sets on cases (as the dev server registers them; no personal data). */
export const MASAR_SEARCH_ATTRIBUTES = ['MasarProcedure', 'MasarUnit', 'MasarState'] as const;

/**
 * The server records each service's membership port in `cluster_membership.rpc_port`, a PostgreSQL
 * smallint: a port the system hands out (often above 32767) stops the server at start.
 */
const MEMBERSHIP_PORT_LIMIT = 32_768;

/** A free loopback port in [20000, limit), not one of `taken`. */
async function freePortBelow(limit: number, taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * (limit - 20_000));
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.unref();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free loopback port below ${limit} after 200 tries`);
}

export interface ClusterOptions {
  toolchain: ClusterToolchain;
  /**
   * A postgres:// URL of a role that can create databases (CREATEDB) and own them; its path is
   * ignored. The server connects with the same role.
   */
  databaseUrl: string;
  /** Persistence database; visibility goes to `<name>_visibility`. @default 'temporal' */
  database?: string;
  /** Config, pid file and log go here (created). */
  stateDir: string;
  /** Frontend gRPC port on 127.0.0.1. @default a free port */
  port?: number;
  /** @default 'default' */
  namespace?: string;
  /** How long to wait for the frontend. @default 120000 */
  startTimeoutMs?: number;
  /**
   * Leave the server running after this process ends (own process group, output to the log file
   * only): what `npm run cluster -- start` does. @default false
   */
  detached?: boolean;
  log?: (line: string) => void;
}

export interface TemporalCluster {
  address: string;
  namespace: string;
  pid: number;
  /** The server's log (JSON lines). */
  logFile: string;
  /** SIGTERM, then SIGKILL after 20 s; removes the pid file. */
  stop(): Promise<void>;
}

interface PgTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

function pgTarget(url: string): PgTarget {
  const u = new URL(url);
  if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error(`cluster database URL ${u.protocol}//...: must be a postgres:// URL`);
  return {
    host: u.hostname || 'localhost',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

/** Paths of the state folder's files. */
export function clusterFiles(stateDir: string): { config: string; dynamicConfig: string; pid: string; log: string } {
  return {
    config: path.join(stateDir, 'temporal-server.yaml'),
    dynamicConfig: path.join(stateDir, 'dynamic-config.yaml'),
    pid: path.join(stateDir, 'temporal-server.pid'),
    log: path.join(stateDir, 'temporal-server.log'),
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function checkDatabaseName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,50}$/.test(name)) throw new Error(`cluster database "${name}": use a plain lower-case name such as temporal`);
  return name;
}

async function ensureDatabases(url: string, names: string[], log: (line: string) => void): Promise<void> {
  const admin = new PgClient({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect().catch((err: Error) => {
    throw new Error(`cannot reach PostgreSQL for the Temporal server (${err.message}): check the cluster database URL`);
  });
  try {
    for (const name of names) {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) continue;
      log(`creating database ${name}`);
      await admin.query(`CREATE DATABASE ${name}`).catch((err: Error) => {
        throw new Error(`CREATE DATABASE ${name} failed (${err.message}): the role needs CREATEDB (ALTER ROLE ... CREATEDB), or create it beforehand`);
      });
    }
  } finally {
    await admin.end();
  }
}

/**
 * Drops the persistence and visibility databases (a fresh cluster for a test run or a benchmark).
 * Only with the server stopped: WITH (FORCE) would cut it off its store mid-write.
 */
export async function dropClusterDatabases(url: string, database: string): Promise<void> {
  checkDatabaseName(database);
  const admin = new PgClient({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    for (const name of [database, `${database}_visibility`]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function hasSchemaVersion(url: string, database: string): Promise<boolean> {
  const client = new PgClient({ connectionString: withDatabase(url, database) });
  await client.connect();
  try {
    const r = await client.query("SELECT to_regclass('public.schema_version') IS NOT NULL AS present");
    return (r.rows[0] as { present: boolean }).present;
  } finally {
    await client.end();
  }
}

/** Sets up (first time) and updates one database's schema with temporal-sql-tool. */
async function migrateSchema(options: ClusterOptions, database: string, schema: 'temporal' | 'visibility', log: (line: string) => void): Promise<void> {
  const pg = pgTarget(options.databaseUrl);
  // The password goes through the environment, not the command line (visible in ps).
  const env = { ...process.env, SQL_PASSWORD: pg.password };
  const base = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--db', database, '--quiet'];
  const tool = async (args: string[]) => {
    try {
      await run(options.toolchain.sqlTool, [...base, ...args], { env });
    } catch (err) {
      const e = err as Error & { stderr?: string; stdout?: string };
      throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed: ${e.stderr || e.stdout || e.message}`);
    }
  };
  if (!(await hasSchemaVersion(options.databaseUrl, database))) {
    log(`setting up the ${schema} schema in ${database}`);
    await tool(['setup-schema', '-v', '0.0']);
  }
  await tool(['update-schema', '-d', path.join(options.toolchain.schemaDir, schema, 'versioned')]);
}

function serverConfig(options: ClusterOptions, ports: Record<string, number>, database: string, files: ReturnType<typeof clusterFiles>): unknown {
  const pg = pgTarget(options.databaseUrl);
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (grpc: number, membership: number, http?: number) => ({
    rpc: { grpcPort: grpc, membershipPort: membership, bindOnLocalHost: true, ...(http ? { httpPort: http } : {}) },
  });
  return {
    log: { stdout: true, level: 'warn', format: 'json' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: CLUSTER_HISTORY_SHARDS,
      datastores: { 'postgres-default': store(database, 20), 'postgres-visibility': store(`${database}_visibility`, 5) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: service(ports.frontend!, ports.frontendMembership!, ports.frontendHttp),
      history: service(ports.history!, ports.historyMembership!),
      matching: service(ports.matching!, ports.matchingMembership!),
      worker: service(ports.worker!, ports.workerMembership!),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: files.dynamicConfig, pollInterval: '10s' },
  };
}

/** Dynamic config: the server's defaults, but for the limits Masar's cases reach (ids of 255). */
const DYNAMIC_CONFIG = {
  'limit.maxIDLength': [{ value: 255, constraints: {} }],
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid in the state folder's pid file when that process still runs. */
export function runningClusterPid(stateDir: string): number | undefined {
  const file = clusterFiles(stateDir).pid;
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

/** Stops the server whose pid file is in `stateDir`: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopCluster(stateDir: string, graceMs = 20_000): Promise<'stopped' | 'not-running'> {
  const pid = runningClusterPid(stateDir);
  const pidFile = clusterFiles(stateDir).pid;
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    return 'not-running';
  }
  process.kill(pid, 'SIGTERM');
  for (const deadline = Date.now() + graceMs; alive(pid) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  rmSync(pidFile, { force: true });
  return 'stopped';
}

async function waitForFrontend(address: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<Connection> {
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) throw new Error(`the Temporal server exited with ${exited} while starting:\n${tail(logFile)}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the Temporal server did not answer on ${address} within ${timeoutMs / 1000} s (${(err as Error).message}):\n${tail(logFile)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').slice(-3000) : '(no log)';
}

async function registerNamespace(connection: Connection, namespace: string, log: (line: string) => void): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch {
    log(`registering namespace ${namespace}`);
    await connection.workflowService
      .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') })
      .catch((err: Error & { code?: number }) => {
        if (err.code !== 6) throw err; // ALREADY_EXISTS: another starter was first
      });
  }
  // The frontend learns a new namespace from its cache (refreshed every 2 s): wait until it serves
  // it, then add the search attributes (the operator service refuses an unknown namespace too).
  for (let i = 0; ; i++) {
    try {
      await connection.workflowService.listOpenWorkflowExecutions({ namespace, maximumPageSize: 1 });
      break;
    } catch (err) {
      if (i > 60) throw new Error(`namespace ${namespace} registered but not served after 30 s: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = MASAR_SEARCH_ATTRIBUTES.filter((name) => !(name in (customAttributes ?? {})));
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
  }
}

/** Creates the databases and schema as needed, starts the server and waits until it serves the namespace. */
export async function startCluster(options: ClusterOptions): Promise<TemporalCluster> {
  const log = options.log ?? (() => undefined);
  const database = checkDatabaseName(options.database ?? 'temporal');
  const namespace = options.namespace ?? 'default';
  mkdirSync(options.stateDir, { recursive: true });
  const files = clusterFiles(options.stateDir);
  const running = runningClusterPid(options.stateDir);
  if (running !== undefined) {
    throw new Error(`a Temporal server (pid ${running}) already runs from ${options.stateDir}: stop it first (npm run cluster -- stop)`);
  }

  await ensureDatabases(options.databaseUrl, [database, `${database}_visibility`], log);
  await migrateSchema(options, database, 'temporal', log);
  await migrateSchema(options, `${database}_visibility`, 'visibility', log);

  const ports: Record<string, number> = { frontend: options.port ?? (await freePort()) };
  for (const name of ['frontendMembership', 'frontendHttp', 'history', 'historyMembership', 'matching', 'matchingMembership', 'worker', 'workerMembership']) {
    ports[name] = await freePortBelow(MEMBERSHIP_PORT_LIMIT, new Set(Object.values(ports)));
  }
  writeFileSync(files.config, stringify(serverConfig(options, ports, database, files)), { mode: 0o600 });
  writeFileSync(files.dynamicConfig, stringify(DYNAMIC_CONFIG));

  log(`starting the Temporal server ${options.toolchain.version} on 127.0.0.1:${ports.frontend} (log: ${files.log})`);
  const out = openSync(files.log, 'a');
  const child = spawn(options.toolchain.server, ['--config-file', files.config, '--allow-no-auth', 'start'], {
    stdio: ['ignore', out, out],
    detached: options.detached ?? false,
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${options.toolchain.server}`);
  const pid = child.pid;
  writeFileSync(files.pid, `${pid}\n`);
  const address = `127.0.0.1:${ports.frontend}`;
  try {
    const connection = await waitForFrontend(address, child, files.log, options.startTimeoutMs ?? 120_000);
    try {
      await registerNamespace(connection, namespace, log);
    } finally {
      await connection.close();
    }
  } catch (err) {
    await stopCluster(options.stateDir, 5_000);
    throw err;
  }
  if (options.detached) child.unref();
  return { address, namespace, pid, logFile: files.log, stop: () => stopCluster(options.stateDir).then(() => undefined) };
}
