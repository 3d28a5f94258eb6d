import request from 'supertest';
import { unreachableApp, type UnreachableApp } from './app-fixture';

let u: UnreachableApp;
beforeAll(() => {
  u = unreachableApp({ bodyLimit: '16kb' });
});
afterAll(async () => {
  await u.close();
});

async function postCase(body: string | object, type = 'application/json') {
  return request(u.app)
    .post('/api/v1/cases')
    .set('Authorization', `Bearer ${await u.token('applicant')}`)
    .set('Content-Type', type)
    .send(body);
}

describe('problem responses', () => {
  it('should answer malformed JSON with a 400 problem document', async () => {
    const res = await postCase('{"procedure": ');
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toEqual({
      type: '/problems/bad-request',
      title: 'Bad request',
      status: 400,
      detail: 'the request body is not valid JSON',
      instance: '/api/v1/cases',
      requestId: res.headers['x-request-id'],
    });
  });

  it('should answer a body over the limit with 413', async () => {
    const res = await postCase({ procedure: 'acces-information', unit: 'x', data: { subject: 'x'.repeat(20_000) } });
    expect(res.status).toBe(413);
    expect(res.body.title).toBe('Payload too large');
  });

  it('should refuse prototype keys anywhere in a body, with their path', async () => {
    const nested = await postCase('{"procedure":"p","unit":"u","data":{"list":[{"ok":1},{"__proto__":{"x":1}}]}}');
    expect(nested.status).toBe(400);
    expect(nested.body.errors).toEqual([{ path: 'data.list.1.__proto__', message: 'forbidden key' }]);
    const ctor = await postCase('{"constructor":{"prototype":{"polluted":true}}}');
    expect(ctor.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('should answer wrong types with 422 naming every field', async () => {
    const res = await postCase({ procedure: 7, unit: null, data: [], extra: true });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['', 'data', 'procedure', 'unit']);
  });

  it('should answer a form-encoded filing with 415', async () => {
    const res = await postCase('procedure=x', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
  });

  it('should answer a bad query string with 400, never 500', async () => {
    const token = await u.token('agent');
    for (const query of ['limit=0', 'limit=abc', 'sort=name', 'overdue=yes', 'filedFrom=yesterday', 'color=red', 'cursor=%%%']) {
      const res = await request(u.app).get(`/api/v1/cases?${query}`).set('Authorization', `Bearer ${token}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });

  it('should answer an unknown route with a 404 problem', async () => {
    const res = await request(u.app).get('/api/v1/nowhere');
    expect(res.status).toBe(404);
    expect(res.type).toBe('application/problem+json');
  });

  it('should answer 503 with Retry-After when PostgreSQL is unreachable', async () => {
    const res = await request(u.app).get('/api/v1/cases').set('Authorization', `Bearer ${await u.token('applicant')}`);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });

  it('should say which backing service is down on /readyz', async () => {
    const res = await request(u.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body.detail).toMatch(/PostgreSQL: .*Temporal: /);
  });
});

describe('HTTP hygiene', () => {
  it('should set security headers and echo a well-formed request id', async () => {
    const res = await request(u.app).get('/healthz').set('X-Request-Id', 'abc-123');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-powered-by']).toBeUndefined();
    const odd = await request(u.app).get('/healthz').set('X-Request-Id', '<script>');
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should count requests by route on /metrics', async () => {
    await request(u.app).get('/healthz');
    const res = await request(u.app).get('/metrics');
    expect(res.type).toBe('text/plain');
    expect(res.text).toMatch(/masar_http_requests_total\{route="\/healthz",method="GET",status="200"\} \d+/);
    expect(res.text).toContain('masar_http_request_duration_seconds_bucket');
  });

  it('should keep tokens and personal data out of the logs', async () => {
    const token = await u.token('applicant');
    await request(u.app)
      .post('/api/v1/cases')
      .set('Authorization', `Bearer ${token}`)
      .send({ procedure: 'acces-information', unit: '01.511.01.01', data: { nationalId: 'AB123456', phone: '+212600000000' } });
    const text = u.logs.join('');
    expect(text).toContain('"route":"/api/v1/cases"');
    expect(text).not.toContain(token);
    expect(text).not.toContain('AB123456');
    expect(text).not.toContain('amina@example.ma');
  });

  it('should rate-limit a caller past its burst with 429 and Retry-After', async () => {
    const limited = unreachableApp({ rateLimit: { capacity: 2, refillPerSecond: 0.1 } });
    try {
      const token = await limited.token('agent');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        statuses.push((await request(limited.app).get('/api/v1/cases?limit=0').set('Authorization', `Bearer ${token}`)).status);
      }
      expect(statuses).toEqual([400, 400, 429]);
      const res = await request(limited.app).get('/api/v1/cases?limit=0').set('Authorization', `Bearer ${token}`);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Another caller has a bucket of their own.
      const other = await request(limited.app).get('/api/v1/cases?limit=0').set('Authorization', `Bearer ${await limited.token('applicant')}`);
      expect(other.status).toBe(400);
    } finally {
      await limited.close();
    }
  });
});
