/**
 * Token lifetimes: whatever signed it, a token without expiry, living longer than the API allows,
 * or dated in the future is refused with a 401 saying why. Demo tokens (`npm start`) and
 * `masar token` mint what the API, configured the same way, accepts.
 */
import { SignJWT } from 'jose';
import request from 'supertest';
import { createTokenVerifier } from '../../../api/auth';
import { parseLifetime, tokenTimeProblem } from '../../../api/token-lifetime';
import { main } from '../../../cli/main';
import { mintDemoTokens } from '../../../scripts/start-banner';
import { SECRET, unreachableApp, type UnreachableApp } from './app-fixture';

let u: UnreachableApp;
beforeAll(() => {
  u = unreachableApp();
});
afterAll(async () => {
  await u.close();
});

const key = new TextEncoder().encode(SECRET);
const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);

/** Signs exactly the time claims given (none added), with a valid subject and role. */
function sign(times: { exp?: number; iat?: number; nbf?: number }): Promise<string> {
  return new SignJWT({ roles: ['admin'], ...times }).setProtectedHeader({ alg: 'HS256' }).setSubject('admin-1').sign(key);
}

async function answer(token: string) {
  return request(u.app).get('/api/v1/units?limit=1').set('Authorization', `Bearer ${token}`);
}

describe('token time claims over HTTP (default maximum 24 h, 60 s clock tolerance)', () => {
  it.each<[string, () => { exp?: number; iat?: number; nbf?: number }, RegExp]>([
    ['no exp at all', () => ({}), /no expiry \("exp" claim\).*24h/],
    ['no exp, issued now', () => ({ iat: now() }), /no expiry/],
    ['exp 25 h after iat', () => ({ iat: now(), exp: now() + 25 * HOUR }), /valid for 25h from issued, more than this API accepts \(24h/],
    ['exp 30 days after iat (the old demo tokens)', () => ({ iat: now(), exp: now() + 720 * HOUR }), /valid for 720h/],
    ['exp a year ahead, no iat', () => ({ exp: now() + 8760 * HOUR }), /from now, more than this API accepts/],
    ['issued 10 minutes in the future', () => ({ iat: now() + 600, exp: now() + 2 * HOUR }), /issued in the future/],
    ['issued a day in the future, short-lived', () => ({ iat: now() + 24 * HOUR, exp: now() + 25 * HOUR }), /issued in the future/],
    ['not valid before 10 minutes from now', () => ({ iat: now(), nbf: now() + 600, exp: now() + HOUR }), /not valid yet/],
    ['iat that is not a number', () => ({ iat: 'yesterday' as unknown as number, exp: now() + HOUR }), /"iat" claim/],
  ])('should answer 401 to a token with %s, saying why', async (_what, times, reason) => {
    const res = await answer(await sign(times()));
    expect(res.status).toBe(401);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.detail).toMatch(reason);
  });

  it.each<[string, () => { exp?: number; iat?: number; nbf?: number }]>([
    ['exp 1 h after iat', () => ({ iat: now(), exp: now() + HOUR })],
    ['exactly 24 h', () => ({ iat: now(), exp: now() + 24 * HOUR })],
    ['issued 24 h ago, expiring in a minute', () => ({ iat: now() - 24 * HOUR + 60, exp: now() + 60 })],
    ['exp 2 h ahead, no iat', () => ({ exp: now() + 2 * HOUR })],
    ['iat 30 s ahead (within the clock tolerance)', () => ({ iat: now() + 30, exp: now() + HOUR })],
    ['nbf now', () => ({ iat: now(), nbf: now(), exp: now() + HOUR })],
  ])('should accept a token with %s', async (_what, times) => {
    // Reaching the database (unreachable here: 503) means authentication passed.
    const res = await answer(await sign(times()));
    expect(res.status).not.toBe(401);
  });
});

