/**
 * Filing and acting over HTTP against the real Temporal dev server, the real case workflow and the
 * real projection into PostgreSQL: a user's path from filing to reading the answer, idempotent
 * filing under concurrent retries, and bad input that changes nothing.
 */
import request from 'supertest';
import { verifyJournal } from '../../../db/journal-verify';
import { recordUpload } from '../../support/documents';
import { startHarness, TANGER, type CallerName, type Harness } from './api-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true, taskQueue: `filing-${Date.now()}` });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const goodBody = (subject = 'Budget communal 2025') => ({
  procedure: 'acces-information',
  unit: TANGER,
  data: { subject, format: 'electronic' },
});

async function post(who: CallerName, url: string, body: unknown, headers: Record<string, string> = {}) {
  const req = request(h.app).post(url).set('Authorization', `Bearer ${await h.token(who)}`);
  for (const [k, v] of Object.entries(headers)) req.set(k, v);
  return req.send(body as object);
}

async function get(who: CallerName, url: string) {
  return request(h.app).get(url).set('Authorization', `Bearer ${await h.token(who)}`);
}

/** Waits until the read model shows the case at `sequence` or later (the projection is async). */
async function projected(caseId: string, atLeast = 1, who: CallerName = 'applicant'): Promise<request.Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await get(who, `/api/v1/cases/${caseId}`);
    if (res.status === 200 && res.body.sequence >= atLeast) return res;
    if (Date.now() > deadline) throw new Error(`case ${caseId} not projected: last answer ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function counts() {
  const q = async (sql: string) => Number((await h.t.db.query<{ n: string }>(sql)).rows[0]?.n);
  return {
    cases: await q('SELECT count(*) AS n FROM cases'),
    keys: await q('SELECT count(*) AS n FROM idempotency_keys'),
    references: await q('SELECT last_value AS n FROM case_reference_seq'),
  };
}

describe('filing a case', () => {
  it('should let an applicant file, the agent answer, and the applicant read the answer', async () => {
    const filed = await post('applicant', '/api/v1/cases', goodBody());
    expect(filed.status).toBe(201);
    const caseId: string = filed.body.caseId;
    expect(filed.headers.location).toBe(`/api/v1/cases/${caseId}`);
    expect(filed.body).toMatchObject({ state: 'received', status: 'open', applicant: { id: 'citizen-1', email: 'amina@example.ma' } });
    expect(filed.body.reference).toMatch(/^AI-\d{4}-\d{6}$/);

    const inbox = await get('agent', '/api/v1/tasks');
    await projected(caseId);
    const tasks = (await get('agent', '/api/v1/tasks')).body.items.map((i: { case: { caseId: string } }) => i.case.caseId);
    expect(inbox.status).toBe(200);
    expect(tasks).toContain(caseId);

    const review = await post('agent', `/api/v1/cases/${caseId}/actions`, { action: 'start_review' });
    expect(review.status).toBe(200);
    expect(review.body.state).toBe('review');
    const answer = await post('agent', `/api/v1/cases/${caseId}/actions`, { action: 'answer', input: { document: await recordUpload(h.t.db, 'agent-tanger') } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ state: 'answered', status: 'closed', outcome: 'answered' });

    const seen = await projected(caseId, answer.body.sequence);
    expect(seen.body).toMatchObject({ state: 'answered', outcome: 'answered', data: { subject: 'Budget communal 2025' } });
    const journal = await get('applicant', `/api/v1/cases/${caseId}/journal`);
    expect(journal.body.items.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['start_review', 'answer']));
    expect(await verifyJournal(h.t.db, caseId)).toMatchObject({ ok: true });

    const late = await post('agent', `/api/v1/cases/${caseId}/actions`, { action: 'answer', input: { document: await recordUpload(h.t.db, 'agent-tanger') } });
    expect(late.status).toBe(409);
  });

  it('should make one case of concurrent retries with the same Idempotency-Key', async () => {
    const before = await counts();
    const key = `retry-${Date.now()}`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post('applicant', '/api/v1/cases', goodBody('Marchés publics 2024'), { 'Idempotency-Key': key })),
    );
    for (const a of answers) expect([201, 202]).toContain(a.status);
    const ids = new Set(answers.map((a) => a.body.caseId));
    const references = new Set(answers.map((a) => a.body.reference));
    expect(ids.size).toBe(1);
    expect(references.size).toBe(1);
    const caseId = answers[0]?.body.caseId as string;
    await projected(caseId);
    const after = await counts();
    expect(after.cases - before.cases).toBe(1);
    expect(after.keys - before.keys).toBe(1);

    const again = await post('applicant', '/api/v1/cases', goodBody('Marchés publics 2024'), { 'Idempotency-Key': key });
    expect(again.status).toBe(201);
    expect(again.body.caseId).toBe(caseId);
    expect(again.headers['idempotent-replayed']).toBe('true');

    const reused = await post('applicant', '/api/v1/cases', goodBody('Autre chose'), { 'Idempotency-Key': key });
    expect(reused.status).toBe(409);
    expect(reused.body.type).toBe('/problems/idempotency-key-reused');
  });

  it('should let an agent file at the counter for an applicant of their unit only', async () => {
    const applicant = { id: 'walk-in-7', name: 'Khadija Idrissi', language: 'ar' };
    const filed = await post('agent', '/api/v1/cases', { ...goodBody(), applicant });
    expect(filed.status).toBe(201);
    expect(filed.body.filedBy.id).toBe('agent-tanger');
    expect(filed.body.applicant.id).toBe('walk-in-7');
    expect((await projected(filed.body.caseId, 1, 'agent')).body.data.subject).toBe('Budget communal 2025');
    const elsewhere = await post('agentAssilah', '/api/v1/cases', { ...goodBody(), applicant });
    expect(elsewhere.status).toBe(403);
    const noApplicant = await post('agent', '/api/v1/cases', goodBody());
    expect(noApplicant.status).toBe(422);
    expect(noApplicant.body.errors).toEqual([{ path: 'applicant', message: expect.any(String) }]);
  });

  it('should reject each bad input with a 4xx and change nothing', async () => {
    const before = await counts();
    const token = await h.token('applicant');
    const raw = (body: string, type = 'application/json') =>
      request(h.app).post('/api/v1/cases').set('Authorization', `Bearer ${token}`).set('Content-Type', type).send(body);

    const cases: [string, () => Promise<request.Response>, number, string?][] = [
      ['malformed JSON', () => raw('{"procedure": "acces-information",'), 400],
      ['wrong types', () => post('applicant', '/api/v1/cases', { procedure: 42, unit: ['x'], data: 'text' }), 422, 'procedure'],
      ['unknown procedure', () => post('applicant', '/api/v1/cases', { ...goodBody(), procedure: 'permis-de-voler' }), 422, 'procedure'],
      ['unknown version', () => post('applicant', '/api/v1/cases', { ...goodBody(), version: 9 }), 422, 'version'],
      ['missing required field', () => post('applicant', '/api/v1/cases', { ...goodBody(), data: { format: 'paper' } }), 422, 'data.subject'],
      ['bad choice', () => post('applicant', '/api/v1/cases', { ...goodBody(), data: { subject: 'x', format: 'pigeon' } }), 422, 'data.format'],
      ['unknown unit', () => post('applicant', '/api/v1/cases', { ...goodBody(), unit: '99.999.99.99' }), 422, 'unit'],
      ['SQL in the unit', () => post('applicant', '/api/v1/cases', { ...goodBody(), unit: "'; DROP TABLE cases; --" }), 422, 'unit'],
      ['SQL in the procedure', () => post('applicant', '/api/v1/cases', { ...goodBody(), procedure: "x' OR '1'='1" }), 422, 'procedure'],
      ['oversized body', () => post('applicant', '/api/v1/cases', { ...goodBody(), data: { subject: 'x'.repeat(300_000), format: 'paper' } }), 413],
      ['__proto__ key', () => raw(`{"procedure":"acces-information","unit":"${TANGER}","data":{"__proto__":{"admin":true},"subject":"x","format":"paper"}}`), 400, 'data.__proto__'],
      ['constructor key', () => raw(`{"procedure":"acces-information","unit":"${TANGER}","data":{"subject":"x","format":"paper","constructor":{"prototype":{}}}}`), 400, 'data.constructor'],
      ['unknown top-level key', () => post('applicant', '/api/v1/cases', { ...goodBody(), status: 'closed' }), 422],
      ['form-encoded body', () => raw('procedure=acces-information', 'application/x-www-form-urlencoded'), 415],
      ['bad Idempotency-Key', () => post('applicant', '/api/v1/cases', goodBody(), { 'Idempotency-Key': 'é'.repeat(3) }), 400],
    ];
    for (const [what, send, status, path] of cases) {
      const res = await send();
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(res.type).toBe('application/problem+json');
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect(await counts()).toEqual(before);
    expect((await h.t.db.query(`SELECT to_regclass('cases') AS t`)).rows[0].t).toBe('cases');
  });

  it('should treat SQL metacharacters in filters as plain values', async () => {
    const res = await get('applicant', `/api/v1/cases?state=${encodeURIComponent("' OR 1=1 --")}&procedure=${encodeURIComponent('x"; DROP TABLE cases')}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    const bad = await get('applicant', `/api/v1/cases/${encodeURIComponent("1' OR '1'='1")}`);
    expect(bad.status).toBe(400);
  });
});

