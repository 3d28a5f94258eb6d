/**
 * The supervisor's console over the real API process, a real Temporal dev server, a Masar worker and
 * PostgreSQL: a case filed from the console under a procedure written for the test (a decision
 * deadline of seconds, escalating to the province), which nobody acts on, shows on the province
 * supervisor's dashboard and escalations list (and the region's), never on another province's; only
 * supervisors get these pages; both languages; hostile query strings refused with a page.
 */
import request from 'supertest';
import { publishProcedure } from '../../../db/procedures';
import { consoleAgent, csrfOf, type ConsoleAgent } from '../../support/console';
import { lateProcedureYaml } from '../../support/late-procedure';
import { compileYaml } from '../../support/procedures';
import { ASSILAH, startHarness, TANGER, TETOUAN, type Harness } from '../api/api-harness';

const PROCEDURE = 'test-late-permit';
let h: Harness;
let caseId: string;
let reference: string;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function inArabic(agent: ConsoleAgent): Promise<ConsoleAgent> {
  const page = await agent.get('/login');
  await agent.post('/lang').type('form').send({ _csrf: csrfOf(page.text), lang: 'ar', next: '/' }).expect(303);
  return agent;
}

beforeAll(async () => {
  h = await startHarness({ taskQueue: `console-supervisor-${Date.now()}`, console: true, worker: true });
  // Late within seconds; the next level an hour later, so the case stays at the province meanwhile.
  const source = lateProcedureYaml({ id: PROCEDURE, deadline: 'PT3S', interval: 'PT1H' });
  await publishProcedure(h.t.db, compileYaml(source), source, 'system');
  const applicant = await consoleAgent(h.app, 'applicant');
  const form = await applicant.get(`/file?procedure=${PROCEDURE}&unit=${encodeURIComponent(TANGER)}`).expect(200);
  const key = /name="key" value="([^"]+)"/.exec(form.text)?.[1] as string;
  const filed = await applicant
    .post('/file')
    .type('form')
    .send({ _csrf: csrfOf(form.text), procedure: PROCEDURE, unit: TANGER, key, 'data.subject': 'Ouverture d\'un commerce' })
    .expect(303);
  caseId = (filed.headers.location as string).split('/')[2] as string;
  const receipt = await applicant.get(`/cases/${caseId}/receipt`).expect(200);
  reference = /<dd class="receipt-reference"><bdi>([^<]+)<\/bdi>/.exec(receipt.text)?.[1] as string;
  // Nobody acts: the deadline passes and the case climbs to the province.
  const supervisor = await consoleAgent(h.app, 'supervisorProvince');
  await until('the escalation to reach the province supervisor', async () => {
    const page = await supervisor.get('/escalations');
    return page.text.includes(reference) ? true : undefined;
  });
}, 120_000);
afterAll(async () => h?.close());

