/**
 * Bad input never gets a 5xx: a table of hostile values per class and per endpoint parameter,
 * driven against the real app on a real PostgreSQL (no worker: every answer here is decided before
 * a case would run). Each row says what the caller gets: a 4xx problem document naming the field.
 */
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { plantUnstorable, random, UNSTORABLE_CLASSES, jsonValue } from '../../support/hostile';
import { startHarness, TANGER, type CallerName, type Harness } from './api-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ taskQueue: `hostile-${Date.now()}` });
}, 60_000);
afterAll(async () => {
  await h.close();
});

const CASE = '00000000-0000-4000-8000-000000000000';

async function get(url: string, who: CallerName = 'admin') {
  return request(h.app).get(url).set('Authorization', `Bearer ${await h.token(who)}`);
}

async function post(url: string, body: unknown, who: CallerName = 'admin', headers: Record<string, string> = {}) {
  let req = request(h.app).post(url).set('Authorization', `Bearer ${await h.token(who)}`).set('Content-Type', 'application/json');
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  // superagent would serialise a Buffer as JSON: send encoded bytes as they are.
  if (Buffer.isBuffer(body)) return req.serialize((b: Buffer) => b as unknown as string).send(body as unknown as string);
  return req.send(typeof body === 'string' ? body : JSON.stringify(body));
}

function expectProblem(res: request.Response, status: number | number[], field?: string): void {
  const statuses = Array.isArray(status) ? status : [status];
  if (!statuses.includes(res.status)) throw new Error(`expected ${statuses.join('/')} but got ${res.status}: ${JSON.stringify(res.body)}`);
  expect(res.type).toBe('application/problem+json');
  if (field !== undefined) expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(field);
}

const OUT_OF_RANGE = ['2147483648', '99999999999999999999', '-1', '1e3', '0x10', ' 1', '1.5', 'NaN', 'Infinity', '', '9'.repeat(400)];
const IMPOSSIBLE_DATES = ['2026-02-30', '0000-01-01', '2026-13-01', '2026-00-10', '2027-02-29', '1899-12-31', '+275760-09-13', '2026-2-3', '2026-02-28 '];
const IMPOSSIBLE_INSTANTS = ['2027-02-30T10:00:00Z', '0000-01-01T00:00:00Z', '2026-02-28T24:00:00Z', '2026-02-28T10:60:00Z', '2026-02-28T10:00:00', '2026-02-28T10:00:00+25:00', '2026-02-28'];

describe('integers beyond the column range, or not integers', () => {
  const params: [string, (v: string) => string, string, number][] = [
    ['after (journal)', (v) => `/api/v1/cases/${CASE}/journal?after=${encodeURIComponent(v)}`, 'after', 400],
    ['limit (journal)', (v) => `/api/v1/cases/${CASE}/journal?limit=${encodeURIComponent(v)}`, 'limit', 400],
    ['limit (cases)', (v) => `/api/v1/cases?limit=${encodeURIComponent(v)}`, 'limit', 400],
    ['version (procedure)', (v) => `/api/v1/procedures/acces-information?version=${encodeURIComponent(v)}`, 'version', 400],
    ['year (holidays)', (v) => `/api/v1/calendars/ma-administration/holidays?year=${encodeURIComponent(v)}`, 'year', 400],
    ['limit (units)', (v) => `/api/v1/units?limit=${encodeURIComponent(v)}`, 'limit', 400],
  ];
  it.each(params)('should answer every hostile %s with a 400 naming it', async (_name, url, field, status) => {
    for (const value of OUT_OF_RANGE) expectProblem(await get(url(value), 'agent'), status, field);
  });

  it('should accept the largest PostgreSQL integer and answer from the database', async () => {
    expect((await get(`/api/v1/procedures/acces-information?version=2147483647`)).status).toBe(404);
    expect((await get(`/api/v1/cases/${CASE}/journal?after=2147483647`)).status).toBe(404);
  });

  it('should answer a filing whose version is beyond the column range with 422 naming it', async () => {
    for (const version of [2147483648, 1e20, -1, 1.5, Number.MAX_SAFE_INTEGER + 2]) {
      const res = await post('/api/v1/cases', { procedure: 'acces-information', version, unit: TANGER, data: {} }, 'applicant');
      expectProblem(res, 422, 'version');
    }
  });
});