describe('acting on a case', () => {
  let caseId: string;
  beforeAll(async () => {
    const filed = await post('applicant', '/api/v1/cases', goodBody('Plan d’aménagement'));
    caseId = filed.body.caseId;
    await projected(caseId);
  });

  it('should answer 403 when the workflow refuses the actor, 409 when the state does not allow it', async () => {
    const byApplicant = await post('applicant', `/api/v1/cases/${caseId}/actions`, { action: 'start_review' });
    expect(byApplicant.status).toBe(403);
    const tooEarly = await post('agent', `/api/v1/cases/${caseId}/actions`, { action: 'answer' });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.type).toBe('/problems/action-not-allowed-in-state');
    const otherUnit = await post('agentAssilah', `/api/v1/cases/${caseId}/actions`, { action: 'start_review' });
    expect(otherUnit.status).toBe(403);
  });

  it('should apply an action once when retried with the same Idempotency-Key', async () => {
    const key = `act-${Date.now()}`;
    const first = await post('agent', `/api/v1/cases/${caseId}/actions`, { action: 'start_review' }, { 'Idempotency-Key': key });
    const retry = await post('agent', `/api/v1/cases/${caseId}/actions`, { action: 'start_review' }, { 'Idempotency-Key': key });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body.sequence).toBe(first.body.sequence);
    const consistent = await get('agent', `/api/v1/cases/${caseId}?consistent=true`);
    expect(consistent.body.state).toBe('review');
  });

  it('should answer 422 with each bad field of an action input', async () => {
    const res = await post('agent', `/api/v1/cases/${caseId}/actions`, { action: 'refuse', input: { ground: 'because' } });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['details', 'ground']);
    const shape = await post('agent', `/api/v1/cases/${caseId}/actions`, { action: 'Refuse!', input: [] });
    expect(shape.status).toBe(422);
  });
});