describe('a case nobody acts on', () => {
  it('should show on the province supervisor\'s escalations, with the level reached and how late it is', async () => {
    const page = await (await consoleAgent(h.app, 'supervisorProvince')).get('/escalations').expect(200);
    const row = page.text.slice(page.text.indexOf(`href="/cases/${caseId}"`));
    expect(row).toContain(`<bdi>${reference}</bdi>`);
    expect(row.slice(0, 1500)).toContain('Province ou préfecture');
    expect(row.slice(0, 1500)).toMatch(/badge text-bg-danger">(moins d&#x27;une minute|\d+ minutes?)</);
    expect(page.text).toContain('<th scope="col">');
  });

  it('should count it late on the province dashboard, on the Tanger row, as the oldest late case', async () => {
    const page = await (await consoleAgent(h.app, 'supervisorProvince')).get('/supervision').expect(200);
    const tanger = page.text.slice(page.text.indexOf(`<bdi>${TANGER}</bdi>`));
    const cells = tanger.slice(0, tanger.indexOf('</tr>'));
    expect(cells).toMatch(/<td class="text-end"><bdi>1<\/bdi><\/td>\s*<td class="text-end"><span class="badge text-bg-danger"><bdi>1<\/bdi><\/span><\/td>/);
    expect(cells).toContain(`href="/cases/${caseId}"`);
    expect(page.text).toContain('aria-current="page"');
  });

  it('should roll it up into the province on the region supervisor\'s dashboard, and list it in the region\'s escalations', async () => {
    const agent = await consoleAgent(h.app, 'supervisorRegion');
    const dashboard = await agent.get('/supervision').expect(200);
    const province = dashboard.text.slice(dashboard.text.indexOf('<bdi>01.511</bdi>'));
    expect(province.slice(0, province.indexOf('</tr>'))).toContain(`href="/cases/${caseId}"`);
    expect((await agent.get('/escalations').expect(200)).text).toContain(reference);
  });

  it('should not show on another province\'s dashboard or escalations', async () => {
    const agent = await consoleAgent(h.app, 'supervisorOtherProvince');
    const dashboard = await agent.get('/supervision').expect(200);
    expect(dashboard.text).toContain(`<bdi>${TETOUAN}</bdi>`);
    expect(dashboard.text).not.toContain(TANGER);
    expect(dashboard.text).not.toContain(caseId);
    const escalations = await agent.get('/escalations').expect(200);
    expect(escalations.text).not.toContain(reference);
    expect(escalations.text).toContain('Aucune escalade en cours dans votre périmètre.');
  });

  it('should read in Arabic, right to left, with the level and the lateness in Arabic words', async () => {
    const agent = await inArabic(await consoleAgent(h.app, 'supervisorProvince'));
    const escalations = await agent.get('/escalations').expect(200);
    expect(escalations.text).toContain('<html lang="ar" dir="rtl">');
    expect(escalations.text).toContain('العمالة أو الإقليم');
    expect(escalations.text).toMatch(/badge text-bg-danger">(أقل من دقيقة|دقيقة واحدة|دقيقتان|\d+ دقائق|\d+ دقيقة)</);
    const dashboard = await agent.get('/supervision?period=7').expect(200);
    expect(dashboard.text).toContain('لوحة قيادة الإشراف');
    expect(dashboard.text).toContain('آخر 7 أيام');
    expect(dashboard.text).not.toMatch(/\[(supervision|escalations)\./);
  });
});

describe('reassigning within scope', () => {
  it('should offer the province supervisor only the units below the province as reassignment targets, named', async () => {
    const res = await request(h.app).get(`/api/v1/cases/${caseId}`).set('Authorization', `Bearer ${await h.token('supervisorProvince')}`).expect(200);
    const reassign = (res.body.availableActions as { action: string; input?: Record<string, { type: string; options?: string[]; optionLabels?: Record<string, { fr: string }> }> }[]).find(
      (a) => a.action === 'escalation.reassign',
    );
    expect(reassign?.input?.unit).toMatchObject({ type: 'choice', picker: 'unit' });
    expect(reassign?.input?.unit?.options?.sort()).toEqual([ASSILAH, TANGER].sort());
    expect(reassign?.input?.unit?.optionLabels?.[ASSILAH]?.fr).toBe(`Assilah (${ASSILAH})`);
    for (const outside of [TETOUAN, '01.521', '01', 'DGCT', '01.511']) expect(reassign?.input?.unit?.options).not.toContain(outside);
  });
});

describe('reassigning from the case page', () => {
  it('should offer in the reassignment form only the units below the province, by name', async () => {
    const page = await (await consoleAgent(h.app, 'supervisorProvince')).get(`/cases/${caseId}`).expect(200);
    const form = page.text.slice(page.text.indexOf('action="/cases/' + caseId + '/actions/escalation.reassign"'));
    const reassign = form.slice(0, form.indexOf('</form>'));
    expect(reassign).toContain(`value="${ASSILAH}"`);
    expect(reassign).toContain(`value="${TANGER}"`);
    expect(reassign).toContain(`Assilah (${ASSILAH})`);
    for (const outside of [TETOUAN, '01.521', 'DGCT']) expect(reassign).not.toContain(`value="${outside}"`);
  });
});

describe('who gets the supervisor pages', () => {
  it.each(['applicant', 'agent', 'admin'] as const)('should refuse both pages to %s with a 403 page', async (who) => {
    const agent = await consoleAgent(h.app, who);
    for (const url of ['/supervision', '/escalations']) {
      const res = await agent.get(url);
      expect(res.status).toBe(403);
      expect(res.type).toBe('text/html');
      expect(res.text).not.toContain(reference);
    }
  });

  it('should send a visitor to the login page', async () => {
    const res = await (await consoleAgent(h.app)).get('/supervision').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Fsupervision');
  });

  it('should refuse a period it does not offer next to the choice, and damaged input with a page', async () => {
    const agent = await consoleAgent(h.app, 'supervisorProvince');
    for (const period of ['31', '0', '99999', 'abc', '-7']) {
      const res = await agent.get(`/supervision?period=${period}`);
      expect(res.status).toBe(422);
      expect(res.text).toContain('id="supervision-period-error"');
      expect(res.text).toContain(`<bdi>${TANGER}</bdi>`);
    }
    for (const url of ['/escalations?after=garbage', `/escalations?after=${'x'.repeat(1000)}`, `/escalations?after=${Buffer.from('[1,2]').toString('base64url')}`]) {
      const res = await agent.get(url);
      expect(res.status).toBe(422);
      expect(res.type).toBe('text/html');
    }
    // A NUL in a query string is refused by the API's own guard, before the console sees it.
    for (const url of ['/supervision?period=3%000', '/escalations?after=%00']) expect((await agent.get(url)).status).toBe(422);
  });
});
