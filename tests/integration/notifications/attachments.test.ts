/**
 * The applicant's receipt e-mail carries the sealed receipt, against a real PostgreSQL, the real
 * projection and a real SMTP server: the attached PDF is the issued one (its hash is on record and
 * pdfsig validates it), a send retried after the mail server was down attaches the very same
 * bytes, and messages to staff carry nothing.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSmtpChannel } from '../../../activities/notifications/channels/smtp';
import { documentAttachments } from '../../../activities/notifications/attachments';
import { deliverPending, silentLog } from '../../../activities/notifications/delivery';
import { createNotificationActivities } from '../../../activities/notifications/notify';
import type { RecipientDirectory } from '../../../activities/notifications/recipients';
import { SAMPLE_INPUTS } from '../../../activities/notifications/samples';
import { createProjectionActivities } from '../../../activities/projection';
import { findIssued, pgIssuedFiles } from '../../../db/issued-documents';
import { listOutbox } from '../../../db/outbox';
import { publishProcedure } from '../../../db/procedures';
import type { DocumentIssuer } from '../../../documents/issue';
import { createTestDb, type TestDb } from '../../support/db';
import { pdfsig } from '../../support/pdf-tools';
import { compileYaml } from '../../support/procedures';
import { startTestSmtp, type TestSmtp } from '../../support/smtp';
import { createTestCa } from '../../support/test-ca';
import { projection, type FixtureCase } from '../projection/case-fixtures';

const AGENT = { id: 'agent-1', name: 'Karim Alaoui', email: 'karim@commune.ma', language: 'fr' as const };
const directory: RecipientDirectory = {
  members: async () => [AGENT],
  supervisors: async () => [],
  member: async (id) => (id === AGENT.id ? AGENT : undefined),
  getUnit: async (code) => ({ code, name: { fr: 'Commune de Rabat-Hassan', ar: 'جماعة الرباط حسان' }, parentCode: null }),
};

let testDb: TestDb;
let smtp: TestSmtp;
let issuer: DocumentIssuer;
let n = 0;

beforeAll(async () => {
  testDb = await createTestDb();
  smtp = await startTestSmtp();
  // Version 1, as the read-model fixtures (case-fixtures.ts) and the sample receipt name it.
  const file = path.join(__dirname, '..', '..', 'fixtures', 'definitions', 'engine', 'acces-information-v1.yaml');
  const source = readFileSync(file, 'utf8');
  const compiled = compileYaml(source, file);
  await publishProcedure(testDb.db, compiled, source, 'system');
  issuer = { db: testDb.db, files: pgIssuedFiles(testDb.db), seal: createTestCa().seal, publicUrl: 'https://masar.example.ma', now: () => new Date() };
});
afterAll(async () => {
  await smtp?.close();
  await testDb?.drop();
});

/** A case in the read model, filed by `applicant`, and the receipt message of its filing. */
async function filedCase() {
  n += 1;
  const c: FixtureCase = { caseId: `case-mail-${n}`, reference: `AI-2026-00010${n}`, unit: '141.01.01', applicantId: 'app-1' };
  const { project } = createProjectionActivities({ db: testDb.db });
  await project(projection(c, 1));
  const input = { ...SAMPLE_INPUTS.receipt, caseId: c.caseId, reference: c.reference };
  return { c, input };
}

const activities = () => createNotificationActivities({ db: testDb.db, directory, channel: createSmtpChannel({ url: smtp.url, timeoutMs: 2000 }), documents: issuer });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the receipt e-mail', () => {
  it('should carry the sealed receipt the case has on record', async () => {
    const { c, input } = await filedCase();
    await activities().notify(input);
    const [mail, ...more] = smtp.to('salma@example.ma').filter((m) => m.subject.includes(c.reference));
    expect(more).toHaveLength(0);
    const [pdf, ...others] = mail!.parsed.attachments;
    expect(others).toHaveLength(0);
    expect(pdf).toMatchObject({ contentType: 'application/pdf', filename: `receipt-${c.reference}.pdf` });
    const issued = await findIssued(testDb.db, c.caseId, 'receipt');
    expect(sha256(pdf!.content)).toBe(issued?.sha256);
    expect(pdfsig(pdf!.content).out).toContain('Signature is Valid.');
  });

  it('should attach the same bytes when the send is retried after the mail server was down', async () => {
    const { c, input } = await filedCase();
    await smtp.stop();
    await expect(activities().notify(input)).rejects.toThrow(/not sent/);
    expect((await listOutbox(testDb.db, c.caseId)).map((r) => [r.status, r.attach])).toEqual([['failed', 'receipt']]);
    const issuedWhileDown = await findIssued(testDb.db, c.caseId, 'receipt');
    await smtp.start();
    await deliverPending(testDb.db, createSmtpChannel({ url: smtp.url, timeoutMs: 2000 }), { attachments: documentAttachments(issuer, silentLog) });
    await activities().notify(input);
    const mails = smtp.to('salma@example.ma').filter((m) => m.subject.includes(c.reference));
    expect(mails).toHaveLength(1);
    expect(sha256(mails[0]!.parsed.attachments[0]!.content)).toBe(issuedWhileDown?.sha256);
  });

  it('should attach nothing to messages for staff', async () => {
    const { c } = await filedCase();
    await activities().notify({ ...SAMPLE_INPUTS['task-assigned'], caseId: c.caseId, reference: c.reference });
    const rows = await listOutbox(testDb.db, c.caseId);
    expect(rows.map((r) => [r.recipient, r.status, r.attach])).toEqual([[AGENT.id, 'sent', null]]);
    const mails = smtp.messages.filter((m) => m.messageId === `<${rows[0]!.id}@masar.local>`);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.parsed.attachments).toHaveLength(0);
  });
});
