/**
 * The console's ground floor, as a browser meets it (cookies kept, no JavaScript): the front door,
 * demo logins, sessions that cannot be forged, CSRF on every form, the language switch remembered,
 * hostile form input refused with a page, its own assets, and a first page within the weight budget.
 */
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { ASSET_FILES } from '../../../console/assets';
import { LANG_COOKIE, SESSION_COOKIE } from '../../../console/session';
import { consoleAgent, csrfOf, postForm } from '../../support/console';
import { startHarness, type Harness } from '../api/api-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ taskQueue: `console-foundation-${Date.now()}`, console: true });
});
afterAll(async () => h?.close());

const cookie = (res: request.Response, name: string) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));

describe('the front door', () => {
  it('should send an anonymous visitor to the login page, in French by default and in Arabic when the browser asks', async () => {
    await request(h.app).get('/').expect(303).expect('Location', '/login');
    const fr = await request(h.app).get('/login').expect(200).expect('Content-Type', /html/);
    expect(fr.text).toContain('<html lang="fr" dir="ltr">');
    expect(fr.text).toContain('/assets/bootstrap.min.css');
    const ar = await request(h.app).get('/login').set('Accept-Language', 'ar-MA,ar;q=0.9').expect(200);
    expect(ar.text).toContain('<html lang="ar" dir="rtl">');
    expect(ar.text).toContain('/assets/bootstrap.rtl.min.css');
    expect(ar.text).toContain('تسجيل الدخول');
  });

  it.each([
    ['applicant', '/my/cases'],
    ['agent', '/inbox'],
    ['supervisorProvince', '/supervision'],
    ['admin', '/admin/procedures'],
  ])('should sign %s in with a demo login and send them to their home page', async (persona, home) => {
    const agent = await consoleAgent(h.app);
    const login = await agent.get('/login').expect(200);
    const res = await agent.post('/login/demo').type('form').send({ _csrf: csrfOf(login.text), persona }).expect(303);
    expect(res.headers.location).toBe(home);
    const set = cookie(res, SESSION_COOKIE) ?? '';
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).not.toMatch(/Secure/i); // plain HTTP here; TLS turns it on
    await agent.get('/').expect(303).expect('Location', home);
  });

  it('should refuse a login as someone who is not a demo persona', async () => {
    const agent = await consoleAgent(h.app);
    const res = await postForm(agent, '/login', '/login/demo', { persona: 'root' });
    expect(res.status).toBe(422);
    expect(res.type).toBe('text/html');
  });

  it('should go back to the page asked for after login, and never to another site', async () => {
    const agent = await consoleAgent(h.app);
    for (const next of ['//evil.example', 'https://evil.example/', '/\\evil.example', '/x\r\nSet-Cookie: a=b']) {
      const res = await postForm(agent, '/login', '/login/demo', { persona: 'agent', next });
      expect(res.headers.location).toBe('/inbox');
    }
    const res = await postForm(agent, '/login', '/login/demo', { persona: 'agent', next: '/cases?state=open' });
    expect(res.headers.location).toBe('/cases?state=open');
  });
});

