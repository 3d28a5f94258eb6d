/**
 * No input freezes a case, end to end on the real dev server, worker, activities and PostgreSQL:
 * a case whose data PostgreSQL cannot store (started behind the API's back, as a case filed before
 * the API refused such text would be) is listed for administrators with its error instead of
 * retrying forever; and a filing the API acknowledges is readable even when no worker ran it.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../../api/app';
import { createTokenVerifier } from '../../../api/auth';
import { createCaseEngine } from '../../../usecases/case-engine';
import { createDirectory } from '../../../db/directory';
import { getProcedure } from '../../../db/procedures';
import { caseWorkflowId, type CaseInput } from '../../../workflows/messages';
import { SECRET, startHarness, TANGER, type CallerName, type Harness } from './api-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true, taskQueue: `attention-${Date.now()}` });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function get(who: CallerName, url: string) {
  return request(h.app).get(url).set('Authorization', `Bearer ${await h.token(who)}`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function caseInputWith(data: Record<string, unknown>): Promise<CaseInput> {
  const published = await getProcedure(h.t.db, 'acces-information');
  if (!published) throw new Error('acces-information is not published');
  const caseId = createHash('sha256').update(`attention-${Date.now()}-${Math.random()}`).digest('hex').slice(0, 32);
  return {
    caseId,
    reference: `AT-${caseId.slice(0, 8)}`,
    procedure: published.compiled,
    unit: await createDirectory(h.t.db).caseUnit(TANGER),
    applicant: { id: 'citizen-1', name: 'Amina', language: 'fr' },
    data,
    filedBy: { id: 'citizen-1', roles: ['applicant'] },
    calendarId: 'ma-administration',
  };
}

interface AttentionItem {
  caseId: string;
  reference: string;
  procedureId: string;
  unit: string;
  step: string;
  error: string;
  since: string;
  attempts: number;
}

async function attentionOf(caseId: string): Promise<AttentionItem | undefined> {
  const res = await get('admin', '/api/v1/attention?limit=100');
  expect(res.status).toBe(200);
  return (res.body.items as AttentionItem[]).find((i) => i.caseId === caseId);
}

describe('a case whose data PostgreSQL cannot store', () => {
  it('should be listed for administrators with its error, stop retrying, and retry on request', async () => {
    for (const bad of ['a\u0000b', 'x\uD800y']) {
      const input = await caseInputWith({ subject: bad, format: 'electronic' });
      const handle = await h.client.workflow.start('procedureCase', { taskQueue: h.taskQueue, workflowId: caseWorkflowId(input.caseId), args: [input] });

      const item = await until('the case in GET /attention', () => attentionOf(input.caseId));
      expect(item).toMatchObject({ reference: input.reference, procedureId: 'acces-information', unit: TANGER, step: 'filing', attempts: 1 });
      expect(item.error).toMatch(/PostgreSQL (22P05|22021|22P02)/);
      expect(Date.parse(item.since)).not.toBeNaN();

      // It waits rather than loops: still running, and its history stops growing.
      const length = async () => (await handle.fetchHistory()).events?.length ?? 0;
      // The attention row is written by an activity before the server hears it completed: let the
      // history take that completion (and any message in flight) before watching it stand still.
      let before = await length();
      for (let settled = 0; settled < 2; ) {
        await new Promise((r) => setTimeout(r, 500));
        const now = await length();
        settled = now === before ? settled + 1 : 0;
        before = now;
      }
      await new Promise((r) => setTimeout(r, 3_000));
      expect(await length()).toBe(before);
      expect((await handle.describe()).status.name).toBe('RUNNING');

      // An administrator's retry runs the projection again: the same error, one more attempt.
      const retried = await request(h.app)
        .post(`/api/v1/attention/${input.caseId}/retry`)
        .set('Authorization', `Bearer ${await h.token('admin')}`);
      expect(retried.status).toBe(202);
      await until('the second attempt', async () => ((await attentionOf(input.caseId))?.attempts === 2 ? true : undefined));
      await handle.terminate('test over');
    }
  });

  it('should keep the list and the retry to administrators', async () => {
    for (const who of ['applicant', 'agent', 'supervisorProvince'] as const) {
      expect((await get(who, '/api/v1/attention')).status).toBe(403);
      const res = await request(h.app).post('/api/v1/attention/x/retry').set('Authorization', `Bearer ${await h.token(who)}`);
      expect(res.status).toBe(403);
    }
    const unknown = await request(h.app).post('/api/v1/attention/no-such-case/retry').set('Authorization', `Bearer ${await h.token('admin')}`);
    expect(unknown.status).toBe(404);
  });
});

describe('a filing acknowledged before any worker ran it', () => {
  it('should be readable at once', async () => {
    // The same database, on a task queue no worker polls, answering 202 after a short wait.
    const app = createApp({
      db: h.t.db,
      engine: createCaseEngine(h.client, { taskQueue: `nobody-${Date.now()}` }),
      directory: createDirectory(h.t.db),
      verifyToken: createTokenVerifier({ jwtSecret: SECRET }),
      options: { rateLimit: false, firstViewTimeoutMs: 300 },
    });
    const filed = await request(app)
      .post('/api/v1/cases')
      .set('Authorization', `Bearer ${await h.token('applicant')}`)
      .send({ procedure: 'acces-information', unit: TANGER, data: { subject: 'Budget', format: 'electronic' } });
    expect(filed.status).toBe(202);
    const read = await request(app).get(`/api/v1/cases/${filed.body.caseId}`).set('Authorization', `Bearer ${await h.token('applicant')}`);
    expect(read.status).toBe(200);
    // The filing row: the initial state, as no worker has routed the case yet (acces-information
    // enters `intake`, which routes an urgent request at once).
    expect(read.body).toMatchObject({ caseId: filed.body.caseId, reference: filed.body.reference, status: 'open', state: 'intake', sequence: 0 });
    expect(read.body.data).toEqual({ subject: 'Budget', format: 'electronic' });
    // Not yet projected is not a deleted journal.
    const verified = await request(app).get(`/api/v1/journal/verify?case=${filed.body.caseId}`).set('Authorization', `Bearer ${await h.token('admin')}`);
    expect(verified.status).toBe(200);
    expect(JSON.stringify(verified.body)).not.toMatch(/deleted|missing/);
    await h.client.workflow.getHandle(caseWorkflowId(filed.body.caseId)).terminate('test over');
  });
});
