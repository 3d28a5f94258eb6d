/**
 * The production layout of docs/operations.md on one machine: the PostgreSQL-backed Temporal server,
 * two worker processes and two API processes on one task queue, behind a client that does what a
 * load balancer and a careful caller do (round robin; on a refused connection or a 5xx, the same
 * request with the same Idempotency-Key to the next API). During a run of filings one API and one
 * worker are killed with SIGKILL. Every filing is acknowledged once and names its own case, no case
 * is lost (workflow running, read model projected, receipt sent), and no mail goes out twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { mintToken } from '../../api/auth';
import { createDirectory } from '../../db/directory';
import { freePort } from '../../worker/dev-server';
import { buildWorkflowBundle } from '../../worker/bundle';
import { caseWorkflowId } from '../../workflows/messages';
import { TANGER, UNITS } from '../integration/api/api-harness';
import { createTestDb, type TestDb } from '../support/db';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { startApiProcess, startWorkerProcess, type MasarProcess } from './processes';

const SECRET = 'topology-secret-0123456789abcdef0123456789';
const QUEUE = `masar-topology-${Date.now()}`;
/** Filings in the run, how many are in flight at once, and after how many acknowledgements the kills come. */
const FILINGS = 40;
const CONCURRENCY = 8;
const KILL_AFTER = Math.floor(FILINGS / 3);

let t: TestDb;
let smtp: TestSmtp;
let scratch: string;
let client: Client;
let connection: Connection;
const processes: MasarProcess[] = [];
const apiPorts: Record<string, number> = {};

