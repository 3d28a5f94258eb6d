/**
 * The right of rectification of an applicant's contact data through the API, as its users meet it:
 * the applicant corrects their e-mail, the running case's next message reaches the new address on
 * a real SMTP server (real worker, real Temporal), the closed case's stored copy is corrected, the
 * journal records which field changed and not the values, the rights register and the download
 * list it, and the journal still verifies. Nobody else may rectify the applicant's cases, and no
 * hostile body reaches the cases.
 */
import request from 'supertest';
import { createSmtpChannel } from '../../../activities/notifications';
import { startHarness, TANGER, type CallerName, type Harness } from '../api/api-harness';
import { startTestSmtp, type TestSmtp } from '../../support/smtp';

const OLD = 'amina@example.ma';
const NEW = 'amina.benali@example.org';
const URL_ = '/api/v1/me/personal-data/rectifications';

let h: Harness;
let smtp: TestSmtp;
let running: string;
let closed: string;

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({ worker: true, taskQueue: `rectify-${Date.now()}`, mail: createSmtpChannel({ url: smtp.url }) });
  running = await file('Budget communal 2026');
  closed = await file('Marchés publics 2025');
  expect((await act(closed, { action: 'start_review' })).status).toBe(200);
  expect((await act(closed, { action: 'request_clarification', comment: 'Quelle année ?' })).status).toBe(200);
  // The applicant withdraws it: the case closes (a refusal leaves a period to complain, open).
  expect((await act(closed, { action: 'withdraw' }, 'applicant')).status).toBe(200);
  // Each case's receipt, and the closed case's request for clarification, went to the address as filed.
  await until(() => smtp.to(OLD).length >= 3, 'the first messages');
}, 120_000);
afterAll(async () => {
  await h?.close();
  await smtp?.close();
});

async function file(subject: string): Promise<string> {
  const filed = await request(h.app)
    .post('/api/v1/cases')
    .set('Authorization', `Bearer ${await h.token('applicant')}`)
    .send({ procedure: 'acces-information', unit: TANGER, data: { subject, format: 'electronic' } });
  expect(filed.status).toBe(201);
  return filed.body.caseId as string;
}
async function act(caseId: string, body: object, who: CallerName = 'agent') {
  return request(h.app).post(`/api/v1/cases/${caseId}/actions`).set('Authorization', `Bearer ${await h.token(who)}`).send(body);
}
async function rectify(who: CallerName, body: unknown) {
  return request(h.app).post(URL_).set('Authorization', `Bearer ${await h.token(who)}`).send(body as object);
}
async function get(who: CallerName, url: string) {
  return request(h.app).get(url).set('Authorization', `Bearer ${await h.token(who)}`);
}
async function until(done: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await done()); ) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const storedEmails = async () =>
  Object.fromEntries(
    (await h.t.db.query<{ case_id: string; email: string | null }>(`SELECT case_id, facts->'applicant'->>'email' AS email FROM cases`)).rows.map((r) => [r.case_id, r.email]),
  );
const registerRows = async () => Number((await h.t.db.query<{ n: string }>('SELECT count(*) AS n FROM personal_data_requests')).rows[0]?.n);

