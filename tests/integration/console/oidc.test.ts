/**
 * Signing in to the console with an identity provider, against a real one (`oidc-provider`, in a
 * process of its own): the authorization code flow with PKCE through `openid-client`, the
 * provider's claims (roles and unit from the configured claims) becoming the session's person, and
 * every answer that does not belong to this browser's flow refused with a page: another flow's
 * state, a PKCE verifier or a nonce that does not match, a replayed code, no flow at all, the
 * provider's own refusal, and identities Masar cannot use (no role, a malformed unit).
 */
import request from 'supertest';
import { OIDC_COOKIE, OidcFlowCodec, type OidcFlow } from '../../../console/oidc-client';
import { SESSION_COOKIE } from '../../../console/session';
import { consoleAgent, type ConsoleAgent } from '../../support/console';
import { startTestProvider, throughProvider, type TestProvider } from '../../support/oidc';
import { SESSION_SECRET, startHarness, TANGER, type Harness } from '../api/api-harness';

const REDIRECT = 'http://127.0.0.1:9/login/oidc/callback';
const CLIENT = { client_id: 'masar-console', client_secret: 'masar-console-secret-0123456789', redirect_uris: [REDIRECT], post_logout_redirect_uris: ['http://127.0.0.1:9/login'] };
const ACCOUNTS = {
  'admin-oidc': { name: 'Salma Admin', email: 'salma@interieur.gov.ma', roles: ['admin'] },
  'agent-oidc': { name: 'Karim Agent', locale: 'ar-MA', roles: 'agent information_officer', unit: TANGER },
  'nobody-oidc': { name: 'Sans Rôle', roles: [] },
  'bad-unit-oidc': { name: 'Mauvaise Unité', roles: ['agent'], unit: '../../etc' },
  'bad-role-oidc': { name: 'Rôle Étrange', roles: ['Admin; DROP'] },
};

let provider: TestProvider;
let h: Harness;
beforeAll(async () => {
  provider = await startTestProvider({ clients: [CLIENT], accounts: ACCOUNTS });
  h = await startHarness({
    taskQueue: `console-oidc-${Date.now()}`,
    console: true,
    consoleOptions: {
      oidc: {
        issuer: provider.issuer,
        clientId: CLIENT.client_id,
        clientSecret: CLIENT.client_secret,
        redirectUrl: REDIRECT,
        postLogoutRedirectUrl: 'http://127.0.0.1:9/login',
        scope: 'openid profile email masar',
      },
    },
  });
}, 120_000);
afterAll(async () => {
  await h?.close();
  await provider?.stop();
});

const codec = new OidcFlowCodec(SESSION_SECRET);
const setCookies = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []);
const flowOf = (res: request.Response): OidcFlow => {
  const value = setCookies(res).find((c) => c.startsWith(`${OIDC_COOKIE}=`))?.split(';')[0]?.slice(OIDC_COOKIE.length + 1);
  const flow = codec.decode(value);
  if (!flow) throw new Error('no flow cookie set');
  return flow;
};
/** The session a response sets, read (the test does not need its signature checked). */
const sessionIn = (res: request.Response): { principal?: unknown; via?: string } | undefined => {
  const body = setCookies(res).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0]?.split('=')[1]?.split('.')[0];
  return body ? (JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { principal?: unknown; via?: string }) : undefined;
};
/** The refusal's detail on the error page. */
const detailOf = (res: request.Response) => /<p class="text-body-secondary" lang="en"[^>]*>([^<]*)/.exec(res.text)?.[1] ?? '';
const callbackPath = (url: URL) => `${url.pathname}${url.search}`;

/** Starts a sign-in in `agent`'s browser: the flow it keeps and the provider's authorization URL. */
async function start(agent: ConsoleAgent, next = '/'): Promise<{ flow: OidcFlow; authorization: string }> {
  const res = await agent.get(`/login/oidc?next=${encodeURIComponent(next)}`).expect(303);
  expect(res.headers.location?.startsWith(`${provider.issuer}/auth?`)).toBe(true);
  return { flow: flowOf(res), authorization: res.headers.location as string };
}