beforeAll(async () => {
  const address = process.env.MASAR_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('MASAR_TEST_TEMPORAL_ADDRESS is not set: run this file through `npm run test:cluster`');
  scratch = mkdtempSync(path.join(tmpdir(), 'masar-topology-'));
  [t, smtp] = await Promise.all([createTestDb(), startTestSmtp()]);
  await createDirectory(t.db).upsertUnits(UNITS);
  // One bundle for both workers, as production ships it (`npm run build:workflows`).
  const bundle = await buildWorkflowBundle(path.join(scratch, 'workflow-bundle.js'));
  const common = {
    DATABASE_URL: t.url,
    TEMPORAL_ADDRESS: address,
    MASAR_TASK_QUEUE: QUEUE,
    MASAR_DOCUMENTS_DIR: path.join(scratch, 'documents'),
    LOG_LEVEL: 'info',
  };
  const workerEnv = { ...common, SMTP_URL: smtp.url, MASAR_WORKFLOW_BUNDLE: bundle, MAIL_DIR: path.join(scratch, 'mail') };
  const apiEnv = async (name: string) => ({
    ...common,
    AUTH_JWT_SECRET: SECRET,
    HOST: '127.0.0.1',
    PORT: String((apiPorts[name] = await freePort())),
    MASAR_CONSOLE: 'false',
    RATE_LIMIT_CAPACITY: '100000',
    RATE_LIMIT_PER_SECOND: '10000',
  });
  // The first API migrates and publishes the shipped procedures; the second finds them done.
  processes.push(await startApiProcess('api-1', await apiEnv('api-1')));
  const started = await Promise.all([startApiProcess('api-2', await apiEnv('api-2')), startWorkerProcess('worker-1', workerEnv), startWorkerProcess('worker-2', workerEnv)]);
  processes.push(...started);
  connection = await Connection.connect({ address });
  client = new Client({ connection });
}, 600_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await connection?.close();
  await Promise.all([t?.drop(), smtp?.close()]);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const byName = (name: string) => {
  const found = processes.find((p) => p.name === name);
  if (!found) throw new Error(`no process ${name}`);
  return found;
};
const apiUrl = (name: string) => `http://127.0.0.1:${apiPorts[name]}/api/v1`;

interface Ack {
  key: string;
  email: string;
  caseId: string;
  status: number;
  replayed: boolean;
  /** Attempts that failed (connection refused or reset, 5xx) before the acknowledgement. */
  retries: number;
}

async function until<T>(what: string, probe: () => Promise<T | false>, ms = 180_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== false) return value;
    if (Date.now() > end) throw new Error(`not within ${ms / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('two workers and two APIs on the PostgreSQL-backed Temporal server', () => {
  it('should acknowledge every filing once, lose none and mail none twice when one API and one worker are killed mid-run', async () => {
    const urls = [apiUrl('api-1'), apiUrl('api-2')];
    let acknowledged = 0;
    let killedAt: number | undefined;
    const kills: Promise<void>[] = [];

    async function file(i: number): Promise<Ack> {
      const key = `topology-${i}`;
      const email = `citizen-${i}@example.ma`;
      const token = await mintToken({ secret: SECRET, claims: { sub: `citizen-${i}`, name: `Citoyen ${i}`, email, roles: ['applicant'] }, ttl: '30m' });
      const body = JSON.stringify({ procedure: 'acces-information', unit: TANGER, data: { subject: `Demande ${i}`, format: 'electronic' } });
      let retries = 0;
      for (let attempt = 0; attempt < 40; attempt++) {
        const url = urls[(i + attempt) % urls.length] as string;
        let res: Response;
        try {
          res = await fetch(`${url}/cases`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
            body,
            signal: AbortSignal.timeout(60_000),
          });
        } catch {
          retries++;
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        if (res.status >= 500) {
          retries++;
          await res.body?.cancel();
          await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        const json = (await res.json()) as { caseId?: string };
        if ((res.status !== 201 && res.status !== 202) || !json.caseId) throw new Error(`filing ${key}: ${res.status} ${JSON.stringify(json)}`);
        acknowledged++;
        if (acknowledged === KILL_AFTER) {
          killedAt = acknowledged;
          kills.push(byName('api-1').kill(), byName('worker-1').kill());
        }
        return { key, email, caseId: json.caseId, status: res.status, replayed: res.headers.get('idempotent-replayed') === 'true', retries };
      }
      throw new Error(`filing ${key}: no API acknowledged it after 40 attempts`);
    }

    const acks: Ack[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < FILINGS) acks.push(await file(next++));
      }),
    );
    await Promise.all(kills);

    // The kills came in the middle of the run, and really ended both processes.
    expect(killedAt).toBe(KILL_AFTER);
    expect(byName('api-1').child.signalCode).toBe('SIGKILL');
    expect(byName('worker-1').child.signalCode).toBe('SIGKILL');

    // Every filing acknowledged once, each with a case of its own.
    expect(acks).toHaveLength(FILINGS);
    expect(new Set(acks.map((a) => a.key)).size).toBe(FILINGS);
    expect(new Set(acks.map((a) => a.caseId)).size).toBe(FILINGS);
    const caseIds = acks.map((a) => a.caseId);

    // None lost: each case's workflow runs on the cluster, and the read model has projected it (its task).
    for (const caseId of caseIds) {
      const described = await client.workflow.getHandle(caseWorkflowId(caseId)).describe();
      expect(described.status.name).toBe('RUNNING');
      expect(described.taskQueue).toBe(QUEUE);
    }
    await until('every case projected with its task', async () => {
      const r = await t.db.query<{ n: string }>('SELECT count(DISTINCT case_id) AS n FROM case_tasks WHERE case_id = ANY($1)', [caseIds]);
      return Number(r.rows[0]?.n) === FILINGS || false;
    });
    const states = await t.db.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM cases WHERE case_id = ANY($1) GROUP BY state', [caseIds]);
    expect(states.rows).toEqual([{ state: 'received', n: String(FILINGS) }]);
    // Visibility on PostgreSQL sees them too (eventually consistent).
    await until('visibility counts every case', async () => (await client.workflow.count(`TaskQueue = "${QUEUE}"`)).count === FILINGS || false);

    // Each applicant's receipt arrived; then, a while later, still once: no mail twice.
    // A receipt being sent by the killed worker is retried when its attempt times out (2 minutes).
    await until('every receipt delivered', async () => acks.every((a) => smtp.to(a.email).length >= 1) || false, 300_000);
    await new Promise((r) => setTimeout(r, 5_000));
    for (const a of acks) expect({ key: a.key, mails: smtp.to(a.email).length }).toEqual({ key: a.key, mails: 1 });
    const twice = [...smtp.countByMessageId()].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
    const outbox = await t.db.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM notification_outbox WHERE case_id = ANY($1) AND address LIKE $2 GROUP BY status',
      [caseIds, 'citizen-%'],
    );
    expect(outbox.rows).toEqual([{ status: 'sent', n: String(FILINGS) }]);

    // The counts, for the bench record and the reader of a green run.
    const retried = acks.filter((a) => a.retries > 0).length;
    const replayed = acks.filter((a) => a.replayed).length;
    console.log(
      `topology: ${FILINGS} filings, ${acks.filter((a) => a.status === 201).length} answered 201 and ${acks.filter((a) => a.status === 202).length} 202; ` +
        `killed api-1 and worker-1 after ${KILL_AFTER}; ${retried} retried on the other API (${replayed} of them already filed); ` +
        `${smtp.messages.length} mails, none twice`,
    );
  }, 900_000);
});
