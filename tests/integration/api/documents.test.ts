/**
 * Documents over HTTP as users meet them: an applicant uploads two PDFs for a permit-like
 * procedure and files, the agent of the commune lists and downloads them, users of another commune
 * are refused; with the filesystem store and with the S3 store on a real S3-compatible server.
 * Then hostile input: file names, a PNG declared as PDF, uploads past the limit, documents reused
 * or someone else's, and the purge of uploads never attached.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createFsDocumentStore } from '../../../documents/fs-store';
import { createS3DocumentStore } from '../../../documents/s3-store';
import type { DocumentStore } from '../../../documents/store';
import { purgeUnattachedDocuments } from '../../../usecases/documents';
import { startS3TestServer, type S3TestServer } from '../../support/s3';
import { startHarness, TANGER, type CallerName, type Harness } from './api-harness';

const PERMIT = `
id: permis-essai
version: 1
title: { fr: Permis (essai), ar: رخصة (تجربة) }
legalBasis:
  - law: Loi 12-90
input:
  project:
    type: text
    label: { fr: Projet, ar: مشروع }
    required: true
  plans:
    type: file
    label: { fr: Plans, ar: تصاميم }
    required: true
    accept: [application/pdf]
    maxSize: 4 KB
  title_deed:
    type: file
    label: { fr: Titre foncier, ar: رسم عقاري }
    required: true
    accept: [application/pdf]
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: agent }
    actions:
      request_documents:
        label: { fr: Demander des pièces, ar: طلب وثائق }
        by: [agent]
        to: awaiting
      approve:
        label: { fr: Approuver, ar: موافقة }
        by: [agent]
        to: approved
  awaiting:
    kind: waiting
    label: { fr: En attente, ar: في الانتظار }
    actions:
      submit_documents:
        label: { fr: Déposer, ar: إيداع }
        by: [applicant]
        to: review
        input:
          documents:
            type: list
            label: { fr: Pièces, ar: وثائق }
            required: true
            minItems: 1
            of:
              type: file
              label: { fr: Pièce, ar: وثيقة }
              accept: [application/pdf, image/*]
  approved:
    kind: final
    label: { fr: Approuvé, ar: مقبول }
    outcome: approved
`;

/** Global limit for fields without maxSize. */
const MAX_BYTES = 64 * 1024;

const pdf = (text: string, padTo = 0): Buffer => {
  const body = Buffer.from(`%PDF-1.7\n% ${text}\n`);
  return padTo > body.length ? Buffer.concat([body, Buffer.alloc(padTo - body.length, 0x20)]) : body;
};
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const SUBMIT_FIELD = 'states.awaiting.actions.submit_documents.input.documents';