describe('sessions and forms', () => {
  it('should ignore a session cookie that was tampered with, truncated or forged', async () => {
    const agent = await consoleAgent(h.app);
    const res = await postForm(agent, '/login', '/login/demo', { persona: 'agent' });
    const value = /^masar_session=([^;]+)/.exec(cookie(res, SESSION_COOKIE) ?? '')?.[1] ?? '';
    await request(h.app).get('/').set('Cookie', `${SESSION_COOKIE}=${value}`).expect(303).expect('Location', '/inbox');
    const [body, sig] = value.split('.');
    expect(sig).toBeTruthy();
    const forgedBody = Buffer.from(JSON.stringify({ sid: 'AAAAAAAAAAAAAAAAAAAAAAAA', exp: 4102444800, principal: { sub: 'x', roles: ['admin'], lang: 'fr' } })).toString('base64url');
    for (const bad of [`${body}.${sig}x`, `${forgedBody}.${sig}`, `${body}`, 'garbage', `${body}.${sig}.${sig}`, 'a'.repeat(5000)]) {
      await request(h.app).get('/').set('Cookie', `${SESSION_COOKIE}=${bad}`).expect(303).expect('Location', '/login');
    }
  });

  it('should refuse any form posted without the session\'s CSRF token, or with another session\'s', async () => {
    const agent = await consoleAgent(h.app, 'agent');
    const other = await consoleAgent(h.app, 'agent');
    const otherToken = csrfOf((await other.get('/login')).text);
    for (const fields of [{}, { _csrf: '' }, { _csrf: otherToken }, { _csrf: 'x'.repeat(43) }]) {
      const res = await agent.post('/logout').type('form').send(fields);
      expect(res.status).toBe(403);
      expect(res.type).toBe('text/html');
    }
    // Still signed in: none of the refused posts logged the person out.
    await agent.get('/').expect(303).expect('Location', '/inbox');
    const ok = await postForm(agent, '/login', '/logout', {});
    expect(ok.status).toBe(303);
    await agent.get('/').expect(303).expect('Location', '/login');
  });

  it('should switch the language, remember it, and come back to the same page', async () => {
    const agent = await consoleAgent(h.app, 'agent');
    const res = await postForm(agent, '/login', '/lang', { lang: 'ar', next: '/login' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(cookie(res, LANG_COOKIE)).toMatch(/Max-Age=31536000/);
    const page = await agent.get('/login').set('Accept-Language', 'fr');
    expect(page.text).toContain('dir="rtl"');
    expect((await postForm(agent, '/login', '/lang', { lang: 'en' })).status).toBe(422);
  });

  it('should refuse a form carrying a NUL anywhere (value or name) with a page saying so', async () => {
    const agent = await consoleAgent(h.app, 'agent');
    const token = csrfOf((await agent.get('/login')).text);
    for (const body of [`_csrf=${token}&lang=a%00r`, `_csrf=${token}&la%00ng=ar`, `_csrf=${token}&next=%2F%00`]) {
      const res = await agent.post('/lang').type('form').send(body);
      expect(res.status).toBe(422);
      expect(res.type).toBe('text/html');
      expect(res.text).toContain('NUL');
    }
  });
});

describe('pages, assets and the API side by side', () => {
  it('should answer an unknown page with a page, and the API with problem+json as before', async () => {
    const page = await request(h.app).get('/nowhere').set('Accept', 'text/html').set('Accept-Language', 'ar');
    expect(page.status).toBe(404);
    expect(page.text).toContain('dir="rtl"');
    const api = await request(h.app).get('/api/v1/nowhere').set('Accept', 'text/html,application/json');
    expect(api.status).toBe(404);
    expect(api.type).toBe('application/problem+json');
    const curl = await request(h.app).get('/nowhere');
    expect(curl.type).toBe('application/problem+json');
  });

  it('should serve every asset itself, cacheable, and pages under a strict CSP', async () => {
    for (const name of Object.keys(ASSET_FILES)) {
      const res = await request(h.app).get(`/assets/${name}`).expect(200);
      expect(res.headers['cache-control']).toBe('public, max-age=86400');
    }
    await request(h.app).get('/assets/../package.json').expect(404);
    const page = await request(h.app).get('/login');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toMatch(/script-src[^;]*unsafe/);
    expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)/); // no inline script
  });

  it.each(['fr', 'ar'] as const)('should keep the first page (login, %s) and what it loads under 150 KB transferred', async (lang) => {
    const page = await request(h.app).get('/login').set('Accept-Language', lang).set('Accept-Encoding', 'gzip');
    const loads = [...page.text.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    const css = await request(h.app).get('/assets/console.css');
    const fonts = lang === 'ar' ? [...css.text.matchAll(/url\('(\/assets\/fonts\/[^']+)'\)/g)].map((m) => m[1] as string) : [];
    let total = gzipSync(page.text).length;
    for (const asset of [...loads, ...fonts]) {
      const res = await request(h.app).get(asset).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      // Fonts are compressed already (woff2); text assets go over the wire gzipped.
      total += asset.endsWith('.woff2') ? (res.body as Buffer).length : gzipSync(res.body as Buffer).length;
    }
    expect(loads.length).toBeGreaterThanOrEqual(3);
    expect(total).toBeLessThanOrEqual(150 * 1024);
  });
});
