/**
 * Every console page, in a real Chromium, in French and in Arabic, as each persona sees it: it
 * loads, is laid out in the language's direction, passes axe-core (no serious or critical
 * violation; axe skips contrast on Arabic text, so the French rendering of the same template is
 * where contrast is checked), and Arabic is drawn with the font Masar serves.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { CALLERS } from '../integration/api/api-harness';
import { startHarness, type Harness } from '../integration/api/api-harness';
import { arabicFontLoaded, axeViolations, describeInBrowser, launchBrowser, serve, signInAs } from '../support/browser';

/** Pages to visit per demo login (the harness's callers); `null`: signed out. */
const PAGES: { persona: keyof typeof CALLERS | null; path: string }[] = [
  { persona: null, path: '/login' },
  { persona: 'agent', path: '/inbox' },
  { persona: 'agent', path: '/cases' },
  { persona: 'applicant', path: '/my/cases' },
  { persona: 'applicant', path: '/file' },
  { persona: 'applicant', path: '/file?procedure=acces-information&unit=01.511.01.01' },
  { persona: 'supervisorProvince', path: '/supervision' },
  { persona: 'supervisorRegion', path: '/escalations' },
  { persona: 'admin', path: '/admin/procedures' },
  { persona: 'admin', path: '/admin/procedures/acces-information' },
  { persona: 'admin', path: '/admin/procedures/new' },
  { persona: 'admin', path: '/admin/calendar' },
  { persona: 'admin', path: '/admin/directory?unit=01.511.01.01' },
  { persona: 'admin', path: '/admin/attention' },
];

let h: Harness;
let browser: Browser;
let site: { url: string; close(): Promise<void> };

describeInBrowser('console pages in a real browser', () => {
  beforeAll(async () => {
    h = await startHarness({ taskQueue: `browser-pages-${Date.now()}`, console: true });
    site = await serve(h.app);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await h?.close();
  });

  async function contextFor(persona: keyof typeof CALLERS | null, lang: 'fr' | 'ar'): Promise<BrowserContext> {
    const { context, page } = await signInAs(browser, site.url, persona, lang);
    await page.close();
    return context;
  }

  for (const lang of ['fr', 'ar'] as const) {
    it.each(PAGES)(`should render $path as $persona in ${lang}, axe-clean`, async ({ persona, path }) => {
      const context = await contextFor(persona, lang);
      try {
        const page = await context.newPage();
        const response = await page.goto(path);
        expect(response?.status()).toBe(200);
        expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
        expect(await axeViolations(page)).toEqual([]);
        if (lang === 'ar') expect(await arabicFontLoaded(page)).toBe(true);
      } finally {
        await context.close();
      }
    });
  }

  it('should work without JavaScript: signing in is a plain form post', async () => {
    const context = await browser.newContext({ baseURL: site.url, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto('/login');
      await page.locator('form:has(input[name="persona"][value="agent"]) button[type="submit"]').click();
      await page.waitForLoadState();
      expect(new URL(page.url()).pathname).not.toBe('/login');
    } finally {
      await context.close();
    }
  });
});