describe('dates and instants that do not exist', () => {
  it('should answer impossible list filters with 400 naming them', async () => {
    for (const v of [...IMPOSSIBLE_DATES, ...IMPOSSIBLE_INSTANTS.filter((i) => i.includes('T'))]) {
      expectProblem(await get(`/api/v1/cases?filedFrom=${encodeURIComponent(v)}`, 'agent'), 400, 'filedFrom');
      expectProblem(await get(`/api/v1/cases?filedTo=${encodeURIComponent(v)}`, 'agent'), 400, 'filedTo');
    }
    expect((await get('/api/v1/cases?filedFrom=2028-02-29&filedTo=2028-03-01T00:00:00%2B01:00', 'agent')).status).toBe(200);
  });

  it('should answer an impossible deadline start with 400 naming it', async () => {
    for (const v of IMPOSSIBLE_INSTANTS) {
      expectProblem(await get(`/api/v1/calendars/ma-administration/deadline?from=${encodeURIComponent(v)}&duration=P1D`, 'agent'), 400, 'from');
    }
  });

  it('should answer an impossible holiday date with 422 naming it', async () => {
    for (const v of IMPOSSIBLE_DATES) {
      const res = await post('/api/v1/calendars/ma-administration/holidays', { kind: 'closure', date: v, name: { fr: 'x', ar: 'x' } });
      expectProblem(res, 422, 'date');
    }
  });
});

