/**
 * Files in the console, as a browser without JavaScript sends them (multipart/form-data), on the
 * real stack (API process with the console, Temporal dev server, worker, PostgreSQL, a filesystem
 * document store, a seal): the applicant files with a PDF chosen in the form, the agent sees it in
 * the case's documents and downloads it, asks for documents, the applicant answers with files.
 * Hostile input is refused next to its field with nothing stored or attached: bytes that are not
 * the claimed type, a file past the field's limit, a file for a field that takes none, a form
 * without its CSRF token or with the token after the file. Downloads answer every caller exactly
 * as the API's do. The filing form carries the processing notice in both languages.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { publishProcedure } from '../../../db/procedures';
import { createFsDocumentStore } from '../../../documents/fs-store';
import { compileYaml } from '../../support/procedures';
import { consoleAgent, csrfOf, type ConsoleAgent } from '../../support/console';
import { createTestCa } from '../../support/test-ca';
import { CALLERS, startHarness, TANGER, type CallerName, type Harness } from '../api/api-harness';
import { eventually, permitYaml } from './agent-procedure';

const PROCEDURE = 'console-upload';
/** The console tests' procedure, its files limited: PDFs of at most 4 KB. */
const SOURCE = permitYaml({ id: PROCEDURE })
  .replace('plan: { type: file, label: { fr: Plan de situation, ar: تصميم الموقع } }', 'plan: { type: file, label: { fr: Plan de situation, ar: تصميم الموقع }, required: true, accept: [application/pdf], maxSize: 4 KB }')
  .replace('of: { type: file, label: { fr: Pièce, ar: وثيقة } }', 'of: { type: file, label: { fr: Pièce, ar: وثيقة }, accept: [application/pdf, image/png] }');
const NOTICE = { controller: 'Commune de Tanger', cndpNumber: 'A-GC-777/2026', contact: 'dpo@tanger.ma' };

const pdf = (text: string, padTo = 0): Buffer => {
  const body = Buffer.from(`%PDF-1.7\n% ${text}\n`);
  return padTo > body.length ? Buffer.concat([body, Buffer.alloc(padTo - body.length, 0x20)]) : body;
};
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let h: Harness;
let storeDir: string;
beforeAll(async () => {
  storeDir = mkdtempSync(path.join(tmpdir(), 'masar-console-docs-'));
  const ca = createTestCa();
  h = await startHarness({
    taskQueue: `console-uploads-${Date.now()}`,
    console: true,
    worker: true,
    documents: { store: createFsDocumentStore(storeDir), maxBytes: 64 * 1024 },
    sealed: { seal: ca.seal, publicUrl: 'https://masar.example.ma' },
    consoleOptions: { privacy: NOTICE },
  });
  await publishProcedure(h.t.db, compileYaml(SOURCE, `${PROCEDURE}.yaml`), SOURCE, 'system');
}, 120_000);
afterAll(async () => h?.close());

