/**
 * The Flowable peer of `npm run bench` (issue 18, point 3): the bench procedure's unit of work as
 * BPMN on an embedded Flowable engine (`bench/flowable/`, Java 17 + Maven), on the bench's
 * PostgreSQL (schema `flowable` of the bench database) and SMTP sink, driven over a small HTTP
 * API at the same concurrencies as Masar and the bare-Temporal baseline, timed the same way.
 *
 * The peer is optional: without `java` or `mvn`, or when the Maven build fails (no Maven Central
 * on a first run), `preparePeer` says why and the bench runs without it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { CaseRunner } from '../load';
import type { Progress } from '../progress';

const PROJECT = path.join(__dirname, '..', 'flowable');
const JAR = path.join(PROJECT, 'target', 'flowable-peer.jar');
const LIB = path.join(PROJECT, 'target', 'lib');
const MAIN_CLASS = 'masar.bench.flowable.Main';
/** A first build downloads Flowable and its dependencies (~60 MB) into ~/.m2. */
const BUILD_TIMEOUT_MS = 15 * 60_000;
const START_TIMEOUT_MS = 180_000;

/** Ready to start, or why not (the bench then runs without the peer and says so). */
export type PeerAvailability = { ok: true; java: string } | { ok: false; reason: string };

export interface FlowablePeer {
  pid: number;
  url: string;
  /** What the peer printed when ready: Flowable's version and its settings. */
  banner: string;
  settings: PeerSettings;
  /** Optimistic-lock retries the driver made (a completion racing the receipt job). */
  stats(): Promise<{ started: number; lockRetries: number }>;
  stop(): Promise<void>;
}

/** How the peer is tuned; see bench/README.md for why. */
export interface PeerSettings {
  history: 'none' | 'activity' | 'audit' | 'full';
  poolSize: number;
  executorThreads: number;
  jvm: string[];
}

export const PEER_SETTINGS: PeerSettings = {
  history: 'audit',
  poolSize: 20,
  executorThreads: 8,
  jvm: ['-Xms256m', '-Xmx1g'],
};

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The built jar is older than its sources or pom.xml, or missing. */
function needsBuild(): boolean {
  if (!existsSync(JAR) || !existsSync(LIB)) return true;
  const sources = Math.max(newestMtime(path.join(PROJECT, 'src')), statSync(path.join(PROJECT, 'pom.xml')).mtimeMs);
  return statSync(JAR).mtimeMs < sources;
}

function version(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) return undefined;
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim())?.trim();
}

/**
 * Checks for Java 17+ and Maven and builds the peer if its jar is missing or stale (first run:
 * Maven Central; afterwards offline from ~/.m2). Never throws: a missing tool is a skipped peer.
 */
export function preparePeer(progress: Progress): PeerAvailability {
  const java = version('java', ['-version']);
  if (!java) return { ok: false, reason: 'no `java` on PATH (the peer needs Java 17 or later)' };
  const major = Number(/version "(\d+)/.exec(java)?.[1] ?? 0);
  if (major < 17) return { ok: false, reason: `${java}: the peer needs Java 17 or later` };
  if (!needsBuild()) return { ok: true, java };
  if (!version('mvn', ['-v'])) return { ok: false, reason: 'no `mvn` on PATH to build bench/flowable (or build it once elsewhere: mvn -q package)' };
  progress.log('building the Flowable peer (bench/flowable: mvn -q -B package; the first build downloads Flowable into ~/.m2)');
  const r = spawnSync('mvn', ['-q', '-B', 'package'], { cwd: PROJECT, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS });
  if (r.error || r.status !== 0) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    return { ok: false, reason: `building bench/flowable failed (${r.error?.message ?? `exit ${r.status}`}): ${tail}` };
  }
  return { ok: true, java };
}

