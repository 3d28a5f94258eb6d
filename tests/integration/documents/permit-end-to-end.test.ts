/**
 * Issue 14's proof, end to end, as people would live it, once with the filesystem store and once
 * with the S3 store on a real S3-compatible server (moto): an applicant uploads two PDFs through
 * the API and files a permit; the agent of the commune downloads both, byte for byte; the receipt
 * names them by their file names; the agent approves; the decision is a sealed bilingual PDF that
 * pdfsig validates against the test's CA (signature AND certificate), kept in the document store;
 * its QR code, read from the rendered page, leads to the public page that confirms it without
 * personal data; one byte changed fails both pdfsig and the hash check; an agent of another
 * commune gets neither the documents nor the decision. Real Temporal dev server, real worker,
 * real PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import request from 'supertest';
import { findIssued } from '../../../db/issued-documents';
import { createFsDocumentStore } from '../../../documents/fs-store';
import { createS3DocumentStore } from '../../../documents/s3-store';
import type { DocumentStore } from '../../../documents/store';
import { nssTrusting, pdfsig, pdfText, readQrCode } from '../../support/pdf-tools';
import { startS3TestServer } from '../../support/s3';
import { createTestCa, type TestCa } from '../../support/test-ca';
import { CALLERS, startHarness, TANGER, type CallerName, type Harness } from '../api/api-harness';

/** Modelled on a building permit: two PDF fields, a two-month clock whose silence means approval, a fee on approval. */
const PERMIT = `
id: permis-bout-en-bout
version: 1
title: { fr: Permis de construire (essai), ar: رخصة البناء (تجربة) }
legalBasis:
  - law: Loi 12-90 relative à l'urbanisme
input:
  project:
    type: text
    label: { fr: Description du projet, ar: وصف المشروع }
    required: true
  plans:
    type: file
    label: { fr: Plans architecturaux, ar: التصاميم المعمارية }
    required: true
    accept: [application/pdf]
  title_deed:
    type: file
    label: { fr: Certificat de propriété, ar: شهادة الملكية }
    required: true
    accept: [application/pdf]
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: agent }
    actions:
      approve:
        label: { fr: Délivrer le permis, ar: تسليم الرخصة }
        by: [agent]
        to: approved
        input:
          fee:
            type: number
            label: { fr: Taxe sur les constructions (MAD), ar: الرسم على عمليات البناء (درهم) }
            required: true
            min: 0
          conditions:
            type: text
            label: { fr: Conditions, ar: الشروط }
  approved:
    kind: final
    label: { fr: Permis délivré, ar: تم تسليم الرخصة }
    outcome: approved
  tacit_approval:
    kind: final
    label: { fr: Accord tacite, ar: موافقة ضمنية }
    outcome: tacitly_approved
clocks:
  decision:
    label: { fr: Délai d'instruction, ar: أجل الدراسة }
    basis: Loi 12-90 (silence de 2 mois vaut accord)
    duration: P2M
    runsIn: [review]
    onExpiry: { decide: tacit_approval }
`;

