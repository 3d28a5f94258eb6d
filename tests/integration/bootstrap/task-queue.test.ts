/**
 * One configuration for every process: the API and the worker, each started by its own entry code
 * from the same environment, agree on `MASAR_TASK_QUEUE`. A case filed through the API on a queue
 * other than the default is picked up by the worker polling that queue (a 201 with the first view
 * needs the workflow to run), and its workflow runs on that queue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { mintToken } from '../../../api/auth';
import { startApi, type RunningApi } from '../../../api/server';
import { loadApiConfig } from '../../../config/env';
import { createDirectory } from '../../../db/directory';
import { freePort } from '../../../worker/dev-server';
import { caseWorkflowId, TASK_QUEUE } from '../../../workflows/messages';
import { createTestDb, type TestDb } from '../../support/db';
import { TANGER, UNITS } from '../api/api-harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SECRET = 'task-queue-secret-0123456789abcdef0123';
const QUEUE = `masar-other-${Date.now()}`;

let t: TestDb;
let api: RunningApi | undefined;
let worker: ChildProcess | undefined;
let env: Record<string, string>;

/** `npm run worker` as an operator runs it: node with tsx as a loader, until it says it polls. */
function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, MAIL_DIR: mkdtempSync(path.join(tmpdir(), 'masar-mail-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not poll within 90 s:\n${output.slice(-3000)}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Masar worker polling')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited with ${code}:\n${output.slice(-3000)}`));
    });
  });
}

beforeAll(async () => {
  const address = process.env.MASAR_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('MASAR_TEST_TEMPORAL_ADDRESS is not set: jest global setup did not start the dev server');
  t = await createTestDb();
  await createDirectory(t.db).upsertUnits(UNITS);
  env = {
    DATABASE_URL: t.url,
    TEMPORAL_ADDRESS: address,
    MASAR_TASK_QUEUE: QUEUE,
    AUTH_JWT_SECRET: SECRET,
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    RATE_LIMIT_CAPACITY: '1000',
  };
  worker = await startWorkerProcess();
  api = await startApi(loadApiConfig(env), pino({ level: 'silent' }));
}, 150_000);

afterAll(async () => {
  await api?.stop();
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker?.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
  await t?.drop();
});

describe('MASAR_TASK_QUEUE', () => {
  it('should start cases filed through the API on the configured queue, where its worker picks them up', async () => {
    expect(QUEUE).not.toBe(TASK_QUEUE);
    const token = await mintToken({ secret: SECRET, claims: { sub: 'citizen-q', name: 'Amina', roles: ['applicant'] }, ttl: '10m' });
    const res = await fetch(`${api?.url}/api/v1/cases`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ procedure: 'acces-information', unit: TANGER, data: { subject: 'Budget 2025', format: 'electronic' } }),
    });
    const body = (await res.json()) as { caseId: string; state?: string };
    // 201 with the case's first view: a worker ran its workflow (202 would mean nobody polled in time).
    expect(res.status).toBe(201);
    expect(body.state).toBe('received');

    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS as string });
    try {
      const described = await new Client({ connection }).workflow.getHandle(caseWorkflowId(body.caseId)).describe();
      expect(described.taskQueue).toBe(QUEUE);
    } finally {
      await connection.close();
    }
  });
});
