import http from 'node:http';
import net from 'node:net';
import request from 'supertest';
import { answerClientErrors } from '../../../api/client-errors';
import { inspectJson, MAX_JSON_DEPTH, unstorableText } from '../../../api/input-guard';
import { jsonValue, plant, plantUnstorable, random, STORABLE_ODDITIES, UNSTORABLE_CLASSES } from '../../support/hostile';
import { unreachableApp, type UnreachableApp } from './app-fixture';

const RUNS = 300;

describe('unstorable text', () => {
  it.each(Object.keys(UNSTORABLE_CLASSES))('should find %s anywhere in a text', (cls) => {
    const r = random(cls.length * 7919);
    for (let i = 0; i < RUNS; i++) {
      const base = STORABLE_ODDITIES[i % STORABLE_ODDITIES.length] as string;
      const bad = (UNSTORABLE_CLASSES[cls] as (r: ReturnType<typeof random>) => string)(r);
      expect(unstorableText(plant(r, base, bad))).toBeDefined();
    }
  });

  it('should let storable oddities through (pairs, Arabic, controls other than NUL, bidi marks)', () => {
    for (const text of STORABLE_ODDITIES) expect(unstorableText(text)).toBeUndefined();
    expect(unstorableText(STORABLE_ODDITIES.join(''))).toBeUndefined();
  });
});

describe('inspectJson', () => {
  it.each(Object.keys(UNSTORABLE_CLASSES))('should name the path of %s planted at a random value or key, at any depth', (cls) => {
    const r = random(0x5eed + cls.length);
    for (let i = 0; i < RUNS; i++) {
      const doc = { data: jsonValue(r, 5), note: 'x' };
      const path = plantUnstorable(r, doc, cls);
      const finding = inspectJson(doc);
      expect(finding).toMatchObject({ kind: 'unstorable', path });
    }
  });

  it('should find nothing in random documents of storable text', () => {
    const r = random(42);
    for (let i = 0; i < RUNS; i++) expect(inspectJson({ data: jsonValue(r, 6) })).toBeUndefined();
  });

  it(`should refuse nesting deeper than ${MAX_JSON_DEPTH} without overflowing its own stack`, () => {
    const nest = (n: number): unknown => {
      let v: unknown = 'leaf';
      for (let i = 0; i < n; i++) v = i % 2 ? [v] : { k: v };
      return v;
    };
    expect(inspectJson(nest(MAX_JSON_DEPTH))).toBeUndefined();
    for (const depth of [MAX_JSON_DEPTH + 1, 1_000, 200_000]) expect(inspectJson(nest(depth))).toMatchObject({ kind: 'too-deep' });
  });
});

describe('the input guard over HTTP (no backing service needed: refused before any is asked)', () => {
  let u: UnreachableApp;
  beforeAll(() => {
    u = unreachableApp();
  });
  afterAll(async () => {
    await u.close();
  });

  it.each(Object.keys(UNSTORABLE_CLASSES))('should answer %s anywhere in a filing with 422 naming the field', async (cls) => {
    const r = random(cls.length * 31);
    const token = await u.token('applicant');
    for (let i = 0; i < 60; i++) {
      const body = {
        procedure: 'acces-information',
        unit: '01.511.01.01',
        data: { subject: 'Budget', details: jsonValue(r, 4) },
        applicant: { id: 'citizen-1', name: 'Amina', language: 'fr' },
      };
      const path = plantUnstorable(r, body, cls);
      const res = await request(u.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
      expect(res.status).toBe(422);
      expect(res.type).toBe('application/problem+json');
      expect(res.body.type).toBe('/problems/unstorable-text');
      expect(res.body.errors[0].path).toBe(path);
    }
  });
});

describe('client errors of the HTTP parser', () => {
  it('should answer a request line over the header limit with a 431 problem document', async () => {
    const u = unreachableApp();
    const server = http.createServer(u.app);
    answerClientErrors(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      for (const [raw, status] of [
        [`GET /api/v1/cases?q=${'x'.repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
        [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(40_000)}\r\n\r\n`, 431],
        ['NOT HTTP AT ALL\r\n\r\n', 400],
      ] as const) {
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => socket.end(raw));
          let text = '';
          socket.on('data', (chunk) => (text += String(chunk)));
          socket.on('close', () => resolve(text));
          socket.on('error', reject);
        });
        const [head, body] = answer.split('\r\n\r\n');
        expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
        expect(head).toMatch(/Content-Type: application\/problem\+json/);
        expect(JSON.parse(body as string)).toMatchObject({ status });
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await u.close();
    }
  });
});
