/**
 * Sealed receipts and decisions over HTTP, as users reach them: the real Temporal dev server and
 * case workflow, the projection into PostgreSQL, the API. The applicant and the unit's agent get
 * the same sealed receipt; staff of another commune do not; the decision exists once decided; its
 * QR code's page confirms it without login and without personal data; a one-byte change anywhere
 * in the file fails verification.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { pdfsig, pdfText, opensslVerifies } from '../../support/pdf-tools';
import { createTestCa, type TestCa } from '../../support/test-ca';
import { CALLERS, startHarness, TANGER, type CallerName, type Harness } from './api-harness';

const PUBLIC_URL = 'https://masar.example.ma';
let h: Harness;
let ca: TestCa;
beforeAll(async () => {
  ca = createTestCa();
  h = await startHarness({ worker: true, taskQueue: `documents-${Date.now()}`, sealed: { seal: ca.seal, publicUrl: PUBLIC_URL } });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function post(who: CallerName, url: string, body: unknown) {
  return request(h.app).post(url).set('Authorization', `Bearer ${await h.token(who)}`).send(body as object);
}

/** A PDF response kept as bytes (supertest would otherwise try to parse it). */
async function getPdf(who: CallerName, url: string) {
  return request(h.app)
    .get(url)
    .set('Authorization', `Bearer ${await h.token(who)}`)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

async function projected(caseId: string, atLeast: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await request(h.app).get(`/api/v1/cases/${caseId}`).set('Authorization', `Bearer ${await h.token('applicant')}`);
    if (res.status === 200 && res.body.sequence >= atLeast) return;
    if (Date.now() > deadline) throw new Error(`case ${caseId} not projected: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let caseId: string;
let reference: string;
let receipt: Buffer;
let decision: Buffer;
let code: string;

describe('the receipt', () => {
  it('should be the same sealed PDF for the applicant and for the agent printing it at the counter', async () => {
    const filed = await post('applicant', '/api/v1/cases', { procedure: 'acces-information', unit: TANGER, data: { subject: 'Budget communal 2025', format: 'electronic' } });
    expect(filed.status).toBe(201);
    caseId = filed.body.caseId;
    reference = filed.body.reference;
    await projected(caseId, filed.body.sequence);

    const mine = await getPdf('applicant', `/api/v1/cases/${caseId}/receipt.pdf`);
    expect(mine.status).toBe(200);
    expect(mine.headers['content-type']).toBe('application/pdf');
    expect(mine.headers['content-disposition']).toBe(`inline; filename="receipt-${reference}.pdf"`);
    expect(mine.headers['x-content-type-options']).toBe('nosniff');
    receipt = mine.body as Buffer;
    const counter = await getPdf('agent', `/api/v1/cases/${caseId}/receipt.pdf`);
    expect(counter.status).toBe(200);
    expect(sha256(counter.body as Buffer)).toBe(sha256(receipt));

    const text = pdfText(receipt);
    expect(text).toContain(reference);
    expect(text).toContain('Récépissé de dépôt');
    expect(text).toContain('وصل الإيداع');
    expect(pdfsig(receipt).out).toContain('Signature is Valid.');
  });

  it.each([
    ['an agent of another commune', 'agentAssilah', 403],
    ['a supervisor of another province', 'supervisorOtherProvince', 403],
    ['another applicant', 'otherApplicant', 404],
    ['an administrator', 'admin', 403],
  ] as [string, CallerName, number][])('should be refused to %s', async (_who, caller, status) => {
    const res = await getPdf(caller, `/api/v1/cases/${caseId}/receipt.pdf`);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('should be refused without a token, and for a case that does not exist', async () => {
    expect((await request(h.app).get(`/api/v1/cases/${caseId}/receipt.pdf`)).status).toBe(401);
    expect((await getPdf('applicant', '/api/v1/cases/no-such-case/receipt.pdf')).status).toBe(404);
  });
});

describe('the decision', () => {
  it('should not exist before the case is decided', async () => {
    const res = await getPdf('applicant', `/api/v1/cases/${caseId}/decision.pdf`);
    expect(res.status).toBe(409);
    expect(JSON.parse((res.body as Buffer).toString('utf8'))).toMatchObject({ type: expect.stringContaining('not-decided') });
  });

  it('should state the outcome, its grounds and inputs, sealed, once the agent refuses', async () => {
    expect((await post('agent', `/api/v1/cases/${caseId}/actions`, { action: 'start_review' })).status).toBe(200);
    const refused = await post('agent', `/api/v1/cases/${caseId}/actions`, {
      action: 'refuse',
      input: { ground: 'archived', details: 'Le document est aux Archives du Maroc depuis 2019.' },
      comment: 'Refus motivé',
    });
    expect(refused.status).toBe(200);
    await projected(caseId, refused.body.sequence);

    const res = await getPdf('applicant', `/api/v1/cases/${caseId}/decision.pdf`);
    expect(res.status).toBe(200);
    decision = res.body as Buffer;
    code = String(res.headers['x-masar-verification-code']);
    const text = pdfText(decision);
    for (const s of ['Décision administrative', 'قرار إداري', 'Défavorable', 'Déposée aux Archives du Maroc', 'مودعة لدى أرشيف المغرب', 'Le document est aux Archives du Maroc depuis', 'Refus motivé', code]) {
      expect(text).toContain(s);
    }
    expect(text).toContain(`${PUBLIC_URL}/verify/${code}`);
    expect(pdfsig(decision).out).toContain('Signature is Valid.');
    expect(opensslVerifies(decision, ca.caCert).ok).toBe(true);
  });
});

describe('the public verification page', () => {
  it('should confirm the decision from its QR code link, without login and without personal data', async () => {
    const page = await request(h.app).get(`/verify/${code}`).set('Accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Document authentique');
    expect(page.text).toContain(reference);
    expect(page.text).toContain(TANGER);
    const json = await request(h.app).get(`/verify/${code.toLowerCase()}`).set('Accept', 'application/json');
    expect(json.body).toEqual({ code, kind: 'decision', reference, unit: { code: TANGER, name: { fr: 'Tanger', ar: 'Tanger' } }, issuedAt: expect.any(String), sha256: sha256(decision) });
    // Nothing of the applicant: name, id, e-mail, request.
    for (const personal of [CALLERS.applicant.name, CALLERS.applicant.sub, CALLERS.applicant.email, 'Budget communal']) {
      expect(page.text).not.toContain(personal);
      expect(JSON.stringify(json.body)).not.toContain(personal);
    }
  });

  it('should confirm the issued bytes and refuse a copy with any one byte changed', async () => {
    const ok = await request(h.app).post('/verify').set('Content-Type', 'application/pdf').set('Accept', 'application/json').send(decision);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ code, matches: true });
    expect((await request(h.app).get(`/verify/${code}?sha256=${sha256(decision)}`).set('Accept', 'application/json')).body.matches).toBe(true);

    // A byte in the header, one in the signature's zero padding (which no seal covers), one in the
    // page content, the last byte: each must fail, whatever a signature checker says.
    const contents = decision.indexOf('/Contents <') + 11;
    for (const at of [11, contents + 12_000, Math.floor(decision.length * 0.75), decision.length - 1]) {
      const altered = Buffer.from(decision);
      altered[at] = (altered[at] ?? 0) ^ 0x01;
      const byHash = await request(h.app).post('/verify').set('Content-Type', 'application/pdf').set('Accept', 'application/json').send(altered);
      expect(byHash.status).toBe(404);
      const byCode = await request(h.app).post(`/verify/${code}`).set('Content-Type', 'application/pdf').set('Accept', 'application/json').send(altered);
      expect(byCode.status).toBe(200);
      expect(byCode.body.matches).toBe(false);
      const page = await request(h.app).get(`/verify/${code}?sha256=${sha256(altered)}`).set('Accept', 'text/html');
      expect(page.text).toContain('ne correspond PAS');
    }
  });

  it.each([
    ['a code of the wrong shape', '/verify/not-a-code', 400],
    ['a code never issued', '/verify/0000-0000-0000', 404],
    ['a hash that is not hexadecimal', `/verify/${'7KQ2-M9XD-4T1B'}?sha256=xyz`, 400],
    ['an unknown query parameter', '/verify/7KQ2-M9XD-4T1B?name=x', 400],
  ])('should answer %s with a problem', async (_what, url, status) => {
    const res = await request(h.app).get(url);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('should refuse a body that is not a PDF, and an empty one', async () => {
    const json = await request(h.app).post('/verify').send({ pdf: 'x' });
    expect(json.status).toBe(415);
    const empty = await request(h.app).post('/verify').set('Content-Type', 'application/pdf').send(Buffer.alloc(0));
    expect([415, 422]).toContain(empty.status);
  });
});