function harnessFor(h: () => Harness) {
  const auth = async (who: CallerName) => `Bearer ${await h().token(who)}`;
  return {
    async upload(who: CallerName, field: string, bytes: Buffer, filename = 'plan.pdf', contentType = 'application/pdf') {
      return request(h().app)
        .post(`/api/v1/documents?procedure=permis-essai&field=${field}`)
        .set('Authorization', await auth(who))
        .attach('file', bytes, { filename, contentType });
    },
    /** A multipart body by hand: the file name travels as RFC 5987 `filename*`, so any character can. */
    async uploadNamed(who: CallerName, name: string, bytes: Buffer) {
      const boundary = 'masar-boundary-7d1f';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=utf-8''${encodeURIComponent(name)}\r\nContent-Type: application/pdf\r\n\r\n`;
      const body = Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
      return request(h().app)
        .post('/api/v1/documents?procedure=permis-essai&field=input.plans')
        .set('Authorization', await auth(who))
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(body);
    },
    async post(who: CallerName, url: string, body: object) {
      return request(h().app).post(url).set('Authorization', await auth(who)).send(body);
    },
    async get(who: CallerName, url: string) {
      return request(h().app)
        .get(url)
        .set('Authorization', await auth(who))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
    },
    async json(who: CallerName, url: string) {
      return request(h().app).get(url).set('Authorization', await auth(who));
    },
  };
}

/** Waits until the read model shows the case's journal with `kind` (the projection is async). */
async function journalEntry(api: ReturnType<typeof harnessFor>, caseId: string, kind: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await api.json('applicant', `/api/v1/cases/${caseId}/journal`);
    const entry = res.status === 200 ? (res.body.items as { kind: string; data?: Record<string, unknown> }[]).find((e) => e.kind === kind) : undefined;
    if (entry) return entry;
    if (Date.now() > deadline) throw new Error(`no journal entry ${kind} for ${caseId}: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function fileBody(plans: string, titleDeed: string) {
  return { procedure: 'permis-essai', unit: TANGER, data: { project: 'Maison R+1', plans, title_deed: titleDeed } };
}

describe.each([
  ['filesystem', async () => ({ store: createFsDocumentStore(mkdtempSync(path.join(tmpdir(), 'masar-docs-api-'))), stop: async () => undefined })],
  [
    'S3-compatible',
    async () => {
      const s3: S3TestServer = await startS3TestServer();
      return { store: createS3DocumentStore({ url: s3.url, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }), stop: () => s3.stop() };
    },
  ],
])('a permit filed with two PDFs (%s store)', (_name, makeStore) => {
  let h: Harness;
  let stop: () => Promise<void>;
  const api = harnessFor(() => h);
  beforeAll(async () => {
    const made = await makeStore();
    stop = made.stop;
    h = await startHarness({ worker: true, taskQueue: `documents-${_name}-${Date.now()}`, procedures: [PERMIT], documents: { store: made.store, maxBytes: MAX_BYTES } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await stop?.();
  });

  it('should let the agent of the commune download them, and refuse users of another commune', async () => {
    const plans = pdf('plans', 3000);
    const deed = pdf('titre foncier');
    const up1 = await api.upload('applicant', 'input.plans', plans, 'plans.pdf');
    const up2 = await api.upload('applicant', 'input.title_deed', deed, 'titre foncier.pdf');
    expect(up1.status).toBe(201);
    expect(up1.body).toMatchObject({ sha256: sha256(plans), size: plans.length, mediaType: 'application/pdf', fileName: 'plans.pdf', field: 'input.plans' });
    expect(up2.status).toBe(201);
    expect(up1.headers.location).toBe(`/api/v1/documents/${up1.body.id}`);

    const filed = await api.post('applicant', '/api/v1/cases', fileBody(up1.body.id, up2.body.id));
    expect(filed.status).toBe(201);
    const caseId: string = filed.body.caseId;

    const listed = await api.json('agent', `/api/v1/cases/${caseId}/documents`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: up1.body.id, sha256: sha256(plans), attachedAs: 'data.plans', fileName: 'plans.pdf' }),
      expect.objectContaining({ id: up2.body.id, sha256: sha256(deed), attachedAs: 'data.title_deed', fileName: 'titre foncier.pdf' }),
    ]);

    for (const [id, bytes, name] of [[up1.body.id, plans, 'plans.pdf'], [up2.body.id, deed, 'titre%20foncier.pdf']] as const) {
      const res = await api.get('agent', `/api/v1/documents/${id}`);
      expect(res.status).toBe(200);
      expect(sha256(res.body as Buffer)).toBe(sha256(bytes));
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${name}`);
      expect(res.headers['content-disposition']).toMatch(/^attachment; /);
    }
    expect((await api.get('applicant', `/api/v1/documents/${up1.body.id}`)).status).toBe(200);
    // Another commune's agent: the case is outside their scope. Another applicant: nothing there.
    expect((await api.get('agentAssilah', `/api/v1/documents/${up1.body.id}`)).status).toBe(403);
    expect((await api.json('agentAssilah', `/api/v1/cases/${caseId}/documents`)).status).toBe(403);
    expect((await api.get('otherApplicant', `/api/v1/documents/${up1.body.id}`)).status).toBe(404);
    expect((await api.json('otherApplicant', `/api/v1/cases/${caseId}/documents`)).status).toBe(404);
    expect((await api.get('admin', `/api/v1/documents/${up2.body.id}`)).status).toBe(404);

    // The filing's journal entry records which bytes were filed.
    const entry = await journalEntry(api, caseId, 'filed');
    expect(entry.data?.documents).toEqual([
      { id: up1.body.id, path: 'plans', sha256: sha256(plans), size: plans.length, mediaType: 'application/pdf' },
      { id: up2.body.id, path: 'title_deed', sha256: sha256(deed), size: deed.length, mediaType: 'application/pdf' },
    ]);
  });
});

describe('documents: hostile input and rules', () => {
  let h: Harness;
  let store: DocumentStore;
  const root = mkdtempSync(path.join(tmpdir(), 'masar-docs-api-'));
  const api = harnessFor(() => h);
  beforeAll(async () => {
    store = createFsDocumentStore(root);
    h = await startHarness({ worker: true, taskQueue: `documents-rules-${Date.now()}`, procedures: [PERMIT], documents: { store, maxBytes: MAX_BYTES } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await rm(root, { recursive: true, force: true });
  });

  const documentRows = async () => Number((await h.t.db.query<{ n: string }>('SELECT count(*) AS n FROM documents')).rows[0]?.n);

  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\system32\\plan.pdf', 'plan.pdf'],
    ['plan\u0000.pdf', 'plan.pdf'],
    ['facture\u202Efdp.exe', 'facturefdp.exe'],
    ['line\r\nX-Injected: 1.pdf', 'line X-Injected_ 1.pdf'],
    ['..', 'document.pdf'],
    [' \t ', 'document.pdf'],
    ['"quoted"; filename=evil.pdf', '_quoted_; filename=evil.pdf'],
    ['تصميم البناء.pdf', 'تصميم البناء.pdf'],
    [`${'a'.repeat(300)}.pdf`, `${'a'.repeat(146)}.pdf`],
  ])('should keep the hostile file name %j as %j and send it back safely', async (given, kept) => {
    const up = await api.uploadNamed('applicant', given, pdf('x'));
    expect(up.status).toBe(201);
    expect(up.body.fileName).toBe(kept);
    const res = await api.get('applicant', `/api/v1/documents/${up.body.id}`);
    expect(res.status).toBe(200);
    const disposition = String(res.headers['content-disposition']);
    // eslint-disable-next-line no-control-regex -- control characters are what must not be there
    expect(disposition).not.toMatch(/[\u0000-\u001f\u007f\u202a-\u202e]/);
    // The exact name comes back through filename*, the ASCII fallback is printable and quoted.
    const star = /filename\*=UTF-8''(.*)$/.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(star)).toBe(kept);
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=/);
  });

  it('should refuse a PNG declared as a PDF, by its bytes, and keep nothing', async () => {
    const before = await documentRows();
    const res = await api.upload('applicant', 'input.plans', PNG, 'plans.pdf', 'application/pdf');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toContain('image/png');
    expect(res.body.errors).toEqual([{ path: 'file', message: expect.stringContaining('image/png') }]);
    expect(await documentRows()).toBe(before);
  });

  it.each([
    ['input.plans', 4 * 1024 + 1, 4096],
    ['input.title_deed', MAX_BYTES + 1, MAX_BYTES],
  ])('should refuse an upload for %s of %d bytes with 413 and keep nothing', async (field, size, limit) => {
    const before = await documentRows();
    const res = await api.upload('applicant', field, pdf('big', size));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toContain(`${limit} bytes`);
    expect(await documentRows()).toBe(before);
    // At the limit exactly, the upload passes.
    expect((await api.upload('applicant', field, pdf('big', limit))).status).toBe(201);
  });

  it('should refuse a filing naming a document already attached, someone else\'s, unknown, or not an id, naming the field', async () => {
    const a = (await api.upload('applicant', 'input.plans', pdf('a'))).body.id as string;
    const b = (await api.upload('applicant', 'input.title_deed', pdf('b'))).body.id as string;
    expect((await api.post('applicant', '/api/v1/cases', fileBody(a, b))).status).toBe(201);

    const c = (await api.upload('applicant', 'input.title_deed', pdf('c'))).body.id as string;
    const reused = await api.post('applicant', '/api/v1/cases', fileBody(a, c));
    expect(reused.status).toBe(422);
    expect(reused.body.errors).toEqual([{ path: 'data.plans', message: expect.stringContaining('already attached to another case') }]);

    const foreign = (await api.upload('otherApplicant', 'input.plans', pdf('theirs'))).body.id as string;
    const theirs = await api.post('applicant', '/api/v1/cases', fileBody(foreign, c));
    expect(theirs.status).toBe(422);
    expect(theirs.body.errors).toEqual([{ path: 'data.plans', message: expect.stringContaining('no document') }]);

    const unknown = await api.post('applicant', '/api/v1/cases', fileBody('6f1c1a52-3d2e-4c4b-9a61-0c2f4d1e9b7a', c));
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe('data.plans');

    for (const notAnId of ['plans.pdf', '', '../etc/passwd', 'A6F1C1A5-3D2E-4C4B-9A61-0C2F4D1E9B7A']) {
      const res = await api.post('applicant', '/api/v1/cases', fileBody(notAnId, c));
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ path: 'data.plans', message: expect.stringContaining('document id') }]);
    }

    // The same document for both fields.
    const twice = await api.post('applicant', '/api/v1/cases', fileBody(c, c));
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([{ path: 'data.title_deed', message: expect.stringContaining('named twice') }]);

    // An image uploaded for the list of pieces (which takes images) named where only PDFs go.
    const image = (await api.upload('applicant', SUBMIT_FIELD, PNG, 'photo.png', 'image/png')).body.id as string;
    const wrongType = await api.post('applicant', '/api/v1/cases', fileBody(image, c));
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.errors).toEqual([{ path: 'data.plans', message: expect.stringContaining('image/png') }]);

    // None of the refused filings took the documents: c still files.
    const d = (await api.upload('applicant', 'input.plans', pdf('d'))).body.id as string;
    expect((await api.post('applicant', '/api/v1/cases', fileBody(d, c))).status).toBe(201);
  });

  it('should attach documents named by an action and journal their hashes', async () => {
    const a = (await api.upload('applicant', 'input.plans', pdf('a2'))).body.id as string;
    const b = (await api.upload('applicant', 'input.title_deed', pdf('b2'))).body.id as string;
    const caseId = (await api.post('applicant', '/api/v1/cases', fileBody(a, b))).body.caseId as string;
    expect((await api.post('agent', `/api/v1/cases/${caseId}/actions`, { action: 'request_documents' })).status).toBe(200);

    const piece = pdf('piece complementaire');
    const p1 = (await api.upload('applicant', SUBMIT_FIELD, piece, 'piece.pdf')).body.id as string;
    const p2 = (await api.upload('applicant', SUBMIT_FIELD, PNG, 'photo.png', 'image/png')).body.id as string;
    const foreign = (await api.upload('otherApplicant', SUBMIT_FIELD, pdf('x'))).body.id as string;
    const refused = await api.post('applicant', `/api/v1/cases/${caseId}/actions`, { action: 'submit_documents', input: { documents: [p1, foreign] } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: 'input.documents.1', message: expect.stringContaining('no document') }]);

    const acted = await api.post('applicant', `/api/v1/cases/${caseId}/actions`, { action: 'submit_documents', input: { documents: [p1, p2] } });
    expect(acted.status).toBe(200);
    const entry = await journalEntry(api, caseId, 'submit_documents');
    expect(entry.data?.documents).toEqual([
      { id: p1, path: 'documents.0', sha256: sha256(piece), size: piece.length, mediaType: 'application/pdf' },
      { id: p2, path: 'documents.1', sha256: sha256(PNG), size: PNG.length, mediaType: 'image/png' },
    ]);
    const listed = await api.json('agent', `/api/v1/cases/${caseId}/documents`);
    expect((listed.body.items as { attachedAs: string }[]).map((d) => d.attachedAs)).toEqual([
      'data.plans',
      'data.title_deed',
      'submit_documents:input.documents.0',
      'submit_documents:input.documents.1',
    ]);
  });

  it('should show an unattached upload to its uploader only', async () => {
    const id = (await api.upload('applicant', 'input.plans', pdf('mine'))).body.id as string;
    expect((await api.get('applicant', `/api/v1/documents/${id}`)).status).toBe(200);
    for (const who of ['otherApplicant', 'agent', 'supervisorProvince', 'admin'] as const) {
      expect((await api.get(who, `/api/v1/documents/${id}`)).status).toBe(404);
    }
    for (const bad of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', '..%2F..%2Fetc%2Fpasswd']) {
      const res = await api.json('applicant', `/api/v1/documents/${bad}`);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('should answer bad upload requests with a problem naming what to fix', async () => {
    const noFile = await request(h.app)
      .post('/api/v1/documents?procedure=permis-essai&field=input.plans')
      .set('Authorization', `Bearer ${await h.token('applicant')}`)
      .field('other', 'x');
    expect(noFile.status).toBe(422);
    const fileAsField = await request(h.app)
      .post('/api/v1/documents?procedure=permis-essai&field=input.plans')
      .set('Authorization', `Bearer ${await h.token('applicant')}`)
      .field('file', '%PDF-1.7');
    expect(fileAsField.status).toBe(422);
    expect(fileAsField.body.errors).toEqual([{ path: 'file', message: expect.stringContaining('filename') }]);
    const twoFiles = await request(h.app)
      .post('/api/v1/documents?procedure=permis-essai&field=input.plans')
      .set('Authorization', `Bearer ${await h.token('applicant')}`)
      .attach('file', pdf('one'), 'one.pdf')
      .attach('file', pdf('two'), 'two.pdf');
    expect(twoFiles.status).toBe(422);
    const before = Number((await h.t.db.query<{ n: string }>('SELECT count(*) AS n FROM documents')).rows[0]?.n);
    const garbage = await request(h.app)
      .post('/api/v1/documents?procedure=permis-essai&field=input.plans')
      .set('Authorization', `Bearer ${await h.token('applicant')}`)
      .set('Content-Type', 'multipart/form-data; boundary=zzz')
      .send('this is not multipart at all');
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(garbage.status).toBeLessThan(500);
    const noBoundary = await request(h.app)
      .post('/api/v1/documents?procedure=permis-essai&field=input.plans')
      .set('Authorization', `Bearer ${await h.token('applicant')}`)
      .set('Content-Type', 'multipart/form-data')
      .send('x');
    expect(noBoundary.status).toBe(400);
    expect(Number((await h.t.db.query<{ n: string }>('SELECT count(*) AS n FROM documents')).rows[0]?.n)).toBe(before);
    const json = await api.post('applicant', '/api/v1/documents?procedure=permis-essai&field=input.plans', { file: 'x' });
    expect(json.status).toBe(415);
    const unknownField = await api.upload('applicant', 'input.project', pdf('x'));
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.errors).toEqual([{ path: 'field', message: expect.stringContaining(`input.plans, input.title_deed, ${SUBMIT_FIELD}`) }]);
    const badField = await api.upload('applicant', '__proto__', pdf('x'));
    expect(badField.status).toBe(400);
    const unknownProcedure = await request(h.app)
      .post('/api/v1/documents?procedure=nope&field=input.plans')
      .set('Authorization', `Bearer ${await h.token('applicant')}`)
      .attach('file', pdf('x'), 'x.pdf');
    expect(unknownProcedure.status).toBe(422);
    expect((await api.upload('admin', 'input.plans', pdf('x'))).status).toBe(403);
    expect((await request(h.app).post('/api/v1/documents?procedure=permis-essai&field=input.plans').attach('file', pdf('x'), 'x.pdf')).status).toBe(401);
  });

  it('should purge uploads never attached within a day, and keep attached ones', async () => {
    const old = (await api.upload('applicant', 'input.plans', pdf('old'))).body.id as string;
    const fresh = (await api.upload('applicant', 'input.plans', pdf('fresh'))).body.id as string;
    const a = (await api.upload('applicant', 'input.plans', pdf('a3'))).body.id as string;
    const b = (await api.upload('applicant', 'input.title_deed', pdf('b3'))).body.id as string;
    expect((await api.post('applicant', '/api/v1/cases', fileBody(a, b))).status).toBe(201);
    await h.t.db.query(`UPDATE documents SET uploaded_at = now() - interval '25 hours' WHERE id = ANY($1::uuid[])`, [[old, a]]);

    const result = await purgeUnattachedDocuments({ db: h.t.db, documents: { store, maxBytes: MAX_BYTES }, now: () => new Date() });
    expect(result.failed).toEqual([]);
    expect(result.purged).toBeGreaterThanOrEqual(1);
    expect(await store.head(old)).toBeUndefined();
    expect((await api.get('applicant', `/api/v1/documents/${old}`)).status).toBe(404);
    for (const kept of [fresh, a]) expect(await store.head(kept)).toBeDefined();
    expect((await api.get('agent', `/api/v1/documents/${a}`)).status).toBe(200);
  });
});