describe('tokenTimeProblem', () => {
  const policy = { maxLifetimeSeconds: 8 * HOUR, clockToleranceSeconds: 60 };
  const t = 1_800_000_000;
  it.each<[string, { exp?: unknown; iat?: unknown; nbf?: unknown }, boolean]>([
    ['within 8 h', { iat: t, exp: t + 8 * HOUR }, true],
    ['8 h and the tolerance', { iat: t, exp: t + 8 * HOUR + 60 }, true],
    ['a second over', { iat: t, exp: t + 8 * HOUR + 61 }, false],
    ['exp before iat', { iat: t, exp: t - 1 }, true], // expired: the JWT library's own check
    ['no iat, exp within 8 h of now', { exp: t + HOUR }, true],
    ['no iat, exp 9 h from now', { exp: t + 9 * HOUR }, false],
    ['exp as text', { exp: String(t + HOUR) }, false],
    ['exp infinite', { exp: Infinity }, false],
    ['nbf 61 s ahead', { iat: t, nbf: t + 61, exp: t + HOUR }, false],
    ['iat 61 s ahead', { iat: t + 61, exp: t + HOUR }, false],
  ])('should judge %s', (_what, claims, ok) => {
    expect(tokenTimeProblem(claims, t, policy) === undefined).toBe(ok);
  });

  it('should follow a configured maximum', async () => {
    const verify = createTokenVerifier({ jwtSecret: SECRET, maxTokenLifetimeSeconds: parseLifetime('15m') as number });
    await expect(verify(await sign({ iat: now(), exp: now() + 10 * 60 }))).resolves.toMatchObject({ sub: 'admin-1' });
    await expect(verify(await sign({ iat: now(), exp: now() + 20 * 60 }))).rejects.toThrow(/valid for 20m.*\(15m/);
  });
});

describe('tokens Masar mints', () => {
  const verifier = (max = 24 * HOUR) =>
    createTokenVerifier({ jwtSecret: SECRET, issuer: 'https://idp.masar.ma', audience: 'masar-api', maxTokenLifetimeSeconds: max });

  it('should give the demo tokens the issuer, the audience and the lifetime the API accepts', async () => {
    const tokens = await mintDemoTokens(SECRET, { ttlSeconds: 24 * HOUR, issuer: 'https://idp.masar.ma', audience: 'masar-api' });
    expect(tokens).toHaveLength(4);
    for (const t of tokens) await expect(verifier()(t.token)).resolves.toMatchObject({ sub: expect.any(String) });
    const bare = await mintDemoTokens(SECRET, { ttlSeconds: HOUR });
    await expect(verifier()(bare[0]?.token as string)).rejects.toThrow(/iss/);
  });

  it('should make `masar token` carry AUTH_ISSUER and AUTH_AUDIENCE and refuse a --ttl beyond the maximum', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = (env: Record<string, string>) => ({ out: (l: string) => out.push(l), err: (l: string) => err.push(l), cwd: process.cwd(), env: { AUTH_JWT_SECRET: SECRET, ...env } });
    const env = { AUTH_ISSUER: 'https://idp.masar.ma', AUTH_AUDIENCE: 'masar-api', AUTH_MAX_TOKEN_LIFETIME: '2h' };
    expect(await main(['token', '--sub', 'agent-9', '--roles', 'agent'], io(env))).toBe(0);
    await expect(verifier(2 * HOUR)(out[0] as string)).resolves.toMatchObject({ sub: 'agent-9' });
    expect(await main(['token', '--sub', 'agent-9', '--ttl', '7d'], io({}))).toBe(2);
    expect(err.join('\n')).toMatch(/--ttl 7d is longer than the API accepts \(AUTH_MAX_TOKEN_LIFETIME=24h\)/);
    expect(await main(['token', '--sub', 'agent-9', '--ttl', '3h'], io(env))).toBe(2);
    expect(await main(['token', '--sub', 'agent-9', '--ttl', 'forever'], io({}))).toBe(2);
    expect(err.join('\n')).toMatch(/--ttl "forever"/);
  });
});