describe('signing in with the identity provider', () => {
  it('should offer the provider on the login page, in French and Arabic', async () => {
    const fr = await request(h.app).get('/login?next=/admin/calendar').expect(200);
    expect(fr.text).toContain('href="/login/oidc?next&#x3D;%2Fadmin%2Fcalendar"');
    expect(fr.text).toContain("Se connecter avec le fournisseur d&#x27;identité");
    const ar = await request(h.app).get('/login').set('Accept-Language', 'ar').expect(200);
    expect(ar.text).toContain('الدخول عبر مزود الهوية');
  });

  it('should ask for a code with PKCE (S256), a state and a nonce, and keep them in a short-lived cookie for the callback only', async () => {
    const agent = await consoleAgent(h.app);
    const res = await agent.get('/login/oidc').expect(303);
    const url = new URL(res.headers.location as string);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    const flow = flowOf(res);
    expect(url.searchParams.get('state')).toBe(flow.state);
    expect(url.searchParams.get('nonce')).toBe(flow.nonce);
    const cookie = setCookies(res).find((c) => c.startsWith(`${OIDC_COOKIE}=`)) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/login\/oidc\/callback/);
    expect(cookie).toMatch(/Max-Age=600/);
  });

  it('should sign an administrator in, open their session as a demo login would, go to the page asked for, and sign out at the provider', async () => {
    const agent = await consoleAgent(h.app);
    const { authorization } = await start(agent, '/admin/calendar');
    const back = await throughProvider(provider.issuer, authorization, 'admin-oidc', REDIRECT);
    expect(back.searchParams.get('code')).toBeTruthy();
    const done = await agent.get(callbackPath(back)).expect(303);
    expect(done.headers.location).toBe('/admin/calendar');
    expect(setCookies(done).find((c) => c.startsWith(`${SESSION_COOKIE}=`))).toMatch(/HttpOnly/i);
    const page = await agent.get('/admin/calendar').expect(200);
    expect(page.text).toContain('Salma Admin');
    // The provider's sign-out, then the console's login page.
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const out = await agent.post('/logout').type('form').send({ _csrf: token }).expect(303);
    expect(out.headers.location?.startsWith(`${provider.issuer}/session/end?`)).toBe(true);
    expect(new URL(out.headers.location as string).searchParams.get('client_id')).toBe(CLIENT.client_id);
    await agent.get('/admin/calendar').expect(303).expect('Location', '/login?next=%2Fadmin%2Fcalendar');
  });

  it('should map roles given as one string, the unit and the Arabic locale, and send an agent to their inbox', async () => {
    const agent = await consoleAgent(h.app);
    const { authorization } = await start(agent);
    const back = await throughProvider(provider.issuer, authorization, 'agent-oidc', REDIRECT);
    const done = await agent.get(callbackPath(back)).expect(303);
    expect(done.headers.location).toBe('/inbox');
    const payload = sessionIn(done) ?? {};
    expect(payload.via).toBe('oidc');
    expect(payload.principal).toEqual({ sub: 'agent-oidc', name: 'Karim Agent', roles: ['agent', 'information_officer'], unit: TANGER, lang: 'ar' });
    // The administrator pages stay closed to an agent signed in this way too.
    await agent.get('/admin/procedures').expect(403);
  });
});

