/**
 * The applicant's console, as a browser without JavaScript meets it, over the real API process, a
 * real Temporal dev server, a Masar worker and PostgreSQL: choose a procedure and a commune, fill
 * the procedure's own form (in French and in Arabic), land on the bilingual receipt, find the case
 * in "my cases". Hostile input comes back next to its field, nothing filed; a receipt is for the
 * people who may see the case, exactly as through the API.
 */
import { consoleAgent, csrfOf, type ConsoleAgent } from '../../support/console';
import { ASSILAH, startHarness, TANGER, type Harness } from '../api/api-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ taskQueue: `console-applicant-${Date.now()}`, console: true, worker: true });
}, 60_000);
afterAll(async () => h?.close());

const FORM = `/file?procedure=acces-information&unit=${encodeURIComponent(TANGER)}`;

/** The filing form's hidden fields (CSRF token, idempotency key) read from the page, as a browser posts them. */
async function formOf(agent: ConsoleAgent, url = FORM): Promise<Record<string, string>> {
  const page = await agent.get(url).expect(200);
  const key = /name="key" value="([^"]+)"/.exec(page.text)?.[1];
  if (!key) throw new Error(`no filing form at ${url}`);
  return { _csrf: csrfOf(page.text), procedure: 'acces-information', unit: TANGER, key };
}

/** Switches the session to Arabic, as the layout's language button does. */
async function inArabic(agent: ConsoleAgent): Promise<ConsoleAgent> {
  const page = await agent.get('/my/cases');
  await agent.post('/lang').type('form').send({ _csrf: csrfOf(page.text), lang: 'ar', next: '/my/cases' }).expect(303);
  return agent;
}

async function file(agent: ConsoleAgent, data: Record<string, string>, hidden?: Record<string, string>) {
  return agent.post('/file').type('form').send({ ...(hidden ?? (await formOf(agent))), ...data });
}

const GOOD = { 'data.subject': 'Budget communal 2026', 'data.format': 'electronic', 'data.urgent': 'false' };
/** Cases of the applicant in the read model (to prove a refused form filed nothing). */
const casesOf = async (sub: string) => Number((await h.t.db.query<{ n: string }>('SELECT count(*) AS n FROM cases WHERE applicant_id = $1', [sub])).rows[0]?.n);

