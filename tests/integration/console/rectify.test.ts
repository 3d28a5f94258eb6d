/**
 * The applicant's contact page (`/my/contact`) as a browser without JavaScript meets it, over the
 * real API process, Temporal dev server, worker and PostgreSQL: their cases with the address each
 * writes to, a form to correct it (in French and in Arabic), refusals next to the field with what
 * was typed, and nobody else's case within reach.
 */
import request from 'supertest';
import { consoleAgent, csrfOf, postForm, type ConsoleAgent } from '../../support/console';
import { startHarness, TANGER, type Harness } from '../api/api-harness';

let h: Harness;
let caseId: string;
let reference: string;

beforeAll(async () => {
  h = await startHarness({ taskQueue: `console-rectify-${Date.now()}`, console: true, worker: true });
  const token = await h.token('applicant');
  const filed = await request(h.app)
    .post('/api/v1/cases')
    .set('Authorization', `Bearer ${token}`)
    .send({ procedure: 'acces-information', unit: TANGER, data: { subject: 'Budget communal 2026', format: 'electronic' } });
  expect(filed.status).toBe(201);
  caseId = filed.body.caseId;
  reference = filed.body.reference;
}, 90_000);
afterAll(async () => h?.close());

/** The applicant, signed in, with the session in `lang` as the layout's language button sets it. */
async function applicantIn(lang: 'fr' | 'ar'): Promise<ConsoleAgent> {
  const agent = await consoleAgent(h.app, 'applicant');
  const page = await agent.get('/my/contact');
  await agent.post('/lang').type('form').send({ _csrf: csrfOf(page.text), lang, next: '/my/contact' }).expect(303);
  return agent;
}

const storedEmail = async () => (await h.t.db.query<{ email: string | null }>(`SELECT facts->'applicant'->>'email' AS email FROM cases WHERE case_id = $1`, [caseId])).rows[0]?.email;

describe('the contact page', () => {
  it.each([
    ['fr', 'Mes coordonnées', 'Nouvelle adresse électronique', 'En cours'],
    ['ar', 'معطيات الاتصال الخاصة بي', 'عنوان البريد الإلكتروني الجديد', 'جار'],
  ] as const)('should show each case with the address it writes to, and the form, in %s', async (lang, title, label, open) => {
    const agent = await applicantIn(lang);
    const page = await agent.get('/my/contact').expect(200);
    expect(page.text).toContain(`<h1 class="h3 mb-3">${title}</h1>`);
    expect(page.text).toMatch(/<a[^>]*href="\/my\/contact"[^>]*aria-current="page"|aria-current="page"[^>]*href="\/my\/contact"/);
    expect(page.text).toContain(`<bdi>${reference}</bdi>`);
    expect(page.text).toContain('<bdi>amina@example.ma</bdi>');
    expect(page.text).toContain(open);
    expect(page.text).toContain(`<label class="form-label" for="rectify-email">${label}</label>`);
    expect(page.text).toContain(`<option value="${caseId}">`);
  });

  it.each([
    ['not an address', 'amina.example.ma'],
    ['two addresses', 'a@example.ma b@example.ma'],
    ['an over-long address', `${'a'.repeat(300)}@example.ma`],
    ['an empty address', ''],
  ])('should refuse %s next to the field, keep what was typed, and change nothing', async (_what, email) => {
    const agent = await consoleAgent(h.app, 'applicant');
    const res = await postForm(agent, '/my/contact', '/my/contact', { email, caseId });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="rectify-email-error"');
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain('indiquez une seule adresse électronique valide');
    expect(res.text).toContain('lang="en"');
    if (email) expect(res.text).toContain(`value="${email}"`);
    expect(await storedEmail()).toBe('amina@example.ma');
  });

  it('should refuse text PostgreSQL cannot store, and change nothing', async () => {
    const agent = await consoleAgent(h.app, 'applicant');
    const res = await postForm(agent, '/my/contact', '/my/contact', { email: 'amina\u0000@example.ma' });
    expect(res.status).toBe(422);
    expect(await storedEmail()).toBe('amina@example.ma');
  });

  it("should not reach another applicant's case, nor serve staff", async () => {
    const other = await consoleAgent(h.app, 'otherApplicant');
    const page = await other.get('/my/contact').expect(200);
    expect(page.text).not.toContain(reference);
    expect(page.text).not.toContain('name="email"');
    const page2 = await other.get('/my/contact');
    const res = await other.post('/my/contact').type('form').send({ _csrf: csrfOf(page2.text), email: 'intruder@example.net', caseId });
    expect(res.status).toBe(404);
    expect(await storedEmail()).toBe('amina@example.ma');
    const agent = await consoleAgent(h.app, 'agent');
    expect((await agent.get('/my/contact')).status).toBe(403);
  });

  it('should refuse a form without its CSRF token', async () => {
    const agent = await consoleAgent(h.app, 'applicant');
    const res = await agent.post('/my/contact').type('form').send({ email: 'amina.benali@example.org' });
    expect(res.status).toBe(403);
    expect(await storedEmail()).toBe('amina@example.ma');
  });

  it.each([
    ['fr', 'un dossier a été rectifié'],
    ['ar', 'تم تصحيح ملف واحد'],
  ] as const)('should rectify the case in %s, say so, and record the request from the console', async (lang, said) => {
    const email = `amina.${lang}@example.org`;
    const agent = await applicantIn(lang);
    const res = await postForm(agent, '/my/contact', '/my/contact', { email, caseId });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/my/contact?done=1');
    const page = await agent.get(res.headers.location as string).expect(200);
    expect(page.text).toContain(said);
    expect(page.text).toContain(`<bdi>${email}</bdi>`);
    expect(await storedEmail()).toBe(email);
    const { rows } = await h.t.db.query<{ transport: string; route: string }>(
      `SELECT transport, route FROM personal_data_requests WHERE subject_id = 'citizen-1' AND kind = 'rectification' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0]).toEqual({ transport: 'console', route: 'POST /my/contact' });
  });
});