/** The JDBC pieces of a postgres:// URL: Java's driver takes the user and password apart. */
export function jdbcParts(databaseUrl: string): { url: string; user: string; password: string } {
  const u = new URL(databaseUrl);
  const db = u.pathname.replace(/^\//, '');
  return {
    url: `jdbc:postgresql://${u.hostname}:${u.port || '5432'}/${db}`,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

/** One HTTP call to the peer's driver (no body sent; the answer read whole). */
function httpCall(agent: http.Agent, method: 'GET' | 'POST', url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { 'content-length': 0 } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts the peer (its engine creates its schema) and waits until its driver listens. */
export async function startFlowablePeer(o: { databaseUrl: string; smtpUrl: string; settings?: PeerSettings }): Promise<FlowablePeer> {
  const settings = o.settings ?? PEER_SETTINGS;
  const jdbc = jdbcParts(o.databaseUrl);
  const smtp = new URL(o.smtpUrl);
  const child: ChildProcess = spawn('java', [...settings.jvm, '-cp', `${JAR}${path.delimiter}${path.join(LIB, '*')}`, MAIN_CLASS], {
    env: {
      ...process.env,
      PEER_JDBC_URL: jdbc.url,
      PEER_DB_USER: jdbc.user,
      PEER_DB_PASSWORD: jdbc.password,
      PEER_SCHEMA: 'flowable',
      PEER_SMTP_HOST: smtp.hostname,
      PEER_SMTP_PORT: smtp.port,
      PEER_HISTORY: settings.history,
      PEER_POOL_SIZE: String(settings.poolSize),
      PEER_EXECUTOR_THREADS: String(settings.executorThreads),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Flowable peer did not listen within ${START_TIMEOUT_MS / 1000} s: ${output.slice(-2000)}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^flowable-peer listening on port \d+.*$/m.exec(output);
      if (line) {
        clearTimeout(timer);
        resolve(line[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Flowable peer exited with ${code} before it listened: ${output.slice(-2000)}`));
    });
  });
  // Keep draining its output (a full pipe would block the JVM); only warnings reach it.
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (/ERROR|Exception/.test(text)) process.stderr.write(`[flowable] ${text.split('\n').slice(0, 3).join('\n')}\n`);
  });
  const port = Number(/port (\d+)/.exec(banner)?.[1]);
  const settingsText = /\((.*)\)/.exec(banner)?.[1] ?? banner;
  const url = `http://127.0.0.1:${port}`;
  return {
    pid: child.pid ?? 0,
    url,
    banner: settingsText,
    settings,
    async stats() {
      const r = await httpCall(new http.Agent(), 'GET', `${url}/stats`);
      if (r.status !== 200) throw new Error(`Flowable peer GET /stats: ${r.status} ${r.body}`);
      return JSON.parse(r.body) as { started: number; lockRetries: number };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * One peer case, timed as `timeCase` times Masar's and the baseline's: start (answered once
 * the start is committed), `review`, `decide`, then wait for the process's end (both mails sent).
 */
export function flowableCaseRunner(o: { peer: FlowablePeer; prefix: string; unit: string; caseTimeoutMs?: number }): CaseRunner {
  // Kept-alive connections, as the Temporal client keeps its gRPC channel open.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const call = async (method: 'GET' | 'POST', pathAndQuery: string): Promise<Record<string, unknown>> => {
    const r = await httpCall(agent, method, `${o.peer.url}${pathAndQuery}`);
    if (r.status !== 200) throw new Error(`Flowable peer ${method} ${pathAndQuery.split('?')[0]}: ${r.status} ${r.body}`);
    return JSON.parse(r.body) as Record<string, unknown>;
  };
  const timeout = o.caseTimeoutMs ?? 120_000;
  return async (index) => {
    const caseId = `${o.prefix}-${index}`;
    const t0 = performance.now();
    const started = await call('POST', `/cases?caseId=${encodeURIComponent(caseId)}&unit=${encodeURIComponent(o.unit)}`);
    const t1 = performance.now();
    const id = encodeURIComponent(String(started.processInstanceId));
    await call('POST', `/cases/${id}/tasks/review/complete`);
    const t2 = performance.now();
    await call('POST', `/cases/${id}/tasks/decide/complete?note=conforme`);
    const t3 = performance.now();
    await call('GET', `/cases/${id}/ended?timeoutMs=${timeout}`);
    return { start: t1 - t0, actions: [t2 - t1, t3 - t2], total: performance.now() - t0 };
  };
}
