/**
 * The console's main journey in a real Chromium, as people do it, without curl: the applicant files
 * from the procedure's form with a PDF chosen in the file input, the agent finds the case at the top
 * of the inbox, downloads the PDF (the same bytes), asks for documents (the clock is suspended), the
 * applicant answers on the case page with a file, the agent decides, and the applicant reads the
 * decision and downloads its sealed PDF, in French and in Arabic. The procedure is written for the
 * test (the console tests' permit: every field type, a plan and the answer's documents as files).
 *
 * With `MASAR_UPDATE_SCREENSHOTS=1` it also writes each persona's main page, in French and in Arabic,
 * to docs/screenshots/ (the README shows them).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createFsDocumentStore } from '../../documents/fs-store';
import { createTestCa } from '../support/test-ca';
import { publishProcedure } from '../../db/procedures';
import { shippedSource, startHarness, TANGER, type CallerName, type Harness } from '../integration/api/api-harness';
import { lateProcedureYaml } from '../support/late-procedure';
import { eventually, permitYaml } from '../integration/console/agent-procedure';
import { compileYaml } from '../support/procedures';
import { axeViolations, describeInBrowser, launchBrowser, serve, signInAs } from '../support/browser';

const JOURNEY = 'journey-permit';
/** Late within seconds; the next level an hour later, so the case stays at the province meanwhile. */
const LATE = 'journey-late';

/** The console tests' procedure: the plan and the answer's documents are PDFs. */
function journeyYaml(): string {
  return permitYaml({ id: JOURNEY })
    .replace('plan: { type: file, label: { fr: Plan de situation, ar: تصميم الموقع } }', 'plan: { type: file, label: { fr: Plan de situation, ar: تصميم الموقع }, required: true, accept: [application/pdf] }')
    .replace('of: { type: file, label: { fr: Pièce, ar: وثيقة } }', 'of: { type: file, label: { fr: Pièce, ar: وثيقة }, accept: [application/pdf] }');
}

