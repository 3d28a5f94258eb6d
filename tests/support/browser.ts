/**
 * A real browser for the console's browser tier: Debian's Chromium driven by playwright-core
 * (Playwright's own browser download cannot work on these machines), and axe-core injected into
 * pages to check accessibility.
 *
 * Chromium is found at `MASAR_CHROMIUM_PATH`, else `chromium` or `chromium-browser` on the PATH.
 * Without one the browser tests FAIL, saying how to install it (`.ci/run` does); they are skipped
 * only when `MASAR_BROWSER_TESTS=off` says so, and then they print that they were.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { LANG_COOKIE } from '../../console/session';

/** Where Chromium is, or why there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  const given = env.MASAR_CHROMIUM_PATH;
  if (given) return existsSync(given) ? { path: given } : { missing: `MASAR_CHROMIUM_PATH=${given} does not exist` };
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found) return { path: found };
    } catch {
      // not this one
    }
  }
  return { missing: 'no Chromium on this machine: install it (Debian: `apt-get install -y chromium fonts-noto-core`, as .ci/run does) or set MASAR_CHROMIUM_PATH' };
}

/** Whether this run has the browser tier turned off on purpose (`MASAR_BROWSER_TESTS=off`). */
export const browserTestsOff = (): boolean => process.env.MASAR_BROWSER_TESTS === 'off';

/** `describe`, or `describe.skip` with a printed reason when the browser tier is turned off on purpose. */
export function describeInBrowser(name: string, fn: () => void): void {
  if (browserTestsOff()) {
    process.stderr.write(`\n[browser tier] skipped "${name}": MASAR_BROWSER_TESTS=off\n`);
    describe.skip(name, fn);
  } else describe(name, fn);
}

/** Launches Chromium headless, or throws saying how to get one. */
export async function launchBrowser(): Promise<Browser> {
  const found = findChromium();
  if ('missing' in found) throw new Error(`browser tests: ${found.missing} (or MASAR_BROWSER_TESTS=off to skip them knowingly)`);
  return chromium.launch({ executablePath: found.path, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--font-render-hinting=none'] });
}

/** Serves an Express app on a free loopback port; returns its base URL and a closer. */
export async function serve(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface SignInOptions {
  /** @default true */
  javaScriptEnabled?: boolean;
  /** Lets axe-core be injected into pages under the console's strict CSP. @default true */
  bypassCSP?: boolean;
  viewport?: { width: number; height: number };
}

/**
 * A browser context for `lang` (`fr-MA` or `ar-MA`, the language cookie set as the switch sets it),
 * signed in as a demo persona through the login page (`null`: anonymous), and its page, left open on
 * the page the login led to. The demo people carry French: in Arabic the page's switch is used, as a
 * person would, when the login did not already give Arabic.
 */
export async function signInAs(
  browser: Browser,
  siteUrl: string,
  persona: string | null,
  lang: 'fr' | 'ar',
  options: SignInOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: siteUrl,
    locale: lang === 'ar' ? 'ar-MA' : 'fr-MA',
    bypassCSP: options.bypassCSP ?? true,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
  });
  await context.addCookies([{ name: LANG_COOKIE, value: lang, url: siteUrl }]);
  const page = await context.newPage();
  if (persona) {
    await page.goto('/login');
    await page.locator(`form:has(input[name="persona"][value="${persona}"]) button[type="submit"]`).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    if (lang === 'ar' && (await page.getAttribute('html', 'lang')) !== 'ar') {
      await page.locator('form[action="/lang"] button[type="submit"]').click();
      await page.waitForLoadState();
    }
  }
  return { context, page };
}

const AXE_SOURCE = () => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** One accessibility problem axe found: rule, impact, and where. */
export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page (WCAG 2.1 A and AA rules) and returns its serious and critical
 * violations. The page's context must bypass CSP (axe is injected as an inline script, which the
 * console's CSP rightly forbids).
 */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  await page.addScriptTag({ content: AXE_SOURCE() });
  // Page code as text: the tests compile without the DOM's types.
  const results = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })`,
  )) as { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/** Whether the page rendered with the served Arabic webfont (not the machine's fonts, not boxes). */
export async function arabicFontLoaded(page: Page): Promise<boolean> {
  return (await page.evaluate(
    `document.fonts.ready.then(() => [...document.fonts].some((f) => f.family.replace(/["']/g, '') === 'Noto Sans Arabic' && f.status === 'loaded'))`,
  )) as boolean;
}