const FORM = `/file?procedure=${PROCEDURE}&unit=${encodeURIComponent(TANGER)}`;
const documentRows = async () => Number((await h.t.db.query<{ n: string }>('SELECT count(*) AS n FROM documents')).rows[0]?.n);
const storedFiles = () => readdirSync(storeDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
const casesOf = async (sub: string) => Number((await h.t.db.query<{ n: string }>('SELECT count(*) AS n FROM cases WHERE applicant_id = $1', [sub])).rows[0]?.n);

type Part = { name: string; value: string } | { name: string; file: Buffer; fileName: string; type?: string };

/** Posts `parts` in this order as multipart/form-data (a browser sends a form's fields in document order). */
function multipart(agent: ConsoleAgent, url: string, parts: Part[]) {
  let req = agent.post(url);
  for (const part of parts) {
    req = 'file' in part ? req.attach(part.name, part.file, { filename: part.fileName, contentType: part.type ?? 'application/pdf' }) : req.field(part.name, part.value);
  }
  return req;
}

/** The filing form's hidden fields, read from the page as a browser posts them (the token first). */
async function filingParts(agent: ConsoleAgent): Promise<Part[]> {
  const page = await agent.get(FORM).expect(200);
  const key = /name="key" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  return [
    { name: '_csrf', value: csrfOf(page.text) },
    { name: 'procedure', value: PROCEDURE },
    { name: 'unit', value: TANGER },
    { name: 'key', value: key },
  ];
}

const DATA: Part[] = [
  { name: 'data.subject', value: 'Extension de la maison familiale' },
  { name: 'data.area', value: '120' },
];

/** Files a case from the console with `plan` as the plan; returns the case id. */
async function fileWith(agent: ConsoleAgent, plan: Buffer, fileName = 'plan.pdf'): Promise<string> {
  const res = await multipart(agent, '/file', [...(await filingParts(agent)), ...DATA, { name: 'data.plan', file: plan, fileName }]);
  if (res.status !== 303) throw new Error(`filing refused: ${res.status} ${/invalid-feedback[^<]*<\/div>/.exec(res.text)?.[0] ?? res.text.slice(0, 300)}`);
  return (res.headers.location as string).split('/')[2] as string;
}

/** The `_idem` key of the action form of `action` on the case page. */
async function actionParts(agent: ConsoleAgent, caseId: string, action: string): Promise<Part[]> {
  const page = await agent.get(`/cases/${caseId}`).expect(200);
  const key = new RegExp(`action="/cases/${caseId}/actions/${action}"[\\s\\S]*?name="_idem" value="([^"]+)"`).exec(page.text)?.[1];
  if (!key) throw new Error(`no ${action} form on the case page`);
  return [
    { name: '_csrf', value: csrfOf(page.text) },
    { name: '_idem', value: key },
  ];
}

describe('filing with a file chosen in the form', () => {
  let caseId: string;
  const plan = pdf('plan de situation', 3000);

  it('should render the file input in a multipart form, the token first, with what it takes', async () => {
    const agent = await consoleAgent(h.app, 'applicant');
    const page = await agent.get(FORM).expect(200);
    const form = /<form method="post" action="\/file"[^>]*>[\s\S]*?<\/form>/.exec(page.text)?.[0] ?? '';
    expect(form).toContain('enctype="multipart/form-data"');
    expect(form).toMatch(/^<form[^>]*>\s*<input type="hidden" name="_csrf"/);
    expect(form).toMatch(/<input[^>]+type="file"[^>]+name="data.plan"[^>]+accept="application\/pdf"[^>]+required/);
    expect(form).toMatch(/Fichier accepté : application\/pdf, 4\sko au plus\./);
  });

  it('should file the case with the upload attached, and show it to the agent with a download of the same bytes', async () => {
    const applicant = await consoleAgent(h.app, 'applicant');
    caseId = await fileWith(applicant, plan);
    const agent = await consoleAgent(h.app, 'agent');
    const page = await eventually(() => agent.get(`/cases/${caseId}`), (r) => r.status === 200 && r.text.includes('masar-document'), 'the case page with its document');
    const row = /<tr class="masar-document">[\s\S]*?<\/tr>/.exec(page.text)?.[0] ?? '';
    for (const shown of ['plan.pdf', 'Plan de situation', 'application/pdf', 'Demandeur', sha256(plan).slice(0, 12)]) expect([shown, row.includes(shown)]).toEqual([shown, true]);
    const href = /href="(\/documents\/[^"]+)"/.exec(row)?.[1] ?? '';
    const download = await agent.get(href).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(download.status).toBe(200);
    expect(sha256(download.body as Buffer)).toBe(sha256(plan));
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="plan.pdf"; filename*=UTF-8''plan.pdf`);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    // The sealed receipt too, for the applicant and the agent who may read the case.
    expect(page.text).toContain(`href="/cases/${caseId}/receipt.pdf"`);
    const receipt = await agent.get(`/cases/${caseId}/receipt.pdf`).expect(200);
    expect(receipt.headers['content-type']).toBe('application/pdf');
    expect(receipt.headers['x-content-type-options']).toBe('nosniff');
    const receiptPage = await applicant.get(`/cases/${caseId}/receipt`).expect(200);
    expect(receiptPage.text).toContain(`href="/cases/${caseId}/receipt.pdf"`);
  });

  it.each<CallerName>(['agentAssilah', 'supervisorOtherProvince', 'otherApplicant', 'admin'])('should answer %s for a document and a receipt exactly as the API does', async (who) => {
    const id = (await h.t.db.query<{ id: string }>('SELECT id FROM documents WHERE case_id = $1', [caseId])).rows[0]?.id as string;
    const token = await h.token(who);
    const api = await request(h.app).get(`/api/v1/documents/${id}`).set('Authorization', `Bearer ${token}`);
    const apiReceipt = await request(h.app).get(`/api/v1/cases/${caseId}/receipt.pdf`).set('Authorization', `Bearer ${token}`);
    expect([403, 404]).toContain(api.status);
    const them = await consoleAgent(h.app, who);
    const res = await them.get(`/documents/${id}`);
    expect([who, res.status, res.type]).toEqual([who, api.status, 'text/html']);
    expect((await them.get(`/cases/${caseId}/receipt.pdf`)).status).toBe(apiReceipt.status);
  });

  it('should answer unknown, malformed or hostile document ids with 404, never a 5xx', async () => {
    const agent = await consoleAgent(h.app, 'agent');
    for (const id of ['00000000-0000-4000-8000-000000000000', 'x'.repeat(300), '..%2F..%2Fetc%2Fpasswd', '%E2%80%AE', '%00']) {
      const res = await agent.get(`/documents/${id}`);
      expect([id, res.status]).toEqual([id, 404]);
    }
  });
});

describe('hostile files and forms, refused with nothing stored or attached', () => {
  it.each([
    ['bytes that are not the claimed type (a PNG named .pdf)', { name: 'data.plan', file: PNG, fileName: 'plan.pdf' }, 'f-data-plan-error', "Ce type de fichier n&#x27;est pas accepté ici"],
    ['a file past the field\'s limit', { name: 'data.plan', file: pdf('trop grand', 5000), fileName: 'plan.pdf' }, 'f-data-plan-error', 'Le fichier est trop volumineux pour ce champ.'],
    ['a file for a field that takes none', { name: 'data.subject', file: pdf('sujet'), fileName: 'sujet.pdf' }, 'f-data-subject-error', "Ce champ n&#x27;accepte pas de fichier."],
    ['no file where one is required', { name: 'data.plan', file: Buffer.alloc(0), fileName: '' }, 'f-data-plan-error', 'Ce champ est obligatoire.'],
  ] as const)('should refuse %s next to its field (422), keep the other values, and file nothing', async (_what, bad, errorId, words) => {
    const agent = await consoleAgent(h.app, 'applicant');
    const [rows, files, cases] = [await documentRows(), storedFiles(), await casesOf(CALLERS.applicant.sub)];
    const parts: Part[] = [...(await filingParts(agent)), { name: 'data.subject', value: bad.name === 'data.subject' ? '' : 'Extension de la maison familiale' }, { name: 'data.area', value: '120' }];
    if (bad.name !== 'data.plan') parts.push({ name: 'data.plan', file: Buffer.alloc(0), fileName: '' });
    const res = await multipart(agent, '/file', [...parts, bad]);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`id="${errorId}"[^>]*>${words.replace(/[.()]/g, '\\$&')}`));
    expect(res.text).toMatch(new RegExp(`aria-describedby="[^"]*${errorId}`));
    expect(res.text).toContain('value="120"');
    expect(res.text).toContain('Le navigateur ne peut pas reprendre un fichier choisi avant');
    expect([await documentRows(), storedFiles(), await casesOf(CALLERS.applicant.sub)]).toEqual([rows, files, cases]);
  });

  it.each([
    ['no CSRF token', (parts: Part[]) => parts.filter((p) => p.name !== '_csrf')],
    ['a forged CSRF token', (parts: Part[]) => parts.map((p) => (p.name === '_csrf' ? { name: '_csrf', value: 'forged' } : p))],
    ['the CSRF token after the file', (parts: Part[]) => [...parts.filter((p) => p.name !== '_csrf'), parts[0] as Part]],
  ])('should refuse a multipart form with %s (403) before storing a byte', async (_what, tamper) => {
    const agent = await consoleAgent(h.app, 'applicant');
    const [rows, files] = [await documentRows(), storedFiles()];
    const parts = [...(await filingParts(agent)), ...DATA, { name: 'data.plan', file: pdf('plan'), fileName: 'plan.pdf' }];
    const res = await multipart(agent, '/file', tamper(parts));
    expect(res.status).toBe(403);
    expect(res.type).toBe('text/html');
    expect([await documentRows(), storedFiles()]).toEqual([rows, files]);
  });

  /** A multipart body written by hand: file names no form library would send. */
  function rawFiling(parts: Part[], fileHeader: string, content: Buffer): Buffer {
    const b = '----masar-test';
    const text = parts.filter((p): p is { name: string; value: string } => 'value' in p).map((p) => `--${b}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`);
    return Buffer.concat([Buffer.from(text.join('')), Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="data.plan"; ${fileHeader}\r\nContent-Type: application/pdf\r\n\r\n`), content, Buffer.from(`\r\n--${b}--\r\n`)]);
  }
  const sendRaw = (agent: ConsoleAgent, body: Buffer) => agent.post('/file').set('Content-Type', 'multipart/form-data; boundary=----masar-test').send(body);

  it('should keep a file name only as a name: no path, NUL or direction-override characters', async () => {
    const agent = await consoleAgent(h.app, 'applicant');
    const parts = [...(await filingParts(agent)), ...DATA];
    // RFC 5987 lets a name carry any byte: a path, a NUL, a right-to-left override hiding ".exe".
    const res = await sendRaw(agent, rawFiling(parts, "filename*=UTF-8''..%2F..%2Fetc%2Fpl%00an%E2%80%AEfdp.exe%E2%81%A6.pdf", pdf('nom hostile')));
    expect(res.status).toBe(303);
    const caseId = (res.headers.location as string).split('/')[2] as string;
    const stored = (await h.t.db.query<{ file_name: string }>('SELECT file_name FROM documents WHERE case_id = $1', [caseId])).rows[0]?.file_name ?? '';
    expect(stored).toBe('planfdp.exe.pdf');
    const page = await eventually(() => agent.get(`/cases/${caseId}`), (r) => r.text.includes('masar-document'), 'the documents list');
    // eslint-disable-next-line no-control-regex -- finding a NUL shown back is the point
    expect(page.text).not.toMatch(/[\u0000\u202e\u2066]/);
    const href = /<tr class="masar-document">[\s\S]*?href="(\/documents\/[^"]+)"/.exec(page.text)?.[1] ?? '';
    const download = await agent.get(href).expect(200);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="planfdp.exe.pdf"; filename*=UTF-8''planfdp.exe.pdf`);
  });

  it('should refuse a part header no browser sends (a raw NUL in it) as a malformed form, storing nothing', async () => {
    const agent = await consoleAgent(h.app, 'applicant');
    const [rows, files] = [await documentRows(), storedFiles()];
    const res = await sendRaw(agent, rawFiling([...(await filingParts(agent)), ...DATA], 'filename="pl\u0000an.pdf"', pdf('plan')));
    expect(res.status).toBe(400);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('could not be read as multipart/form-data');
    expect([await documentRows(), storedFiles()]).toEqual([rows, files]);
  });

  it('should offer back the file of a refused form, and file with it on the next try', async () => {
    const agent = await consoleAgent(h.app, 'applicant');
    const parts = await filingParts(agent);
    const first = await multipart(agent, '/file', [...parts, { name: 'data.subject', value: '' }, { name: 'data.area', value: '120' }, { name: 'data.plan', file: pdf('gardé'), fileName: 'plan gardé.pdf' }]);
    expect(first.status).toBe(422);
    const kept = /<input class="form-check-input" type="checkbox" name="_keep.data.plan" id="[^"]+" value="([^"]+)" checked>/.exec(first.text)?.[1];
    expect(kept).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.text).toContain('<bdi>plan gardé.pdf</bdi>');
    expect(first.text).not.toContain('Le navigateur ne peut pas reprendre');
    // The re-rendered form as the browser sends it again: the ticked box, no new file.
    const again = await multipart(agent, '/file', [
      { name: '_csrf', value: csrfOf(first.text) },
      ...parts.slice(1),
      ...DATA,
      { name: '_keep.data.plan', value: kept as string },
      { name: `_keepname.${kept}`, value: 'plan gardé.pdf' },
      { name: 'data.plan', file: Buffer.alloc(0), fileName: '' },
    ]);
    expect(again.status).toBe(303);
    const caseId = (again.headers.location as string).split('/')[2];
    expect((await h.t.db.query<{ case_id: string }>('SELECT case_id FROM documents WHERE id = $1', [kept])).rows[0]?.case_id).toBe(caseId);
  });

  it('should not let someone else\'s upload be named as a kept document', async () => {
    const owner = await consoleAgent(h.app, 'applicant');
    const first = await multipart(owner, '/file', [...(await filingParts(owner)), { name: 'data.subject', value: '' }, { name: 'data.area', value: '1' }, { name: 'data.plan', file: pdf('à moi'), fileName: 'mien.pdf' }]);
    const theirs = /name="_keep.data.plan" id="[^"]+" value="([^"]+)"/.exec(first.text)?.[1] as string;
    const thief = await consoleAgent(h.app, 'otherApplicant');
    const cases = await casesOf(CALLERS.otherApplicant.sub);
    const res = await multipart(thief, '/file', [...(await filingParts(thief)), ...DATA, { name: '_keep.data.plan', value: theirs }, { name: 'data.plan', file: Buffer.alloc(0), fileName: '' }]);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="f-data-plan-error"[^>]*>Ce document est introuvable/);
    expect(await casesOf(CALLERS.otherApplicant.sub)).toBe(cases);
    expect((await h.t.db.query<{ case_id: string | null }>('SELECT case_id FROM documents WHERE id = $1', [theirs])).rows[0]?.case_id).toBeNull();
  });
});

describe('answering a request for documents with files', () => {
  it('should attach the applicant\'s files to the case, listed with who sent them, and refuse a bad one next to its field', async () => {
    const applicant = await consoleAgent(h.app, 'applicant');
    const caseId = await fileWith(applicant, pdf('plan'));
    const agent = await consoleAgent(h.app, 'agent');
    await eventually(() => agent.get(`/cases/${caseId}`), (r) => r.text.includes('/actions/request_documents'), 'the request form');
    const ask = await agent.post(`/cases/${caseId}/actions/request_documents`).type('form').send({ ...Object.fromEntries((await actionParts(agent, caseId, 'request_documents')).map((p) => [p.name, 'value' in p ? p.value : ''])), 'input.missing': 'cin' });
    expect(ask.status).toBe(303);
    await eventually(() => applicant.get(`/cases/${caseId}`), (r) => r.text.includes('/actions/answer'), 'the answer form');
    const page = await applicant.get(`/cases/${caseId}`);
    expect(page.text).toMatch(/<form[^>]+actions\/answer"[^>]+enctype="multipart\/form-data"/);
    expect(page.text).toMatch(/type="file"[^>]+name="input.documents"[^>]+multiple/);

    const rows = await documentRows();
    const refused = await multipart(applicant, `/cases/${caseId}/actions/answer`, [
      ...(await actionParts(applicant, caseId, 'answer')),
      { name: 'input.documents', file: pdf('cin recto'), fileName: 'cin-recto.pdf' },
      { name: 'input.documents', file: Buffer.from('MZ\x90\x00 not a document'), fileName: 'cin-verso.pdf' },
    ]);
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="action-answer-input-documents-error"[^>]*>Ce type de fichier/);
    // The good one is kept for the next try, the bad one left nothing behind.
    expect(await documentRows()).toBe(rows + 1);
    const kept = /name="_keep.input.documents" id="[^"]+" value="([^"]+)"/.exec(refused.text)?.[1] as string;

    const answered = await multipart(applicant, `/cases/${caseId}/actions/answer`, [
      ...(await actionParts(applicant, caseId, 'answer')),
      { name: '_keep.input.documents', value: kept },
      { name: 'input.documents', file: PNG, fileName: 'cin-verso.png', type: 'image/png' },
    ]);
    expect(answered.status).toBe(303);
    const listed = await eventually(() => agent.get(`/cases/${caseId}`), (r) => (r.text.match(/class="masar-document"/g) ?? []).length === 3, 'three documents');
    expect(listed.text).toContain('cin-recto.pdf');
    expect(listed.text).toContain('cin-verso.png');
    expect(listed.text).toContain('Références des pièces');
  });
});

describe('the processing notice on the filing form', () => {
  it.each([
    ['fr', 'Protection des données personnelles (loi 09-08) :', 'sous le n° A-GC-777/2026'],
    ['ar', 'حماية المعطيات الشخصية (القانون 09.08):', 'تحت رقم A-GC-777/2026'],
  ] as const)('should state purpose, controller, retention, rights and the CNDP number in %s', async (lang, heading, number) => {
    const agent = await consoleAgent(h.app, 'applicant');
    if (lang === 'ar') {
      const page = await agent.get('/my/cases');
      await agent.post('/lang').type('form').send({ _csrf: csrfOf(page.text), lang: 'ar', next: '/my/cases' }).expect(303);
    }
    const page = await agent.get(FORM).expect(200);
    const notice = /<aside class="masar-notice[\s\S]*?<\/aside>/.exec(page.text)?.[0] ?? '';
    for (const words of [heading, number, 'Commune de Tanger', 'dpo@tanger.ma', "Loi d&#x27;essai"]) expect([words, notice.includes(words)]).toEqual([words, true]);
    // The same words as the receipt sent by mail: one source.
    expect(notice).toContain(lang === 'fr' ? 'conservées pendant la durée de la procédure' : 'وتحفظ طيلة مدة المسطرة');
  });
});
