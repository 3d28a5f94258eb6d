/**
 * The access log and the right of access through the API, as their users meet them: staff read a
 * case and its journal, the applicant sees who did, administrators ask "who read case X", "what did
 * this person read", "what did this unit read"; the log itself cannot be edited, even by the
 * application's database role. The applicant downloads everything held about them (JSON and a
 * readable page), and the download is recorded.
 */
import request from 'supertest';
import { startHarness, TANGER, type CallerName, type Harness } from '../api/api-harness';

let h: Harness;
let caseId: string;
/** The applicant's request, with markup a page must not run. */
const SUBJECT = 'Plan d\'aménagement <script>alert("x")</script> & <img src=x onerror=alert(1)>';
beforeAll(async () => {
  h = await startHarness({ worker: true, taskQueue: `access-log-${Date.now()}` });
  const filed = await request(h.app)
    .post('/api/v1/cases')
    .set('Authorization', `Bearer ${await h.token('applicant')}`)
    .send({ procedure: 'acces-information', unit: TANGER, data: { subject: SUBJECT, format: 'electronic' } });
  expect(filed.status).toBe(201);
  caseId = filed.body.caseId;
  // The read model has the case once the first projection lands.
  for (const deadline = Date.now() + 20_000; (await get('applicant', `/api/v1/cases/${caseId}`)).status !== 200; ) {
    if (Date.now() > deadline) throw new Error(`case ${caseId} never projected`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function get(who: CallerName, url: string) {
  return request(h.app).get(url).set('Authorization', `Bearer ${await h.token(who)}`);
}

const rows = async () => Number((await h.t.db.query<{ n: string }>('SELECT count(*) AS n FROM case_access_log')).rows[0]?.n);

describe('the access log', () => {
  it('should record reads by staff, not the applicant\'s own, and show the applicant who read their case', async () => {
    const before = await rows();
    expect((await get('applicant', `/api/v1/cases/${caseId}`)).status).toBe(200);
    expect((await get('applicant', `/api/v1/cases/${caseId}/journal`)).status).toBe(200);
    expect(await rows()).toBe(before);

    expect((await get('agent', `/api/v1/cases/${caseId}`)).status).toBe(200);
    expect((await get('agent', `/api/v1/cases/${caseId}/journal`)).status).toBe(200);
    expect((await get('supervisorProvince', `/api/v1/cases/${caseId}?consistent=true`)).status).toBe(200);
    // A refused read reads nothing: not recorded.
    expect((await get('agentAssilah', `/api/v1/cases/${caseId}`)).status).toBe(403);
    expect((await get('admin', `/api/v1/cases/${caseId}`)).status).toBe(403);
    expect(await rows()).toBe(before + 3);

    const readers = await get('applicant', `/api/v1/cases/${caseId}/readers`);
    expect(readers.status).toBe(200);
    expect(readers.body.items).toEqual([
      { at: expect.any(String), what: 'case', reader: { roles: ['supervisor'], unit: '01.511' } },
      { at: expect.any(String), what: 'journal', reader: { name: 'Agent Tanger', roles: ['agent', 'information_officer'], unit: TANGER } },
      { at: expect.any(String), what: 'case', reader: { name: 'Agent Tanger', roles: ['agent', 'information_officer'], unit: TANGER } },
    ]);
    const paged = await get('applicant', `/api/v1/cases/${caseId}/readers?limit=2`);
    expect(paged.body.items).toHaveLength(2);
    const rest = await get('applicant', `/api/v1/cases/${caseId}/readers?limit=2&cursor=${paged.body.next}`);
    expect(rest.body.items).toEqual([readers.body.items[2]]);
    expect(rest.body.next).toBeUndefined();
  });

  it.each<[CallerName, number]>([
    ['otherApplicant', 404],
    ['agent', 403],
    ['supervisorProvince', 403],
    ['admin', 403],
  ])('should not show the readers of a case to %s (%i)', async (who, status) => {
    const res = await get(who, `/api/v1/cases/${caseId}/readers`);
    expect(res.status).toBe(status);
    expect(res.type).toBe('application/problem+json');
  });

  it('should answer administrators by case, by person and by unit (with the units below), naming the route', async () => {
    await get('agent', `/api/v1/cases/${caseId}`);
    const byCase = await get('admin', `/api/v1/access-log?case=${caseId}`);
    expect(byCase.status).toBe(200);
    expect(byCase.body.items[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      at: expect.any(String),
      caseId,
      actor: { id: 'agent-tanger', name: 'Agent Tanger', roles: ['agent', 'information_officer'], unit: TANGER },
      what: 'case',
      transport: 'api',
      route: 'GET /api/v1/cases/:id',
    });
    expect(byCase.body.items.map((e: { route: string }) => e.route)).toContain('GET /api/v1/cases/:id/journal');

    const byPerson = await get('admin', '/api/v1/access-log?actor=sup-511');
    expect(byPerson.body.items.map((e: { actor: { id: string } }) => e.actor.id)).toEqual(['sup-511']);
    // The province covers the commune of Tanger below it; the other province saw nothing.
    const byProvince = await get('admin', '/api/v1/access-log?unit=01.511');
    expect(new Set(byProvince.body.items.map((e: { actor: { id: string } }) => e.actor.id))).toEqual(new Set(['agent-tanger', 'sup-511']));
    expect((await get('admin', '/api/v1/access-log?unit=01.521')).body.items).toEqual([]);
    const future = await get('admin', '/api/v1/access-log?from=2999-01-01');
    expect(future.body.items).toEqual([]);
  });

  it.each<CallerName>(['agent', 'supervisorRegion', 'applicant'])('should refuse the access log to %s', async (who) => {
    const res = await get(who, '/api/v1/access-log');
    expect(res.status).toBe(403);
  });

  it.each([
    ['cursor=abc', 'cursor'],
    ['cursor=0', 'cursor'],
    ['cursor=99999999999999999999', 'cursor'],
    ['case=../etc', 'case'],
    ['from=2026-02-30', 'from'],
    ['limit=0', 'limit'],
    ['limit=100000', 'limit'],
    ['actor=', 'actor'],
    ['unknown=1', ''],
  ])('should answer the bad query %s with a 4xx naming it', async (query, field) => {
    const res = await get('admin', `/api/v1/access-log?${query}`);
    expect([400, 422]).toContain(res.status);
    expect(res.type).toBe('application/problem+json');
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it.each([
    ['UPDATE', "UPDATE case_access_log SET actor_id = 'someone-else'"],
    ['DELETE', 'DELETE FROM case_access_log'],
    ['TRUNCATE', 'TRUNCATE case_access_log'],
  ])('should refuse %s on the log in the database itself', async (op, sql) => {
    const before = await rows();
    await expect(h.t.db.query(sql)).rejects.toThrow(new RegExp(`case_access_log is append-only: ${op} refused`));
    expect(await rows()).toBe(before);
  });
});

describe('the right of access', () => {
  it('should give the applicant everything held about them as JSON, and record the download', async () => {
    await get('agent', `/api/v1/cases/${caseId}`);
    const before = Number((await h.t.db.query<{ n: string }>('SELECT count(*) AS n FROM personal_data_requests')).rows[0]?.n);
    const res = await get('applicant', '/api/v1/me/personal-data');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="masar-personal-data-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.body.subject).toEqual({ id: 'citizen-1', name: 'Amina Benali', email: 'amina@example.ma' });
    expect(res.body.cases).toEqual([expect.objectContaining({ caseId, data: { subject: SUBJECT, format: 'electronic' }, facts: expect.objectContaining({ applicant: expect.objectContaining({ email: 'amina@example.ma' }) }) })]);
    expect(res.body.journal.length).toBeGreaterThan(0);
    expect(res.body.journal.every((e: { caseId: string }) => e.caseId === caseId)).toBe(true);
    expect(res.body.reads).toEqual(expect.arrayContaining([{ caseId, at: expect.any(String), what: 'case', reader: { name: 'Agent Tanger', roles: ['agent', 'information_officer'], unit: TANGER } }]));
    expect(res.body.requests.at(-1)).toEqual({
      at: res.body.generatedAt,
      kind: 'export',
      transport: 'api',
      route: 'GET /api/v1/me/personal-data',
      // What was given, in counts: never the data itself.
      detail: { cases: res.body.cases.length, journalEntries: res.body.journal.length, messages: res.body.messages.length, reads: res.body.reads.length },
    });
    const rows = (await h.t.db.query<{ subject_id: string; kind: string; detail: { cases: number } }>('SELECT subject_id, kind, detail FROM personal_data_requests ORDER BY id')).rows;
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toEqual({ subject_id: 'citizen-1', kind: 'export', detail: expect.objectContaining({ cases: 1 }) });
    // The register holds counts, never the data.
    expect(JSON.stringify(rows)).not.toContain('aménagement');
  });

  it('should give a readable page with every value escaped', async () => {
    const res = await get('applicant', '/api/v1/me/personal-data?format=html');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('Amina Benali');
    expect(res.text).toContain('&lt;script&gt;');
    expect(res.text).not.toMatch(/<script|<img/i);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('should give another applicant only their own (nothing here)', async () => {
    const res = await get('otherApplicant', '/api/v1/me/personal-data');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ cases: [], journal: [], messages: [], reads: [] });
  });

  it.each<CallerName>(['agent', 'admin'])('should refuse the download to %s', async (who) => {
    const res = await get(who, '/api/v1/me/personal-data');
    expect(res.status).toBe(403);
    expect(res.type).toBe('application/problem+json');
  });

  it.each(['format=pdf', 'format=', 'other=1'])('should answer the bad query %s with 400/422', async (query) => {
    const res = await get('applicant', `/api/v1/me/personal-data?${query}`);
    expect([400, 422]).toContain(res.status);
    expect(res.type).toBe('application/problem+json');
  });

  it('should refuse edits of the rights register in the database itself', async () => {
    await expect(h.t.db.query('DELETE FROM personal_data_requests')).rejects.toThrow(/append-only: DELETE refused/);
    await expect(h.t.db.query("UPDATE personal_data_requests SET kind = 'export'")).rejects.toThrow(/append-only: UPDATE refused/);
  });
});