describe('durations too long to count', () => {
  it.each([
    ['duration', 'P99999999999999999999D'],
    ['duration', '99999999 working days'],
    ['duration', '2601 working days'],
    ['duration', 'P11Y'],
    ['duration', 'PT99999999999H'],
    ['duration', '3661 days'],
    ['extend', 'P20Y'],
  ])('should answer %s=%s with 422 at once', async (param, value) => {
    const started = Date.now();
    const query = param === 'duration' ? `duration=${encodeURIComponent(value)}` : `duration=P1D&extend=${encodeURIComponent(value)}`;
    const res = await get(`/api/v1/calendars/ma-administration/deadline?from=2027-02-22T10:00:00%2B01:00&${query}`, 'agent');
    expectProblem(res, 422);
    expect(res.body.detail).toMatch(/at most 2600 working days, or 3660 days/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('should count the longest duration accepted', async () => {
    const res = await get('/api/v1/calendars/ma-administration/deadline?from=2027-02-22T10:00:00%2B01:00&duration=2600%20working%20days', 'agent');
    expect(res.status).toBe(200);
  });

  it('should refuse more extensions than documented with 400', async () => {
    const extend = Array.from({ length: 11 }, () => 'extend=P1D').join('&');
    expectProblem(await get(`/api/v1/calendars/ma-administration/deadline?from=2027-02-22T10:00:00%2B01:00&duration=P1D&${extend}`, 'agent'), 400);
  });
});

describe('text PostgreSQL cannot store, in every part of a request', () => {
  const bodies: [string, string, () => object, CallerName][] = [
    ['filing', '/api/v1/cases', () => ({ procedure: 'acces-information', unit: TANGER, data: { subject: 'x', details: {} }, applicant: { id: 'a', name: 'b' } }), 'agent'],
    ['action', `/api/v1/cases/${CASE}/actions`, () => ({ action: 'approve', input: { reason: 'x', more: [] }, comment: 'ok' }), 'agent'],
    ['holiday', '/api/v1/calendars/ma-administration/holidays', () => ({ kind: 'closure', date: '2027-03-03', name: { fr: 'x', ar: 'y' }, source: 'z' }), 'admin'],
    ['definition (JSON)', '/api/v1/procedures/validate', () => ({ source: 'id: x\nversion: 1\n' }), 'admin'],
  ];
  it.each(bodies)('should answer every class planted anywhere in a %s body with 422 naming the field', async (_name, url, make, who) => {
    const r = random(url.length);
    for (const cls of Object.keys(UNSTORABLE_CLASSES)) {
      for (let i = 0; i < 15; i++) {
        const body = make() as Record<string, unknown>;
        if (i % 3 === 0) body.extra = jsonValue(r, 3);
        const path = plantUnstorable(r, body, cls);
        const res = await post(url, body, who);
        expectProblem(res, 422, path);
        expect(res.body.type).toBe('/problems/unstorable-text');
      }
    }
  });

  it('should answer a YAML definition with a NUL with 422', async () => {
    const res = await request(h.app)
      .post('/api/v1/procedures/validate')
      .set('Authorization', `Bearer ${await h.token('admin')}`)
      .set('Content-Type', 'application/yaml')
      .send('id: x\u0000\nversion: 1\n');
    expectProblem(res, 422, '(body)');
  });

  it('should answer a NUL in a query string or a path parameter with 422 naming it', async () => {
    expectProblem(await get('/api/v1/cases?procedure=a%00b', 'agent'), 422, 'procedure');
    expectProblem(await get('/api/v1/units?q=%00', 'agent'), 422, 'q');
    expectProblem(await get(`/api/v1/cases/${CASE}%00/journal`, 'agent'), 422, 'id');
    expectProblem(await get('/api/v1/procedures/x%00', 'agent'), 422, 'id');
  });

  it('should answer a path that is not UTF-8 with 400, and an undecodable query value without a 5xx', async () => {
    expectProblem(await get('/api/v1/cases/%ED%A0%80', 'agent'), 400);
    expectProblem(await get('/api/v1/cases/%E0%A4%A', 'agent'), 400);
    const res = await get('/api/v1/units?q=%ED%A0%80', 'agent');
    expect(res.status).toBeLessThan(500);
  });
});

describe('bodies that are not what they claim', () => {
  it('should answer JSON nested thousands deep with 422, for every JSON route', async () => {
    for (const depth of [33, 5_000, 100_000]) {
      const deep = `{"procedure":"acces-information","unit":"${TANGER}","data":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      for (const url of ['/api/v1/cases', `/api/v1/cases/${CASE}/actions`, '/api/v1/procedures/validate', '/api/v1/calendars/ma-administration/holidays']) {
        const res = await post(url, deep, 'admin');
        expectProblem(res, 422);
        expect(res.body.type).toBe('/problems/too-deep');
      }
    }
  });

  it('should answer a Content-Encoding that does not match the body with 400 (unknown ones with 415)', async () => {
    const body = JSON.stringify({ source: 'id: x' });
    expectProblem(await post('/api/v1/procedures/validate', body, 'admin', { 'Content-Encoding': 'gzip' }), 400);
    expectProblem(await post('/api/v1/procedures/validate', body, 'admin', { 'Content-Encoding': 'deflate' }), 400);
    expectProblem(await post('/api/v1/procedures/validate', gzipSync(body).subarray(0, 12), 'admin', { 'Content-Encoding': 'gzip' }), 400);
    expectProblem(await post('/api/v1/procedures/validate', body, 'admin', { 'Content-Encoding': 'br' }), 415);
    // A body encoded as declared is read.
    const ok = await post('/api/v1/procedures/validate', gzipSync(body), 'admin', { 'Content-Encoding': 'gzip' });
    expectProblem(ok, 422);
    expect(ok.body.type).toBe('/problems/invalid-definition');
  });

  it('should answer a YAML alias bomb with 422, quickly', async () => {
    let yaml = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 9; i++) yaml += `a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]\n`;
    const started = Date.now();
    for (const [type, body] of [['application/yaml', yaml], ['application/json', JSON.stringify({ source: yaml })]] as const) {
      const res = await request(h.app)
        .post('/api/v1/procedures/validate')
        .set('Authorization', `Bearer ${await h.token('admin')}`)
        .set('Content-Type', type)
        .send(body);
      expectProblem(res, 422);
      expect(res.body.detail).toMatch(/alias/i);
    }
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('methods a path does not declare', () => {
  it.each([
    ['/api/v1/cases', ['PUT', 'DELETE', 'PATCH'], 'GET, HEAD, POST'],
    [`/api/v1/cases/${CASE}`, ['POST', 'PUT', 'DELETE', 'PATCH'], 'GET, HEAD'],
    [`/api/v1/cases/${CASE}/actions`, ['GET', 'PUT', 'DELETE'], 'POST'],
    // GET /procedures/validate is GET /procedures/{id}: allowed.
    ['/api/v1/procedures/validate', ['PUT', 'DELETE'], 'GET, HEAD, POST'],
    ['/api/v1/calendars/ma-administration/holidays', ['PUT', 'DELETE'], 'GET, HEAD, POST'],
    ['/healthz', ['POST'], 'GET, HEAD'],
  ])('should answer %s with 405 and Allow: %s', async (url, methods, allow) => {
    for (const method of methods) {
      const res = await request(h.app)[method.toLowerCase() as 'put'](url).set('Authorization', `Bearer ${await h.token('admin')}`);
      expectProblem(res, 405);
      expect(res.headers.allow).toBe(allow);
    }
  });

  it('should still answer an unknown path with 404', async () => {
    expectProblem(await request(h.app).put('/api/v1/nothing-here'), 404);
  });
});