/** A small but complete PDF (one page saying `text`), as a scanner or a word processor writes one. */
function realPdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${`BT /F1 18 Tf 72 760 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 18 Tf 72 760 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let h: Harness;
let browser: Browser;
let site: { url: string; close(): Promise<void> };

describeInBrowser('the console journey in a real browser', () => {
  beforeAll(async () => {
    h = await startHarness({
      taskQueue: `browser-journey-${Date.now()}`,
      console: true,
      worker: true,
      documents: { store: createFsDocumentStore(mkdtempSync(path.join(tmpdir(), 'masar-journey-docs-'))), maxBytes: 1024 * 1024 },
      sealed: { seal: createTestCa().seal, publicUrl: 'https://masar.example.ma' },
    });
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

  it('should carry a case from the applicant\'s form, with a PDF chosen in it, to the decision PDF the applicant downloads', async () => {
    const plan = realPdf('Plan de situation - lot 12');
    const answerPdf = realPdf('Carte nationale - recto verso');
    // The applicant files from the procedure's form, choosing the plan in the file input.
    const applicant = await signIn('applicant');
    await applicant.page.goto(`/file?procedure=${JOURNEY}&unit=01.511.01.01`);
    await applicant.page.getByLabel('Objet de la demande').fill('Extension de la maison familiale');
    await applicant.page.getByLabel('Surface (m²)').fill('120');
    await applicant.page.getByLabel('Plan de situation').setInputFiles({ name: 'plan de situation.pdf', mimeType: 'application/pdf', buffer: plan });
    expect(await applicant.page.locator('.masar-notice').textContent()).toContain('loi 09-08');
    await applicant.page.getByRole('button', { name: 'Déposer la demande' }).click();
    await applicant.page.waitForURL(/\/cases\/[^/]+\/receipt/);
    const caseId = decodeURIComponent(new URL(applicant.page.url()).pathname.split('/')[2] as string);
    const receipt = (await applicant.page.locator('main').textContent()) ?? '';
    const reference = /\bJP-\d{4}-\d{6}\b/.exec(receipt)?.[0] ?? '';
    expect(reference).not.toBe('');
    // The receipt page links its sealed PDF.
    const receiptPdf = await applicant.context.request.get(`/cases/${caseId}/receipt.pdf`);
    expect([receiptPdf.status(), receiptPdf.headers()['content-type']]).toEqual([200, 'application/pdf']);
    expect(await applicant.page.locator(`a[href="/cases/${caseId}/receipt.pdf"]`).count()).toBe(1);

    // The agent finds it at the top of the inbox (the shortest legal deadline), downloads the plan, and asks for documents.
    const agent = await signIn('agent');
    await until(agent.page, '/inbox', async () => ((await agent.page.locator('tr.masar-task').first().textContent()) ?? '').includes(reference), 'the case at the top of the inbox');
    // With work on every page: the moment for the README's pictures.
    if (process.env.MASAR_UPDATE_SCREENSHOTS === '1') await screenshots();
    await agent.page.goto(`/cases/${caseId}`);
    const [download] = await Promise.all([agent.page.waitForEvent('download'), agent.page.locator('tr.masar-document a').first().click()]);
    expect(download.suggestedFilename()).toBe('plan de situation.pdf');
    expect(sha256(readFileSync(await download.path()))).toBe(sha256(plan));
    const ask = agent.page.locator('form[action$="/actions/request_documents"]');
    await ask.getByLabel("Carte d'identité").check();
    await ask.getByRole('button', { name: 'Demander des pièces' }).click();
    await agent.page.waitForURL((url) => url.searchParams.get('done') === 'request_documents');
    expect(await agent.page.locator('.masar-state').textContent()).toContain('En attente de pièces');

    // The applicant answers on the case page with a file.
    await until(applicant.page, `/cases/${caseId}`, async () => (await applicant.page.locator('form[action$="/actions/answer"]').count()) > 0, 'the answer form');
    const answer = applicant.page.locator('form[action$="/actions/answer"]');
    await answer.getByLabel('Références des pièces').setInputFiles({ name: 'carte nationale.pdf', mimeType: 'application/pdf', buffer: answerPdf });
    await answer.getByRole('button', { name: 'Envoyer les pièces' }).click();
    await applicant.page.waitForURL((url) => url.searchParams.get('done') === 'answer');

    // The agent sees the answer among the documents, and decides.
    await until(agent.page, `/cases/${caseId}`, async () => (await agent.page.locator('form[action$="/actions/approve"]').count()) > 0, 'the case back in review');
    expect(await agent.page.locator('tr.masar-document').count()).toBe(2);
    expect(await agent.page.locator('table.masar-documents').textContent()).toContain('carte nationale.pdf');
    const approve = agent.page.locator('form[action$="/actions/approve"]');
    await approve.getByLabel('Redevance (DH)').fill('150');
    await approve.getByRole('button', { name: 'Accorder' }).click();
    await agent.page.waitForURL((url) => url.searchParams.get('done') === 'approve');

    // The applicant reads the decision and downloads its sealed PDF, in French and in Arabic.
    await until(applicant.page, `/cases/${caseId}`, async () => ((await applicant.page.locator('.masar-state').textContent()) ?? '').includes('Accordée'), 'the decision');
    const decisionLink = applicant.page.locator('a[data-kind="decision"]');
    expect(await decisionLink.textContent()).toContain('Télécharger la décision');
    const decision = await applicant.context.request.get((await decisionLink.getAttribute('href')) as string);
    expect([decision.status(), decision.headers()['content-type']]).toEqual([200, 'application/pdf']);
    expect((await decision.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const arabic = await signIn('applicant', 'ar');
    await arabic.page.goto(`/cases/${caseId}`);
    expect(await arabic.page.locator('.masar-state').textContent()).toContain('مقبولة');
    expect(await arabic.page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await arabic.page.locator('a[data-kind="decision"]').textContent()).toContain('تحميل القرار');
    expect(await arabic.page.locator('table.masar-documents thead').textContent()).toContain('الوثيقة');
    const arabicDecision = await arabic.context.request.get(`/cases/${caseId}/decision.pdf`);
    expect(sha256(await arabicDecision.body())).toBe(sha256(await decision.body()));
    // The Arabic filing form: the file input, what it takes, and the notice, in Arabic.
    await arabic.page.goto(`/file?procedure=${JOURNEY}&unit=01.511.01.01`);
    expect(await arabic.page.locator('input[type="file"][name="data.plan"]').count()).toBe(1);
    expect(await arabic.page.locator('#f-data-plan-how').textContent()).toContain('الملف المقبول');
    expect(await arabic.page.locator('.masar-notice').textContent()).toContain('القانون 09.08');

    await Promise.all([applicant.context.close(), agent.context.close(), arabic.context.close()]);
  }, 180_000);

  it.each(['fr', 'ar'] as const)('should keep the pages with files axe-clean in %s: the filing form, a refused file, the case with its documents', async (lang) => {
    // axe is injected into the page: this context bypasses the console's CSP.
    const { context, page } = await signInAs(browser, site.url, 'applicant', lang);
    await page.goto(`/file?procedure=${JOURNEY}&unit=01.511.01.01`);
    expect(await axeViolations(page)).toEqual([]);
    // A PNG where a PDF is wanted: refused next to the field, the form still axe-clean.
    await page.locator('input[name="data.subject"]').fill('Clôture');
    await page.locator('input[name="data.area"]').fill('40');
    await page.locator('input[name="data.plan"]').setInputFiles({ name: 'plan.pdf', mimeType: 'application/pdf', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]) });
    await page.locator('form[action="/file"] button[type="submit"]').click();
    await page.waitForLoadState();
    expect(await page.locator('#f-data-plan-error').count()).toBe(1);
    expect(await page.locator('input[name="data.subject"]').inputValue()).toBe('Clôture');
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('input[name="data.plan"]').setInputFiles({ name: 'plan.pdf', mimeType: 'application/pdf', buffer: realPdf('plan') });
    await page.locator('form[action="/file"] button[type="submit"]').click();
    await page.waitForURL(/\/cases\/[^/]+\/receipt/);
    const caseId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] as string);
    await until(page, `/cases/${caseId}`, async () => (await page.locator('tr.masar-document').count()) === 1, 'the case with its document');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 120_000);

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
    // The shipped version plus one, whatever the shipped one is.
    const shipped = shippedSource('acces-information');
    const next = Number(/^version: (\d+)$/m.exec(shipped)?.[1]) + 1;
    const v2 = shipped.replace(/^version: \d+$/m, `version: ${next}`);
    const line = v2.split('\n').findIndex((l) => l === '        to: review') + 1;
    const broken = v2.split('\n').map((l, i) => (i + 1 === line ? '        to: nowhere' : l)).join('\n');
    const admin = await signIn('admin');
    await admin.page.goto('/admin/procedures/new');
    await admin.page.locator('#source').fill(broken);
    await admin.page.getByRole('button', { name: 'Vérifier et publier' }).click();
    await admin.page.waitForLoadState();
    expect(await admin.page.locator(`li#L${line}.masar-source-marked`).count()).toBe(1);
    expect(await admin.page.locator('main').textContent()).toContain(`Ligne ${line}`);
    // Fixed where it was marked, then published: new cases get the next version.
    await admin.page.locator('#source').fill(v2);
    await admin.page.getByRole('button', { name: 'Vérifier et publier' }).click();
    await admin.page.waitForURL(new RegExp(`/admin/procedures/acces-information\\?version=${next}&published=1`));
    await admin.page.goto('/admin/procedures');
    expect(await admin.page.locator('main').textContent()).toMatch(new RegExp(`acces-information[\\s\\S]*${next}`));
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