describe('rectification of contact data', () => {
  it.each<[string, unknown, string]>([
    ['a NUL character', { email: 'amina\u0000@example.ma' }, 'email'],
    ['a lone surrogate', { email: 'amina\uD800@example.ma' }, 'email'],
    ['an over-long address', { email: `${'a'.repeat(250)}@example.ma` }, 'email'],
    ['no @', { email: 'amina.example.ma' }, 'email'],
    ['two addresses', { email: 'a@example.ma, b@example.ma' }, 'email'],
    ['a display name', { email: 'Amina <amina@example.ma>' }, 'email'],
    ['an empty address', { email: '   ' }, 'email'],
    ['a number', { email: 42 }, 'email'],
    ['no email at all', {}, 'email'],
    ['a phone number Masar does not hold', { email: NEW, phone: '+212600000000' }, 'phone'],
    ['a postal address Masar does not hold', { email: NEW, address: '1 rue de Fès' }, 'address'],
    ['a name (the identity account holds it)', { email: NEW, name: 'Amina B.' }, 'name'],
    ['an unknown field', { email: NEW, colour: 'blue' }, 'colour'],
    ['a case id that is not one', { email: NEW, caseId: '../../etc/passwd' }, 'caseId'],
    ['a case id with NUL', { email: NEW, caseId: 'case\u0000' }, 'caseId'],
  ])('should refuse %s with 422 naming the field, and change nothing', async (_what, body, field) => {
    const before = { emails: await storedEmails(), register: await registerRows() };
    const res = await rectify('applicant', body);
    expect(res.status).toBe(422);
    expect(res.type).toBe('application/problem+json');
    expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(field);
    expect(await storedEmails()).toEqual(before.emails);
    expect(await registerRows()).toBe(before.register);
  });

  it.each<[string, () => Promise<request.Response>, number]>([
    ['an array body', () => rectify('applicant', [NEW]), 422],
    ['a form body', async () => request(h.app).post(URL_).set('Authorization', `Bearer ${await h.token('applicant')}`).type('form').send({ email: NEW }), 415],
    ['no token', () => request(h.app).post(URL_).send({ email: NEW }), 401],
  ])('should refuse %s', async (_what, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.type).toBe('application/problem+json');
  });

  it.each<[CallerName, number]>([
    ['otherApplicant', 404],
    ['agent', 403],
    ['supervisorProvince', 403],
    ['admin', 403],
  ])("should not let %s rectify the applicant's case (%i)", async (who, status) => {
    const before = await storedEmails();
    const res = await rectify(who, { email: 'intruder@example.net', caseId: running });
    expect(res.status).toBe(status);
    expect(res.type).toBe('application/problem+json');
    expect(await storedEmails()).toEqual(before);
  });

  it('should answer an unknown case as 404, like a read', async () => {
    const res = await rectify('applicant', { email: NEW, caseId: 'no-such-case' });
    expect(res.status).toBe(404);
    expect(res.type).toBe('application/problem+json');
  });

  it("should send a running case's next message to the new address, correct the closed case's copy, and journal the field only", async () => {
    const sentToOld = smtp.to(OLD).length;
    const res = await rectify('applicant', { email: `  ${NEW} ` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fields: ['email'], messagesReaddressed: 0 });
    expect(res.body.cases).toEqual(
      expect.arrayContaining([
        { caseId: running, reference: expect.any(String), status: 'running', outcome: 'rectified' },
        { caseId: closed, reference: expect.any(String), status: 'closed', outcome: 'rectified' },
      ]),
    );
    expect(await storedEmails()).toEqual({ [running]: NEW, [closed]: NEW });
    const contact = await get('applicant', '/api/v1/me/personal-data/contact');
    expect(contact.body.cases.map((c: { email: string }) => c.email)).toEqual([NEW, NEW]);

    // The next message of the running case: the agent asks the applicant for clarification.
    expect((await act(running, { action: 'start_review' })).status).toBe(200);
    expect((await act(running, { action: 'request_clarification', comment: 'Précisez la période' })).status).toBe(200);
    await until(() => smtp.to(NEW).length >= 1, 'the message at the new address');
    expect(smtp.to(NEW).map((m) => m.to)).toEqual([[NEW]]);
    expect(smtp.to(OLD)).toHaveLength(sentToOld);

    const journal = await get('applicant', `/api/v1/cases/${running}/journal`);
    const entry = (journal.body.items as { kind: string; actor: { id: string }; data?: unknown }[]).find((e) => e.kind === 'contact.rectified');
    expect(entry).toMatchObject({ actor: { id: 'citizen-1' }, data: { fields: ['email'] } });
    expect(JSON.stringify(journal.body)).not.toContain(NEW);
    expect(JSON.stringify(journal.body)).not.toContain(OLD);
  });

  it('should change nothing more when asked again, and still record the request', async () => {
    const before = await registerRows();
    const res = await rectify('applicant', { email: NEW, caseId: running });
    expect(res.status).toBe(200);
    expect(res.body.cases).toEqual([{ caseId: running, reference: expect.any(String), status: 'running', outcome: 'unchanged' }]);
    const journal = await get('applicant', `/api/v1/cases/${running}/journal`);
    expect((journal.body.items as { kind: string }[]).filter((e) => e.kind === 'contact.rectified')).toHaveLength(1);
    expect(await registerRows()).toBe(before + 1);
  });

  it("should list the rectifications in the person's download, and leave every journal verifiable", async () => {
    const data = await get('applicant', '/api/v1/me/personal-data');
    expect(data.status).toBe(200);
    const rectifications = (data.body.requests as { kind: string; detail: { fields: string[]; cases: string[] } }[]).filter((r) => r.kind === 'rectification');
    expect(rectifications.length).toBeGreaterThanOrEqual(2);
    expect(rectifications[0]).toMatchObject({ detail: { fields: ['email'], cases: expect.arrayContaining([running, closed]) } });
    expect(JSON.stringify(rectifications)).not.toContain(NEW);
    for (const caseId of [running, closed]) {
      const verdict = await get('admin', `/api/v1/journal/verify?case=${caseId}`);
      expect(verdict.status).toBe(200);
      expect(verdict.body).toMatchObject({ checked: 1, intact: 1, broken: [] });
    }
  });
});
