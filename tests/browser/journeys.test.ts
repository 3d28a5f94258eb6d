/**
 * The console's main journey in a real Chromium, as people do it, without curl: the applicant files
 * from the procedure's form, the agent finds the case at the top of the inbox, asks for documents
 * (the clock is suspended), the applicant answers on the case page, the agent decides, and the
 * applicant reads the decision. The procedure is written for the test (no file field: uploading from
 * the console is not there yet).
 *
 * With `MASAR_UPDATE_SCREENSHOTS=1` it also writes each persona's main page, in French and in Arabic,
 * to docs/screenshots/ (the README shows them).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { publishProcedure } from '../../db/procedures';
import { shippedSource, startHarness, TANGER, type CallerName, type Harness } from '../integration/api/api-harness';
import { lateProcedureYaml } from '../support/late-procedure';
import { eventually, permitYaml } from '../integration/console/agent-procedure';
import { compileYaml } from '../support/procedures';
import { describeInBrowser, launchBrowser, serve, signInAs } from '../support/browser';

const JOURNEY = 'journey-permit';
/** Late within seconds; the next level an hour later, so the case stays at the province meanwhile. */
const LATE = 'journey-late';

/** The console tests' procedure, without its file fields: the applicant answers in words. */
function journeyYaml(): string {
  const source = permitYaml({ id: JOURNEY })
    .replace(/^ {2}plan: \{ type: file.*\n/m, '')
    .replace(/^ {10}photo: \{ type: file.*\n/m, '')
    .replace(/documents: \{ type: list, label: \{ fr: Références des pièces, ar: مراجع الوثائق \}.*\}\n/, 'reply: { type: text, label: { fr: Votre réponse, ar: جوابكم }, required: true, maxLength: 500 }\n');
  if (source.includes('type: file')) throw new Error('journey procedure: a file field is left');
  return source;
}

let h: Harness;
let browser: Browser;
let site: { url: string; close(): Promise<void> };

describeInBrowser('the console journey in a real browser', () => {
  beforeAll(async () => {
    h = await startHarness({ taskQueue: `browser-journey-${Date.now()}`, console: true, worker: true });
    const source = journeyYaml();
    await publishProcedure(h.t.db, compileYaml(source, `${JOURNEY}.yaml`), source, 'system');
    const late = lateProcedureYaml({ id: LATE, deadline: 'PT3S', interval: 'PT1H' });
    await publishProcedure(h.t.db, compileYaml(late, `${LATE}.yaml`), late, 'system');
    site = await serve(h.app);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await h?.close();
  });

  const signIn = (persona: CallerName, lang: 'fr' | 'ar' = 'fr') =>
    signInAs(browser, site.url, persona, lang, { bypassCSP: false, viewport: { width: 1280, height: 860 } });

  /** Reloads `url` until `ready` holds (the read model follows the workflow by a moment). */
  async function until(page: Page, url: string, ready: () => Promise<boolean>, what: string): Promise<void> {
    await eventually(async () => (await page.goto(url), await ready()), (ok) => ok, what);
  }

  it('should carry a case from the applicant\'s form to the decision the applicant reads', async () => {
    // The applicant files from the procedure's form.
    const applicant = await signIn('applicant');
    await applicant.page.goto(`/file?procedure=${JOURNEY}&unit=01.511.01.01`);
    await applicant.page.getByLabel('Objet de la demande').fill('Extension de la maison familiale');
    await applicant.page.getByLabel('Surface (m²)').fill('120');
    await applicant.page.getByRole('button', { name: 'Déposer la demande' }).click();
    await applicant.page.waitForURL(/\/cases\/[^/]+\/receipt/);
    const caseId = decodeURIComponent(new URL(applicant.page.url()).pathname.split('/')[2] as string);
    const receipt = (await applicant.page.locator('main').textContent()) ?? '';
    const reference = /\bJP-\d{4}-\d{6}\b/.exec(receipt)?.[0] ?? '';
    expect(reference).not.toBe('');

    // The agent finds it at the top of the inbox (the shortest legal deadline), and asks for documents.
    const agent = await signIn('agent');
    await until(agent.page, '/inbox', async () => ((await agent.page.locator('tr.masar-task').first().textContent()) ?? '').includes(reference), 'the case at the top of the inbox');
    // With work on every page: the moment for the README's pictures.
    if (process.env.MASAR_UPDATE_SCREENSHOTS === '1') await screenshots();
    await agent.page.goto(`/cases/${caseId}`);
    const ask = agent.page.locator('form[action$="/actions/request_documents"]');
    await ask.getByLabel("Carte d'identité").check();
    await ask.getByRole('button', { name: 'Demander des pièces' }).click();
    await agent.page.waitForURL((url) => url.searchParams.get('done') === 'request_documents');
    expect(await agent.page.locator('.masar-state').textContent()).toContain('En attente de pièces');

    // The applicant answers on the case page.
    await until(applicant.page, `/cases/${caseId}`, async () => (await applicant.page.locator('form[action$="/actions/answer"]').count()) > 0, 'the answer form');
    const answer = applicant.page.locator('form[action$="/actions/answer"]');
    await answer.getByLabel('Votre réponse').fill("Voici ma carte d'identité, déposée au guichet.");
    await answer.getByRole('button', { name: 'Envoyer les pièces' }).click();
    await applicant.page.waitForURL((url) => url.searchParams.get('done') === 'answer');

    // The agent decides.
    await until(agent.page, `/cases/${caseId}`, async () => (await agent.page.locator('form[action$="/actions/approve"]').count()) > 0, 'the case back in review');
    const approve = agent.page.locator('form[action$="/actions/approve"]');
    await approve.getByLabel('Redevance (DH)').fill('150');
    await approve.getByRole('button', { name: 'Accorder' }).click();
    await agent.page.waitForURL((url) => url.searchParams.get('done') === 'approve');

    // The applicant reads the decision, in French and in Arabic.
    await until(applicant.page, `/cases/${caseId}`, async () => ((await applicant.page.locator('.masar-state').textContent()) ?? '').includes('Accordée'), 'the decision');
    const arabic = await signIn('applicant', 'ar');
    await arabic.page.goto(`/cases/${caseId}`);
    expect(await arabic.page.locator('.masar-state').textContent()).toContain('مقبولة');
    expect(await arabic.page.getAttribute('html', 'dir')).toBe('rtl');

    await Promise.all([applicant.context.close(), agent.context.close(), arabic.context.close()]);
  }, 180_000);

  it('should put a case nobody acts on before the province supervisor, who opens it from the dashboard', async () => {
    const applicant = await signIn('applicant');
    await applicant.page.goto(`/file?procedure=${LATE}&unit=${TANGER}`);
    await applicant.page.locator('form[action="/file"] textarea, form[action="/file"] input[type="text"]').first().fill("Ouverture d'un commerce");
    await applicant.page.getByRole('button', { name: 'Déposer la demande' }).click();
    await applicant.page.waitForURL(/\/cases\/[^/]+\/receipt/);
    const caseId = decodeURIComponent(new URL(applicant.page.url()).pathname.split('/')[2] as string);

    // Nobody acts: the province supervisor sees the case late on the dashboard, on its commune's row.
    const supervisor = await signIn('supervisorProvince');
    await until(supervisor.page, '/supervision', async () => (await supervisor.page.locator(`a[href="/cases/${caseId}"]`).count()) > 0, 'the late case on the dashboard');
    await supervisor.page.locator(`a[href="/cases/${caseId}"]`).first().click();
    await supervisor.page.waitForURL(`**/cases/${caseId}`);
    expect(await supervisor.page.locator('h1').first().textContent()).toBeTruthy();
    // Another province's supervisor never sees it.
    const other = await signIn('supervisorOtherProvince');
    await other.page.goto('/supervision');
    expect(await other.page.locator(`a[href="/cases/${caseId}"]`).count()).toBe(0);
    await Promise.all([applicant.context.close(), supervisor.context.close(), other.context.close()]);
  }, 120_000);

  it('should let an administrator see an error at its line, fix it and publish the new version', async () => {
    const v2 = shippedSource('acces-information').replace(/^version: 1$/m, 'version: 2');
    const line = v2.split('\n').findIndex((l) => l === '        to: review') + 1;
    const broken = v2.split('\n').map((l, i) => (i + 1 === line ? '        to: nowhere' : l)).join('\n');
    const admin = await signIn('admin');
    await admin.page.goto('/admin/procedures/new');
    await admin.page.locator('#source').fill(broken);
    await admin.page.getByRole('button', { name: 'Vérifier et publier' }).click();
    await admin.page.waitForLoadState();
    expect(await admin.page.locator(`li#L${line}.masar-source-marked`).count()).toBe(1);
    expect(await admin.page.locator('main').textContent()).toContain(`Ligne ${line}`);
    // Fixed where it was marked, then published: the catalogue offers version 2 to new cases.
    await admin.page.locator('#source').fill(v2);
    await admin.page.getByRole('button', { name: 'Vérifier et publier' }).click();
    await admin.page.waitForURL(/\/admin\/procedures\/acces-information\?version=2&published=1/);
    await admin.page.goto('/admin/procedures');
    expect(await admin.page.locator('main').textContent()).toMatch(/acces-information[\s\S]*2/);
    await admin.context.close();
  }, 120_000);

  /** Each persona's main page in each language, for the README. */
  async function screenshots(): Promise<void> {
    const dir = path.join(__dirname, '..', '..', 'docs', 'screenshots');
    const mains: [CallerName, string, string][] = [
      ['applicant', '/my/cases', 'applicant'],
      ['agent', '/inbox', 'agent'],
      ['supervisorProvince', '/supervision', 'supervisor'],
      ['admin', '/admin/procedures', 'admin'],
    ];
    for (const lang of ['fr', 'ar'] as const) {
      for (const [persona, url, name] of mains) {
        const { context, page } = await signIn(persona, lang);
        await page.goto(url);
        await page.screenshot({ path: path.join(dir, `${name}-${lang}.png`), fullPage: false });
        await context.close();
      }
    }
  }
});
