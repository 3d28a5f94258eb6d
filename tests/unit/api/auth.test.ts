import { SignJWT } from 'jose';
import request from 'supertest';
import { createTokenVerifier, mintToken } from '../../../api/auth';
import { main } from '../../../cli/main';
import { SECRET, unreachableApp, type UnreachableApp } from './app-fixture';

let u: UnreachableApp;
beforeAll(() => {
  u = unreachableApp();
});
afterAll(async () => {
  await u.close();
});

const key = new TextEncoder().encode(SECRET);

describe('authentication', () => {
  it.each<[string, () => Promise<string | undefined>]>([
    ['no Authorization header', async () => undefined],
    ['a Basic header', async () => 'Basic dXNlcjpwYXNz'],
    ['a token signed with another secret', async () => `Bearer ${await mintToken({ secret: 'another-secret-0123456789abcdef0123', claims: { sub: 'x', roles: ['admin'] } })}`],
    ['an expired token', async () => `Bearer ${await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key)}`],
    ['a token whose roles are not a list', async () => `Bearer ${await new SignJWT({ roles: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime('5m').sign(key)}`],
    ['an unsigned token (alg none)', async () => `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","roles":["admin"]}').toString('base64url')}.`],
    ['a token without a subject', async () => `Bearer ${await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(key)}`],
  ])('should answer 401 with %s', async (_what, header) => {
    const value = await header();
    const req = request(u.app).get('/api/v1/procedures');
    if (value) req.set('Authorization', value);
    const res = await req;
    expect(res.status).toBe(401);
    expect(res.type).toBe('application/problem+json');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="masar"');
  });

  it('should say when the token has expired', async () => {
    const expired = await new SignJWT({ roles: [] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key);
    const res = await request(u.app).get('/api/v1/tasks').set('Authorization', `Bearer ${expired}`);
    expect(res.body.detail).toMatch(/expired/);
  });

  it('should refuse a secret shorter than 32 characters at start-up', () => {
    expect(() => createTokenVerifier({ jwtSecret: 'short' })).toThrow(/at least 32 characters/);
    expect(() => createTokenVerifier({})).toThrow(/AUTH_JWT_SECRET.*AUTH_JWKS_URL/);
  });

  it('should read back the claims of a token minted by `masar token`', async () => {
    const out: string[] = [];
    const code = await main(
      ['token', '--sub', 'agent-9', '--roles', 'agent,information_officer', '--unit', '01.511.01.01', '--lang', 'ar', '--ttl', '30m'],
      { out: (l) => out.push(l), err: (l) => out.push(l), env: { AUTH_JWT_SECRET: SECRET }, cwd: process.cwd() },
    );
    expect(code).toBe(0);
    const principal = await createTokenVerifier({ jwtSecret: SECRET })(out[0] as string);
    expect(principal).toEqual({ sub: 'agent-9', roles: ['agent', 'information_officer'], unit: '01.511.01.01', lang: 'ar' });
  });

  it('should refuse to mint without the secret or with a bad role', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (l: string) => err.push(l), cwd: process.cwd() };
    expect(await main(['token', '--sub', 'x'], { ...io, env: {} })).toBe(2);
    expect(err.join('\n')).toMatch(/AUTH_JWT_SECRET/);
    expect(await main(['token', '--sub', 'x', '--roles', 'Chef!'], { ...io, env: { AUTH_JWT_SECRET: SECRET } })).toBe(2);
    expect(err.join('\n')).toMatch(/--roles/);
  });
});

describe('authorization decided before any backing service', () => {
  it.each<[string, 'applicant' | 'agent' | 'admin', 'get' | 'post', string, number]>([
    ['an applicant asking for an inbox', 'applicant', 'get', '/api/v1/tasks', 403],
    ['an agent asking for escalations', 'agent', 'get', '/api/v1/escalations', 403],
    ['an agent publishing a procedure', 'agent', 'post', '/api/v1/procedures', 403],
    ['an applicant validating a procedure', 'applicant', 'post', '/api/v1/procedures/validate', 403],
    ['an agent recording a holiday', 'agent', 'post', '/api/v1/calendars/ma-administration/holidays', 403],
    ['an admin filing a case', 'admin', 'post', '/api/v1/cases', 403],
  ])('should answer 403 to %s', async (_what, who, method, url, status) => {
    const body = { procedure: 'acces-information', unit: '01.511.01.01', data: {} };
    const res = await request(u.app)[method](url).set('Authorization', `Bearer ${await u.token(who)}`).send(body);
    expect(res.status).toBe(status);
    expect(res.type).toBe('application/problem+json');
  });
});
