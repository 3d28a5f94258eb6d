/**
 * The agent's console as a browser without JavaScript meets it, on the real API process, the real
 * Temporal dev server, a real worker and PostgreSQL: the journey of a case from filing to decision
 * (applicant files -> the agent sees it at the top of the inbox -> asks for documents -> the
 * applicant answers on the case page -> the agent decides -> the applicant sees the decision), the
 * inbox's countdowns, tacit-decision alert, filters, paging and claim/release, and the same walls
 * as the API between communes.
 */
import { consoleAgent, csrfOf, type ConsoleAgent } from '../../support/console';
import { recordUpload } from '../../support/documents';
import { CALLERS, startHarness, type Harness } from '../api/api-harness';
import { apiStatus, eventually, fileThroughApi, PERMIT, publishPermit } from './agent-procedure';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ taskQueue: `console-agent-${Date.now()}`, console: true, worker: true });
  await publishPermit(h);
  await publishPermit(h, { id: 'console-urgent', deadline: '2 days' });
}, 120_000);
afterAll(async () => h?.close());

/** The rows of the inbox, in order, as text. */
const rows = (html: string) => [...html.matchAll(/<tr class="masar-task">([\s\S]*?)<\/tr>/g)].map((m) => m[1] as string);
/** The form of action `action` on a case page, and its hidden idempotency key. */
function actionForm(html: string, action: string): { key: string; html: string } {
  const m = new RegExp(`<form method="post" action="/cases/[^/]+/actions/${action.replace('.', '\\.')}"[\\s\\S]*?</form>`).exec(html);
  if (!m) throw new Error(`no form for ${action} on the page`);
  const key = /name="_idem" value="([^"]+)"/.exec(m[0])?.[1];
  if (!key) throw new Error(`no idempotency key in the ${action} form`);
  return { key, html: m[0] };
}
async function act(agent: ConsoleAgent, caseId: string, action: string, fields: Record<string, string | string[]>, from = `/cases/${caseId}`) {
  const page = await agent.get(from).expect(200);
  const { key } = actionForm(page.text, action);
  return agent.post(`/cases/${caseId}/actions/${action}`).type('form').send({ _csrf: csrfOf(page.text), _idem: key, ...fields });
}
/** Switches a signed-in visitor to Arabic, as the language button does (remembered in a cookie). */
async function inArabic(agent: ConsoleAgent): Promise<ConsoleAgent> {
  const page = await agent.get('/login');
  await agent.post('/lang').type('form').send({ _csrf: csrfOf(page.text), lang: 'ar', next: '/' }).expect(303);
  return agent;
}
const journalKinds = async (caseId: string) =>
  (await h.t.db.query<{ kind: string }>('SELECT kind FROM journal WHERE case_id = $1 ORDER BY sequence', [caseId])).rows.map((r) => r.kind);