describe('answers that do not belong to this browser\'s flow', () => {
  async function refused(agent: ConsoleAgent, path: string, cookie?: string): Promise<request.Response> {
    const req = agent.get(path);
    if (cookie !== undefined) req.set('Cookie', `${OIDC_COOKIE}=${cookie}`);
    const res = await req;
    expect([path.slice(0, 40), res.type]).toEqual([path.slice(0, 40), 'text/html']);
    // Nobody signed in: any session cookie set is an anonymous one.
    expect(sessionIn(res)?.principal).toBeUndefined();
    return res;
  }

  it('should refuse another flow\'s state (a second sign-in started in the same browser)', async () => {
    const agent = await consoleAgent(h.app);
    const first = await start(agent);
    await start(agent); // its cookie replaces the first flow's
    const back = await throughProvider(provider.issuer, first.authorization, 'admin-oidc', REDIRECT);
    const res = await refused(agent, callbackPath(back));
    expect(res.status).toBe(400);
    expect(res.text).toContain('state');
    await agent.get('/admin/procedures').expect(303);
  });

  it('should refuse a PKCE verifier that is not the one the challenge was made from', async () => {
    const agent = await consoleAgent(h.app);
    const { flow, authorization } = await start(agent);
    const back = await throughProvider(provider.issuer, authorization, 'admin-oidc', REDIRECT);
    const res = await refused(request.agent(h.app), callbackPath(back), codec.encode({ ...flow, verifier: codec.fresh('/').verifier }));
    expect(res.status).toBe(400);
    expect(detailOf(res)).toMatch(/invalid_grant|PKCE|code_verifier/i);
  });

  it('should refuse an ID token whose nonce is not this flow\'s', async () => {
    const agent = await consoleAgent(h.app);
    const { flow, authorization } = await start(agent);
    const back = await throughProvider(provider.issuer, authorization, 'admin-oidc', REDIRECT);
    const res = await refused(request.agent(h.app), callbackPath(back), codec.encode({ ...flow, nonce: codec.fresh('/').nonce }));
    expect(res.status).toBe(400);
    expect(detailOf(res)).toContain('nonce');
  });

  it('should refuse a code used twice, a callback without a flow, a forged flow cookie, and the provider\'s own refusal', async () => {
    const agent = await consoleAgent(h.app);
    const { flow, authorization } = await start(agent);
    const back = await throughProvider(provider.issuer, authorization, 'admin-oidc', REDIRECT);
    await agent.get(callbackPath(back)).expect(303);
    expect((await refused(request.agent(h.app), callbackPath(back), codec.encode(flow))).status).toBe(400);
    expect((await refused(request.agent(h.app), callbackPath(back))).status).toBe(400);
    const forged = new OidcFlowCodec('another-secret-0123456789abcdef-0123').encode({ ...flow, exp: flow.exp + 1 });
    expect((await refused(request.agent(h.app), callbackPath(back), forged)).status).toBe(400);
    const other = await consoleAgent(h.app);
    const started = await start(other);
    const denied = await refused(other, `/login/oidc/callback?error=access_denied&error_description=${encodeURIComponent('the person said no')}&state=${started.flow.state}`);
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('the person said no');
    for (const hostile of [`?code=${'x'.repeat(5000)}&state=${'y'.repeat(300)}`, '?code=%00&state=%00', '?state[]=a&code=b']) {
      // Refused before any page sees it (a NUL is refused by the input guard in front of the API and the console alike).
      const res = await other.get(`/login/oidc/callback${hostile}`);
      expect([hostile.slice(0, 20), res.status >= 400 && res.status < 500]).toEqual([hostile.slice(0, 20), true]);
      expect(sessionIn(res)?.principal).toBeUndefined();
    }
  });

  it.each([
    ['nobody-oidc', 'no role'],
    ['bad-unit-oidc', 'unit code'],
    ['bad-role-oidc', 'must list roles'],
  ])('should refuse the identity %s that Masar cannot use with a 403 page (%s)', async (account, words) => {
    const agent = await consoleAgent(h.app);
    const { authorization } = await start(agent);
    const back = await throughProvider(provider.issuer, authorization, account, REDIRECT);
    const res = await refused(agent, callbackPath(back));
    expect(res.status).toBe(403);
    expect(res.text).toContain(words);
  });
});