describe('filing a case from the console', () => {
  it('should offer the published procedures and the communes, and search the communes', async () => {
    const agent = await consoleAgent(h.app, 'applicant');
    const page = await agent.get('/file').expect(200);
    expect(page.text).toContain('value="acces-information"');
    expect(page.text).toContain(`value="${TANGER}"`);
    const search = await agent.get('/file?q=assil').expect(200);
    expect(search.text).toContain(`value="${ASSILAH}"`);
    expect(search.text).not.toContain(`value="${TANGER}"`);
    const form = await agent.get(FORM).expect(200);
    for (const name of ['data.subject', 'data.format', 'data.urgent']) expect(form.text).toContain(`name="${name}"`);
    expect(form.text).toMatch(/<label class="form-label" for="f-data-subject">/);
  });

  it.each([
    ['fr', 'Récépissé de dépôt', '20 jours ouvrés'],
    ['ar', 'وصل الإيداع', '20 يوم عمل'],
  ] as const)('should file in %s and land on the bilingual receipt, then list the case', async (lang, title, deadline) => {
    const agent = await consoleAgent(h.app, 'applicant');
    if (lang === 'ar') await inArabic(agent);
    const res = await file(agent, GOOD);
    expect(res.status).toBe(303);
    const receiptUrl = res.headers.location as string;
    expect(receiptUrl).toMatch(/^\/cases\/[^/]+\/receipt\?filed=1$/);
    const caseId = receiptUrl.split('/')[2] as string;

    const receipt = await agent.get(receiptUrl).expect(200);
    expect(receipt.text).toContain(`<html lang="${lang}"`);
    expect(receipt.text).toContain(title);
    expect(receipt.text).toContain('role="status"');
    // Both halves, each in its own language and direction, whatever the page's.
    expect(receipt.text).toContain('<section class="receipt-side" lang="fr" dir="ltr">');
    expect(receipt.text).toContain('<section class="receipt-side" lang="ar" dir="rtl">');
    const reference = /<dd class="receipt-reference"><bdi>([A-Z]+-\d{4}-\d{6})<\/bdi>/.exec(receipt.text)?.[1];
    expect(reference).toBeDefined();
    for (const words of ['Récépissé de dépôt d&#x27;une demande', 'وصل إيداع طلب', 'Délai légal', 'آخر أجل للرد', deadline, 'Loi 31-13', 'Tanger']) expect(receipt.text).toContain(words);
    expect(receipt.text).toContain('data-print');

    const mine = await agent.get('/my/cases').expect(200);
    expect(mine.text).toContain(`href="/cases/${caseId}"`);
    expect(mine.text).toContain(`href="/cases/${caseId}/receipt"`);
    expect(mine.text).toContain(`<bdi>${reference}</bdi>`);
  });

  it('should file one case when the same form is sent twice (double click, resend)', async () => {
    const agent = await consoleAgent(h.app, 'applicant');
    const hidden = await formOf(agent);
    const first = await file(agent, GOOD, hidden);
    const again = await file(agent, GOOD, hidden);
    expect(first.status).toBe(303);
    expect(again.headers.location).toBe(first.headers.location);
  });

  it.each([
    ['a NUL in a field', { 'data.subject': 'Budget\u0000 2026' }, 'f-data-subject-error'],
    ['an over-long text', { 'data.subject': 'x'.repeat(2001) }, 'f-data-subject-error'],
    ['an option not offered', { 'data.format': 'pigeon' }, 'f-data-format-error'],
    ['a required field left empty', { 'data.subject': '   ' }, 'f-data-subject-error'],
    ['an unknown procedure', { procedure: 'no-such-procedure' }, 'file-procedure-error'],
    ['an over-long procedure', { procedure: 'p'.repeat(500) }, 'file-procedure-error'],
    ['a NUL in the procedure', { procedure: 'acces-information\u0000' }, 'file-procedure-error'],
    ['an unknown commune', { unit: '99.999.99.99' }, 'file-unit-error'],
    ['a NUL in the commune', { unit: `${TANGER}\u0000` }, 'file-unit-error'],
    ['a commune that is not in the directory\'s format', { unit: '<script>' }, 'file-unit-error'],
    ['an over-long commune', { unit: '1'.repeat(300) }, 'file-unit-error'],
  ])('should refuse %s next to its field, file nothing, and keep what was typed', async (_what, bad, errorId) => {
    const agent = await consoleAgent(h.app, 'applicant');
    const before = await casesOf('citizen-1');
    const res = await file(agent, { ...GOOD, ...bad });
    expect(res.status).toBe(422);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain(`id="${errorId}"`);
    expect(res.text).toMatch(new RegExp(`aria-describedby="[^"]*${errorId}`));
    expect(res.text).toContain('La demande n&#x27;a pas été déposée');
    if (errorId.startsWith('f-data-') && !('data.subject' in bad)) expect(res.text).toContain('Budget communal 2026');
    expect(res.text).not.toContain('\u0000');
    expect(await casesOf('citizen-1')).toBe(before);
  });

  it('should say in Arabic what is wrong, next to the field', async () => {
    const agent = await inArabic(await consoleAgent(h.app, 'applicant'));
    const res = await file(agent, { ...GOOD, 'data.subject': '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('dir="rtl"');
    expect(res.text).toContain('لم يتم إيداع الطلب');
    expect(res.text).toMatch(/id="f-data-subject-error"[^>]*>[^<]*[\u0600-\u06ff]/);
  });

  it('should refuse a filing posted without the form\'s CSRF token', async () => {
    const agent = await consoleAgent(h.app, 'applicant');
    const hidden = await formOf(agent);
    const res = await agent.post('/file').type('form').send({ ...hidden, _csrf: 'forged', ...GOOD });
    expect(res.status).toBe(403);
  });
});

describe('who may see a receipt', () => {
  let receipt: string;
  beforeAll(async () => {
    const agent = await consoleAgent(h.app, 'applicant');
    receipt = ((await file(agent, GOOD)).headers.location as string).replace('?filed=1', '');
  }, 60_000);

  it('should show the receipt to its applicant and to the staff of the commune, as the API does', async () => {
    await (await consoleAgent(h.app, 'applicant')).get(receipt).expect(200);
    await (await consoleAgent(h.app, 'agent')).get(receipt).expect(200);
    await (await consoleAgent(h.app, 'supervisorProvince')).get(receipt).expect(200);
  });

  it.each([
    ['otherApplicant', 404],
    ['agentAssilah', 403],
    ['supervisorOtherProvince', 403],
    ['admin', 403],
  ] as const)('should refuse it to %s (%i), saying nothing of the case', async (who, status) => {
    const res = await (await consoleAgent(h.app, who)).get(receipt);
    expect(res.status).toBe(status);
    expect(res.type).toBe('text/html');
    expect(res.text).not.toContain('receipt-reference');
    expect(res.text).not.toContain('Budget communal');
  });

  it('should answer an unknown or malformed case id with 404 and send a visitor to the login page', async () => {
    const agent = await consoleAgent(h.app, 'applicant');
    for (const id of ['00000000-0000-4000-8000-000000000000', 'x'.repeat(300), '..%2F..%2Fetc', '%F0%9F%92%A9']) {
      expect((await agent.get(`/cases/${id}/receipt`)).status).toBe(404);
    }
    const anonymous = await consoleAgent(h.app);
    const res = await anonymous.get(receipt).expect(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(receipt)}`);
  });

  it('should list only the applicant\'s own cases, and refuse a damaged page link', async () => {
    const other = await consoleAgent(h.app, 'otherApplicant');
    const mine = await other.get('/my/cases').expect(200);
    expect(mine.text).not.toContain(receipt);
    expect(mine.text).toContain('Vous n&#x27;avez encore déposé aucune demande.');
    for (const after of ['garbage', Buffer.from('["a"]').toString('base64url'), 'x'.repeat(1000)]) {
      expect((await other.get(`/my/cases?after=${after}`)).status).toBe(422);
    }
  });
});