describe('the journey of a case through the console', () => {
  it('should carry a case from filing to a decision the applicant reads, in French and in Arabic', async () => {
    // An older case with a longer deadline (20 working days) is filed first: ours (10) must still come first.
    const older = await fileThroughApi(h, { subject: 'Budget 2025', format: 'electronic' }, 'acces-information');
    const filed = await fileThroughApi(h);
    const agent = await consoleAgent(h.app, 'agent');

    const inbox = await eventually(() => agent.get('/inbox').expect(200), (r) => r.text.includes(filed.reference) && r.text.includes(older.reference), 'both cases in the inbox');
    const [first] = rows(inbox.text);
    expect(first).toContain(filed.reference);
    expect(first).toMatch(/masar-countdown-(due|soon)">(9|10) jours ouvrés restants</);
    expect(first).toContain('Instruire la demande');
    expect(first).toContain(`action="/cases/${filed.caseId}/actions/task.claim"`);

    // Claim from the inbox: back to the same inbox, now held by the agent with a release button.
    const claimForm = /<form method="post" action="\/cases\/[^/]+\/actions\/task\.claim"[\s\S]*?<\/form>/.exec(first as string)?.[0] ?? '';
    const claim = await agent
      .post(`/cases/${filed.caseId}/actions/task.claim`)
      .type('form')
      .send({ _csrf: csrfOf(inbox.text), _idem: /name="_idem" value="([^"]+)"/.exec(claimForm)?.[1], _next: '/inbox' });
    expect(claim.status).toBe(303);
    expect(claim.headers.location).toBe('/inbox');
    const held = await eventually(() => agent.get('/inbox?assigned=mine').expect(200), (r) => rows(r.text).some((row) => row.includes(filed.reference) && row.includes('task.release')), 'the claimed task');
    expect(rows(held.text).every((row) => row.includes('Vous'))).toBe(true);

    // The case page: data, documents, clock with its basis, the diagram on the current state.
    const page = await agent.get(`/cases/${filed.caseId}`).expect(200);
    expect(page.text).toContain('Extension de la maison familiale');
    expect(page.text).toContain(filed.plan);
    expect(page.text).toContain('Loi d&#x27;essai, art. 5');
    expect(page.text).toMatch(/<g class="state task masar-current" id="state-review">/);
    expect(page.text).toContain('Demander des pièces');

    // Ask for documents: the clock is suspended while the applicant answers.
    expect(actionForm(page.text, 'request_documents').html).toContain('Cette action suspend le délai légal');
    const asked = await act(agent, filed.caseId, 'request_documents', { 'input.missing': ['cin', 'plan'], comment: 'Pièces manquantes au dossier' });
    expect(asked.status).toBe(303);
    expect(asked.headers.location).toBe(`/cases/${filed.caseId}?done=request_documents`);
    const waiting = await agent.get(asked.headers.location as string).expect(200);
    expect(waiting.text).toContain('Action enregistrée.');
    expect(waiting.text).toContain('En attente de pièces');
    expect(waiting.text).toMatch(/masar-countdown-paused">Suspendu, \d+ jours restants/);

    // The applicant answers on their case page; a first try without documents comes back with the error.
    const applicant = await consoleAgent(h.app, 'applicant');
    const mine = await eventually(() => applicant.get(`/cases/${filed.caseId}`).expect(200), (r) => r.text.includes('/actions/answer'), 'the answer form for the applicant');
    expect(mine.text).toContain('L&#x27;administration attend votre réponse');
    const empty = await act(applicant, filed.caseId, 'answer', { 'input.documents': '' });
    expect(empty.status).toBe(422);
    expect(empty.text).toMatch(/id="action-answer-input-documents-error"[^>]*>Ce champ est obligatoire\./);
    const pieces = [await recordUpload(h.t.db, CALLERS.applicant.sub, 'input.documents'), await recordUpload(h.t.db, CALLERS.applicant.sub, 'input.documents')];
    const answered = await act(applicant, filed.caseId, 'answer', { 'input.documents': pieces.join('\r\n') });
    expect(answered.status).toBe(303);

    // The agent decides; the applicant reads the decision, in both languages.
    await eventually(() => agent.get(`/cases/${filed.caseId}`).expect(200), (r) => r.text.includes('/actions/approve'), 'the case back in review');
    const approved = await act(agent, filed.caseId, 'approve', { 'input.fee': '150,50', comment: '' });
    expect(approved.status).toBe(303);
    const decision = await eventually(() => applicant.get(`/cases/${filed.caseId}`).expect(200), (r) => r.text.includes('Décision : Accepté'), 'the decision on the applicant page');
    expect(decision.text).not.toContain('/actions/');
    const ar = await (await inArabic(applicant)).get(`/cases/${filed.caseId}`).expect(200);
    expect(ar.text).toContain('<html lang="ar" dir="rtl">');
    expect(ar.text).toContain('القرار: مقبول');
    expect(ar.text).toContain('طلب وثائق');

    const kinds = await journalKinds(filed.caseId);
    expect(kinds.filter((k) => k === 'request_documents')).toHaveLength(1);
    expect(kinds).toEqual(expect.arrayContaining(['filed', 'task.claim', 'request_documents', 'answer', 'approve']));
    const stored = await h.t.db.query<{ view: { outcome: string } }>('SELECT view FROM cases WHERE case_id = $1', [filed.caseId]);
    expect(stored.rows[0]?.view.outcome).toBe('approved');
  });

  it('should act once on a form submitted twice', async () => {
    const filed = await fileThroughApi(h);
    const agent = await consoleAgent(h.app, 'agent');
    await eventually(() => agent.get(`/cases/${filed.caseId}`).expect(200), (r) => r.text.includes('/actions/request_documents'), 'the case page');
    const page = await agent.get(`/cases/${filed.caseId}`).expect(200);
    const { key } = actionForm(page.text, 'request_documents');
    const send = () => agent.post(`/cases/${filed.caseId}/actions/request_documents`).type('form').send({ _csrf: csrfOf(page.text), _idem: key, 'input.missing': 'cin' });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a.status, b.status]).toEqual([303, 303]);
    const again = await send();
    expect(again.status).toBe(303);
    await eventually(() => journalKinds(filed.caseId), (k) => k.includes('request_documents'), 'the journal entry');
    expect((await journalKinds(filed.caseId)).filter((k) => k === 'request_documents')).toHaveLength(1);
  });
});

