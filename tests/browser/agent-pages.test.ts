/**
 * The agent's pages with work on them, in a real Chromium, in French and in Arabic: the inbox with a
 * task, and the case page (forms of every field type, clocks, timeline, diagram) as the agent and as
 * the applicant see it, axe-clean; and acting without JavaScript (a plain form post).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { startHarness, type CallerName, type Harness } from '../integration/api/api-harness';
import { eventually, fileThroughApi, publishPermit } from '../integration/console/agent-procedure';
import { arabicFontLoaded, axeViolations, describeInBrowser, launchBrowser, serve, signInAs } from '../support/browser';

let h: Harness;
let browser: Browser;
let site: { url: string; close(): Promise<void> };
let caseId: string;

describeInBrowser('the agent pages in a real browser', () => {
  beforeAll(async () => {
    h = await startHarness({ taskQueue: `browser-agent-${Date.now()}`, console: true, worker: true });
    await publishPermit(h);
    ({ caseId } = await fileThroughApi(h));
    site = await serve(h.app);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await h?.close();
  });

  async function contextFor(persona: CallerName, lang: 'fr' | 'ar', javaScriptEnabled = true): Promise<BrowserContext> {
    const { context, page } = await signInAs(browser, site.url, persona, lang, { javaScriptEnabled });
    await page.close();
    return context;
  }

  for (const lang of ['fr', 'ar'] as const) {
    it.each<[CallerName, string]>([
      ['agent', '/inbox'],
      ['agent', '/case'],
      ['applicant', '/case'],
    ])(`should render, as %s, %s in ${lang}, axe-clean`, async (persona, path) => {
      const context = await contextFor(persona, lang);
      try {
        const page = await context.newPage();
        const url = path === '/case' ? `/cases/${caseId}` : path;
        const response = await page.goto(url);
        expect(response?.status()).toBe(200);
        if (path === '/inbox') await eventually(async () => (await page.reload(), await page.locator('tr.masar-task').count()), (n) => n > 0, 'a task in the inbox');
        expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
        expect(await axeViolations(page)).toEqual([]);
        if (lang === 'ar') expect(await arabicFontLoaded(page)).toBe(true);
      } finally {
        await context.close();
      }
    });
  }

  it('should act from the case page without JavaScript, and show the result', async () => {
    const context = await contextFor('agent', 'fr', false);
    try {
      const page = await context.newPage();
      await page.goto(`/cases/${caseId}`);
      const form = page.locator('form[action$="/actions/request_documents"]');
      await form.getByLabel('Titre foncier').check();
      await form.getByRole('button', { name: 'Demander des pièces' }).click();
      await page.waitForURL((url) => url.searchParams.get('done') === 'request_documents');
      expect(await page.locator('.masar-state').textContent()).toContain('En attente de pièces');
    } finally {
      await context.close();
    }
  });
});