const PUBLIC_URL = 'https://masar.example.ma';
const PROJECT = 'Maison R+1 au lotissement Al Amal';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A real one-page PDF, as a scanner or an architect's software would hand over. */
function makePdf(text: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(14).text(text);
  doc.end();
  return done;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface StoreUnderTest {
  store: DocumentStore;
  stop(): Promise<void>;
}

describe.each([
  ['filesystem', async (): Promise<StoreUnderTest> => ({ store: createFsDocumentStore(mkdtempSync(path.join(tmpdir(), 'masar-e2e-'))), stop: async () => undefined })],
  [
    'S3-compatible',
    async (): Promise<StoreUnderTest> => {
      const s3 = await startS3TestServer();
      return { store: createS3DocumentStore({ url: s3.url, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, region: s3.region }), stop: () => s3.stop() };
    },
  ],
])('a permit from upload to verified decision (%s store)', (storeName, makeStore) => {
  let h: Harness;
  let ca: TestCa;
  let trusting: string;
  let under: StoreUnderTest;

  beforeAll(async () => {
    ca = createTestCa();
    trusting = nssTrusting(ca.caCert);
    under = await makeStore();
    h = await startHarness({
      worker: true,
      taskQueue: `permit-e2e-${storeName}-${Date.now()}`,
      procedures: [PERMIT],
      documents: { store: under.store, maxBytes: 256 * 1024 },
      sealed: { seal: ca.seal, publicUrl: PUBLIC_URL },
    });
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await under?.stop();
  });

  const auth = async (who: CallerName) => `Bearer ${await h.token(who)}`;
  /** A response kept as bytes, whatever its type (supertest would parse JSON and text). */
  const getBytes = async (who: CallerName | undefined, url: string) => {
    const req = request(h.app).get(url);
    if (who) req.set('Authorization', await auth(who));
    return req.buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  };
  const projected = async (caseId: string, atLeast: number) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await request(h.app).get(`/api/v1/cases/${caseId}`).set('Authorization', await auth('agent'));
      if (res.status === 200 && res.body.sequence >= atLeast) return res.body as { sequence: number; state: string; outcome?: string };
      if (Date.now() > deadline) throw new Error(`case ${caseId} not projected to ${atLeast}: ${res.status} ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  // Shared by the steps below, in order: each step is what a person would do next.
  const uploads: { field: string; name: string; bytes: Buffer; id?: string; fileName?: string }[] = [
    { field: 'input.plans', name: 'plans rez-de-chaussée et étage.pdf', bytes: Buffer.alloc(0) },
    { field: 'input.title_deed', name: 'certificat de propriété 1234-T.pdf', bytes: Buffer.alloc(0) },
  ];
  let caseId: string;
  let reference: string;
  let decision: Buffer;
  let code: string;

  it('should file a permit with two PDFs uploaded through the API', async () => {
    for (const u of uploads) {
      u.bytes = await makePdf(`${u.name} — ${storeName}`);
      const res = await request(h.app)
        .post(`/api/v1/documents?procedure=permis-bout-en-bout&field=${u.field}`)
        .set('Authorization', await auth('applicant'))
        .attach('file', u.bytes, { filename: u.name, contentType: 'application/pdf' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ sha256: sha256(u.bytes), size: u.bytes.length, mediaType: 'application/pdf', fileName: u.name });
      u.id = res.body.id;
      u.fileName = res.body.fileName;
    }
    const filed = await request(h.app)
      .post('/api/v1/cases')
      .set('Authorization', await auth('applicant'))
      .send({ procedure: 'permis-bout-en-bout', unit: TANGER, data: { project: PROJECT, plans: uploads[0]!.id, title_deed: uploads[1]!.id } });
    expect(filed.status).toBe(201);
    caseId = filed.body.caseId;
    reference = filed.body.reference;
    await projected(caseId, filed.body.sequence);
  });

  it('should let the agent of the commune download both, byte for byte, as attachments never sniffed', async () => {
    for (const u of uploads) {
      const res = await getBytes('agent', `/api/v1/documents/${u.id}`);
      expect(res.status).toBe(200);
      expect(sha256(res.body as Buffer)).toBe(sha256(u.bytes));
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      const disposition = String(res.headers['content-disposition']);
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''/);
      expect(decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(disposition)?.[1] ?? '')).toBe(u.name);
    }
    // Each read of a document by staff is in the access log, with its route; the applicant's own reads are not.
    const log = await request(h.app).get(`/api/v1/access-log?case=${caseId}`).set('Authorization', await auth('admin'));
    expect(log.status).toBe(200);
    const documentReads = (log.body.items as { what: string; route: string; actor: { id: string } }[]).filter((e) => e.what === 'documents');
    expect(documentReads).toHaveLength(uploads.length);
    for (const read of documentReads) expect(read).toMatchObject({ route: 'GET /api/v1/documents/:id' });
  });

  it('should state the documents received on the receipt by their file names, not their ids', async () => {
    const res = await getBytes('applicant', `/api/v1/cases/${caseId}/receipt.pdf`);
    expect(res.status).toBe(200);
    const text = pdfText(res.body as Buffer).replace(/\s+/g, ' ');
    for (const u of uploads) {
      expect(text).toContain(u.fileName);
      expect(text).not.toContain(u.id);
    }
    expect(text).toContain('Plans architecturaux');
    expect(text).toContain('التصاميم المعمارية');
  });

  it('should refuse the documents and the receipt to an agent of another commune', async () => {
    for (const u of uploads) {
      const res = await getBytes('agentAssilah', `/api/v1/documents/${u.id}`);
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((res.body as Buffer).toString('latin1')).not.toContain('%PDF');
    }
    expect((await request(h.app).get(`/api/v1/cases/${caseId}/documents`).set('Authorization', await auth('agentAssilah'))).status).toBe(403);
    expect((await getBytes('agentAssilah', `/api/v1/cases/${caseId}/receipt.pdf`)).status).toBe(403);
  });

  it('should issue the decision as a sealed bilingual PDF that pdfsig validates against the test CA, kept in the store', async () => {
    const approved = await request(h.app)
      .post(`/api/v1/cases/${caseId}/actions`)
      .set('Authorization', await auth('agent'))
      .send({ action: 'approve', input: { fee: 1250, conditions: 'Respect du recul de 4 m sur la voie publique' } });
    expect(approved.status).toBe(200);
    expect((await projected(caseId, approved.body.sequence)).outcome).toBe('approved');

    const res = await getBytes('applicant', `/api/v1/cases/${caseId}/decision.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    decision = res.body as Buffer;
    code = String(res.headers['x-masar-verification-code']);

    const text = pdfText(decision);
    for (const s of ['Décision administrative', 'قرار إداري', reference, 'Permis délivré', 'تم تسليم الرخصة', '1250', 'Respect du recul de 4 m', code]) expect(text).toContain(s);

    const checked = pdfsig(decision, trusting);
    expect(checked.out).toContain('Signature Validation: Signature is Valid.');
    expect(checked.out).toContain('Certificate Validation: Certificate is Trusted.');
    expect(checked.out).toContain('Total document signed');
    // The same check trusting an unrelated CA does not vouch for the seal: the check can fail.
    expect(pdfsig(decision, nssTrusting(ca.otherCaCert)).out).not.toContain('Certificate is Trusted.');

    // The bytes are in this test's document store, not in PostgreSQL.
    const issued = await findIssued(h.t.db, caseId, 'decision');
    expect(issued?.code).toBe(code);
    expect(sha256(await readAll(await under.store.get(issued!.storeKey!)))).toBe(sha256(decision));
    expect((await h.t.db.query('SELECT code FROM issued_document_files')).rowCount).toBe(0);
    // The agent gets the very same document.
    expect(sha256((await getBytes('agent', `/api/v1/cases/${caseId}/decision.pdf`)).body as Buffer)).toBe(sha256(decision));
  });

  it('should lead from its QR code to the public page that confirms it, without personal data', async () => {
    const url = readQrCode(decision);
    expect(url).toBe(`${PUBLIC_URL}/verify/${code}`);
    const page = await request(h.app).get(new URL(url!).pathname).set('Accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Document authentique');
    expect(page.text).toContain(reference);
    expect(page.text).toContain(TANGER);
    const json = await request(h.app).get(`${new URL(url!).pathname}?sha256=${sha256(decision)}`).set('Accept', 'application/json');
    expect(json.body).toMatchObject({ code, kind: 'decision', reference, sha256: sha256(decision), matches: true });
    for (const personal of [CALLERS.applicant.name, CALLERS.applicant.sub, CALLERS.applicant.email, PROJECT, ...uploads.map((u) => u.fileName!)]) {
      expect(page.text).not.toContain(personal);
      expect(JSON.stringify(json.body)).not.toContain(personal);
    }
  });

  it('should fail verification, by pdfsig and by the hash check, for a copy with one byte changed', async () => {
    // A byte of the first content stream after the signature: inside the signed range, the file still parses.
    const afterSeal = /\/ByteRange\s*\[\s*\d+\s+\d+\s+(\d+)/.exec(decision.toString('latin1'));
    const stream = decision.indexOf('stream', Number(afterSeal?.[1]));
    expect(stream).toBeGreaterThan(0);
    const altered = Buffer.from(decision);
    altered[stream + 20] = (altered[stream + 20] ?? 0) ^ 0x01;

    expect(pdfsig(altered, trusting).out).not.toContain('Signature is Valid.');
    const byHash = await request(h.app).post('/verify').set('Content-Type', 'application/pdf').set('Accept', 'application/json').send(altered);
    expect(byHash.status).toBe(404);
    const byCode = await request(h.app).post(`/verify/${code}`).set('Content-Type', 'application/pdf').set('Accept', 'application/json').send(altered);
    expect(byCode.body).toMatchObject({ code, matches: false });
    const page = await request(h.app).get(`/verify/${code}?sha256=${sha256(altered)}`).set('Accept', 'text/html');
    expect(page.text).toContain('ne correspond PAS');
    // The untouched file still verifies.
    expect((await request(h.app).post('/verify').set('Content-Type', 'application/pdf').set('Accept', 'application/json').send(decision)).body).toMatchObject({ code, matches: true });
  });

  it('should refuse the decision to an agent of another commune', async () => {
    const res = await getBytes('agentAssilah', `/api/v1/cases/${caseId}/decision.pdf`);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((res.body as Buffer).toString('latin1')).not.toContain('%PDF');
  });
});