describe('the inbox', () => {
  it('should warn before a tacit decision falls due, and count calendar days for a calendar clock', async () => {
    const filed = await fileThroughApi(h, { subject: 'Urgent', area: 10 }, 'console-urgent');
    const agent = await consoleAgent(h.app, 'agent');
    const inbox = await eventually(() => agent.get('/inbox?procedure=console-urgent').expect(200), (r) => r.text.includes(filed.reference), 'the urgent case');
    const row = rows(inbox.text).find((r) => r.includes(filed.reference)) ?? '';
    expect(row).toMatch(/(1|2) jours? restants?/);
    expect(row).not.toContain('ouvré');
    expect(row).toContain('Décision tacite proche : Accord tacite');
    const arInbox = await (await inArabic(agent)).get('/inbox?procedure=console-urgent').expect(200);
    expect(arInbox.text).toMatch(/يتبقى (يوم واحد|يومان)/);
    expect(arInbox.text).toContain('قرار ضمني وشيك: موافقة ضمنية');
  });

  it('should filter by procedure, state and lateness, page with a cursor, and refuse a forged cursor or filter', async () => {
    for (let i = 0; i < 3; i++) await fileThroughApi(h);
    const agent = await consoleAgent(h.app, 'agent');
    await eventually(() => agent.get(`/inbox?procedure=${PERMIT}`).expect(200), (r) => rows(r.text).length >= 3, 'three tasks');
    const onlyInfo = await agent.get('/inbox?procedure=acces-information').expect(200);
    expect(rows(onlyInfo.text).every((r) => r.includes("Demande d&#x27;accès à l&#x27;information"))).toBe(true);
    const byState = await agent.get('/inbox?state=awaiting_documents').expect(200);
    expect(rows(byState.text)).toHaveLength(0);
    const late = await agent.get('/inbox?late=true').expect(200);
    expect(rows(late.text)).toHaveLength(0);
    expect(late.text).toContain('Aucune tâche ne correspond à ces filtres.');

    // Keyset paging, two rows a page: every task once, in deadline order, the filters kept.
    const all = rows((await agent.get(`/inbox?procedure=${PERMIT}&limit=100`).expect(200)).text).map((r) => /\/cases\/([^"]+)"/.exec(r)?.[1]);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const seen: (string | undefined)[] = [];
    let url: string | undefined = `/inbox?procedure=${PERMIT}&limit=2`;
    while (url) {
      const res: { text: string } = await agent.get(url).expect(200);
      seen.push(...rows(res.text).map((r) => /\/cases\/([^"]+)"/.exec(r)?.[1]));
      url = /<a class="page-link" href="([^"]+)" rel="next">/.exec(res.text)?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
      if (url) expect(url).toContain(`procedure=${PERMIT}`);
    }
    expect(seen).toEqual(all);
    const cases = await agent.get('/cases?limit=1').expect(200);
    const next = /<a class="page-link" href="([^"]+)" rel="next">/.exec(cases.text)?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&') ?? '';
    expect(next).toMatch(/^\/cases\?limit=1&cursor=/);
    expect((await agent.get(next).expect(200)).text).toContain('Première page');

    // An htmx request for the filters gets the list alone, not a whole page.
    const fragment = await agent.get('/inbox?procedure=console-permit').set('HX-Request', 'true').set('HX-Target', 'inbox-list').expect(200);
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain('id="inbox-list"');

    for (const bad of ['/inbox?cursor=garbage', '/inbox?cursor=WzEsMl0', '/inbox?procedure=%3Cscript%3E', `/inbox?state=${'x'.repeat(200)}`, '/inbox?late=maybe', '/inbox?limit=0', '/inbox?limit=101', '/cases?cursor=WyJhIiwxXQ']) {
      const res = await agent.get(bad);
      expect([bad, res.status]).toEqual([bad, 422]);
      expect(res.text).not.toContain('<script>');
    }
  });

  it('should be for staff only: an applicant is refused the inbox, an anonymous visitor is sent to log in', async () => {
    const applicant = await consoleAgent(h.app, 'applicant');
    expect((await applicant.get('/inbox')).status).toBe(403);
    const anonymous = await consoleAgent(h.app);
    const res = await anonymous.get('/inbox');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Finbox');
  });

  it("should keep another commune's tasks out of an agent's inbox and refuse its case page and actions as the API does", async () => {
    const filed = await fileThroughApi(h);
    const tanger = await consoleAgent(h.app, 'agent');
    await eventually(() => tanger.get(`/inbox?procedure=${PERMIT}`).expect(200), (r) => r.text.includes(filed.reference), 'the task in Tanger');
    const assilah = await consoleAgent(h.app, 'agentAssilah');
    const theirs = await assilah.get('/inbox').expect(200);
    expect(theirs.text).not.toContain(filed.reference);
    const expected = await apiStatus(h, 'agentAssilah', filed.caseId);
    expect([403, 404]).toContain(expected);
    const page = await assilah.get(`/cases/${filed.caseId}`);
    expect(page.status).toBe(expected);
    expect(page.text).not.toContain('Extension de la maison familiale');
    const login = await assilah.get('/inbox').expect(200);
    for (const action of ['task.claim', 'approve', 'request_documents']) {
      const res = await assilah.post(`/cases/${filed.caseId}/actions/${action}`).type('form').send({ _csrf: csrfOf(login.text), _idem: `assilah-${action}-0001`, 'input.fee': '1' });
      expect([action, res.status]).toEqual([action, expected]);
    }
    expect(await journalKinds(filed.caseId)).toEqual(['filed', 'clock.started']);
  });
});