describe('Idempotency-Key on actions', () => {
  async function freshCase(subject: string): Promise<string> {
    const filed = await post('applicant', '/api/v1/cases', goodBody(subject));
    await projected(filed.body.caseId);
    return filed.body.caseId as string;
  }
  const act = (caseId: string, body: unknown, key: string) => post('agent', `/api/v1/cases/${caseId}/actions`, body, { 'Idempotency-Key': key });
  const journalKinds = async (caseId: string) => {
    const rows = await h.t.db.query<{ kind: string }>('SELECT kind FROM journal WHERE case_id = $1 ORDER BY sequence', [caseId]);
    return rows.rows.map((r) => r.kind);
  };

  it('should answer 409 to the same key with another action, input, comment or case, and apply nothing', async () => {
    const caseId = await freshCase('Registre des permis 2025');
    const other = await freshCase('Registre des permis 2024');
    const key = `act-reuse-${Date.now()}`;
    const first = await act(caseId, { action: 'start_review', comment: 'dossier complet' }, key);
    expect(first.status).toBe(200);
    expect(first.body.state).toBe('review');

    const reuses: [string, string, unknown][] = [
      ['another action', caseId, { action: 'request_clarification', comment: 'dossier complet' }],
      ['another comment', caseId, { action: 'start_review', comment: 'dossier incomplet' }],
      ['no comment', caseId, { action: 'start_review' }],
      ['an input added', caseId, { action: 'start_review', comment: 'dossier complet', input: { note: 'x' } }],
      ['the same body on another case', other, { action: 'start_review', comment: 'dossier complet' }],
    ];
    for (const [what, target, body] of reuses) {
      const res = await act(target, body, key);
      expect({ what, status: res.status, type: res.type, slug: res.body.type }).toEqual({
        what,
        status: 409,
        type: 'application/problem+json',
        slug: '/problems/idempotency-key-reused',
      });
      expect(res.body.detail).toContain(key);
    }

    // The identical retry still answers the first action's view, applied once.
    const retry = await act(caseId, { action: 'start_review', comment: 'dossier complet' }, key);
    expect(retry.status).toBe(200);
    expect(retry.body.sequence).toBe(first.body.sequence);
    const live = await get('agent', `/api/v1/cases/${caseId}?consistent=true`);
    expect(live.body.state).toBe('review');
    expect(live.body.sequence).toBe(first.body.sequence);
    const untouched = await get('agent', `/api/v1/cases/${other}?consistent=true`);
    expect(untouched.body.state).toBe('received');
    await projected(caseId, first.body.sequence, 'agent');
    expect((await journalKinds(caseId)).filter((k) => k === 'start_review')).toHaveLength(1);
    expect(await journalKinds(other)).not.toContain('start_review');
  });

  it('should apply concurrent identical retries once and answer each with the same view', async () => {
    const caseId = await freshCase('Budget participatif');
    const key = `act-concurrent-${Date.now()}`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => act(caseId, { action: 'start_review' }, key)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.sequence)).size).toBe(1);
    await projected(caseId, answers[0]?.body.sequence, 'agent');
    expect((await journalKinds(caseId)).filter((k) => k === 'start_review')).toHaveLength(1);
    const rows = await h.t.db.query('SELECT 1 FROM action_idempotency_keys WHERE key = $1', [key]);
    expect(rows.rowCount).toBe(1);
  });
});
