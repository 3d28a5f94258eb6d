/**
 * Retention end to end (issue 16, point 3), on the Temporal dev server, PostgreSQL and a filesystem
 * document store: a case filed with personal data and a document, decided, its receipt sealed and
 * its messages sent, then the retention job run. Time is controlled by the job's `asOf` (the clock
 * the workflow judges retention by), set past closure + the procedure's period; the schedule path
 * is shown with a procedure whose period is zero, triggered by hand.
 * After the job: no table holds the applicant's name, ID number, e-mail, request text or file name
 * (every text, json and array column scanned), the store holds no file, Temporal has no history of
 * the case, and the journal still verifies; the archives' record (reference, dates, outcome) stays.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import request from 'supertest';
import { main } from '../../../cli/main';
import { payloadCodec, temporalDataConverter } from '../../../config/temporal';
import { verifyJournal } from '../../../db/journal-verify';
import { createFsDocumentStore } from '../../../documents/fs-store';
import { ensureRetentionSchedule } from '../../../worker/retention-schedule';
import { caseWorkflowId, TASK_QUEUE } from '../../../workflows/messages';
import { RETENTION_SCHEDULE_ID, RETENTION_WORKFLOW, retentionScheduleId, type RetentionSweepResult } from '../../../workflows/retention-messages';
import { createTestCa } from '../../support/test-ca';
import { startHarness, TANGER, type CallerName, type Harness } from '../api/api-harness';

const procedure = (id: string, after: string) => `
id: ${id}
version: 1
title: { fr: Attestation, ar: شهادة }
legalBasis: [{ law: Test }]
retention: { after: ${after}, basis: { law: "Loi 69-99", articles: ["art. 10"], note: "test" } }
input:
  cin: { type: text, label: { fr: CIN, ar: ب.ت.و }, required: true, maxLength: 20 }
  request: { type: text, label: { fr: Demande, ar: الطلب }, required: true, maxLength: 2000 }
  proof: { type: file, label: { fr: Justificatif, ar: إثبات }, required: true, accept: [application/pdf] }
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: agent }
    actions:
      issue: { label: { fr: Délivrer, ar: تسليم }, by: [agent], to: issued }
  issued: { kind: final, outcome: approved, label: { fr: Délivrée, ar: مسلمة } }
notifications:
  - on: case_filed
    to: [applicant]
    template: receipt
  - on: case_closed
    to: [applicant]
    template: case-closed
`;

let h: Harness;
let storeRoot: string;
beforeAll(async () => {
  storeRoot = mkdtempSync(path.join(tmpdir(), 'masar-retention-store-'));
  const ca = createTestCa();
  h = await startHarness({
    worker: true,
    taskQueue: `retention-${Date.now()}`,
    procedures: [procedure('attestation-annee', 'P1Y'), procedure('attestation-immediate', 'P0D')],
    documents: { store: createFsDocumentStore(storeRoot), maxBytes: 1_000_000 },
    sealed: { seal: ca.seal, publicUrl: 'https://masar.example.ma' },
    realNotifications: true,
  });
}, 120_000);
afterAll(async () => {
  if (h) await h.client.schedule.getHandle(retentionScheduleId(h.taskQueue)).delete().catch(() => undefined);
  await h?.close();
});

const as = async (who: CallerName) => `Bearer ${await h.token(who)}`;

/** Every file under a folder. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Where `secret` appears in the database: `table.column` of every text, json or array column holding it. */
async function whereStored(secret: string): Promise<string[]> {
  const columns = await h.t.db.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')
      ORDER BY 1, 2`,
  );
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns.rows) {
    const res = await h.t.db.query(`SELECT 1 FROM "${table}" WHERE strpos("${column}"::text, $1) > 0 LIMIT 1`, [secret]);
    if ((res.rowCount ?? 0) > 0) found.push(`${table}.${column}`);
  }
  return found;
}

/** Files, decides and seals a case with personal data and a document; resolves once its workflow closed. */
async function closedCase(procedureId: string) {
  const personal = {
    cin: `ZX${randomBytes(3).readUIntBE(0, 3)}`,
    request: `Attestation ${randomBytes(6).toString('hex')} pour ma famille`,
    fileName: `CIN Amina Benali ${randomBytes(3).toString('hex')}.pdf`,
    reason: `Dossier complet de Amina ${randomBytes(4).toString('hex')}`,
  };
  const pdf = Buffer.from(`%PDF-1.7\n% ${personal.cin} ${randomBytes(8).toString('hex')}\n%%EOF\n`);
  const uploaded = await request(h.app)
    .post(`/api/v1/documents?procedure=${procedureId}&field=input.proof`)
    .set('Authorization', await as('applicant'))
    .attach('file', pdf, { filename: personal.fileName, contentType: 'application/pdf' });
  expect(uploaded.status).toBe(201);
  const filed = await request(h.app)
    .post('/api/v1/cases')
    .set('Authorization', await as('applicant'))
    .send({ procedure: procedureId, unit: TANGER, data: { cin: personal.cin, request: personal.request, proof: uploaded.body.id } });
  expect(filed.status).toBe(201);
  const caseId: string = filed.body.caseId;
  const receipt = await request(h.app).get(`/api/v1/cases/${caseId}/receipt.pdf`).set('Authorization', await as('applicant'));
  expect(receipt.status).toBe(200);
  const issued = await request(h.app).post(`/api/v1/cases/${caseId}/actions`).set('Authorization', await as('agent')).send({ action: 'issue', comment: personal.reason });
  expect(issued.body).toMatchObject({ state: 'issued', status: 'closed' });
  await h.client.workflow.getHandle(caseWorkflowId(caseId)).result();
  // The last projection and messages land with the workflow's last activities: wait for the closing message.
  for (let i = 0; i < 100; i += 1) {
    const n = await h.t.db.query(`SELECT count(*)::int AS n FROM notification_outbox WHERE case_id = $1`, [caseId]);
    const c = await h.t.db.query(`SELECT closed_at FROM cases WHERE case_id = $1`, [caseId]);
    if (n.rows[0].n >= 2 && c.rows[0]?.closed_at) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const secrets = [personal.cin, personal.request, personal.fileName, personal.reason, 'Amina Benali', 'amina@example.ma'];
  return { caseId, reference: filed.body.reference as string, secrets, documentId: uploaded.body.id as string };
}

/**
 * Whether the case's workflow is gone from Temporal. Deletion is carried out by the server in the
 * background, and a delete asked right after the workflow closed waits (with the server's backoff)
 * until the close's own tasks are done: tens of seconds on a loaded machine. Gone means not found
 * for two seconds running, so a read racing the deletion's steps does not count.
 */
async function historyGone(caseId: string): Promise<boolean> {
  let notFoundSince: number | undefined;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    try {
      await h.client.workflow.getHandle(caseWorkflowId(caseId)).describe();
      notFoundSince = undefined;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      notFoundSince ??= Date.now();
      if (Date.now() - notFoundSince >= 2_000) return true;
    }
  }
  return false;
}

describe('retention', () => {
  it('should leave a closed case past its retention with no personal data in any table, file or history, and its journal verifying', async () => {
    const c = await closedCase('attestation-annee');
    // The scan finds them before the job (it looks where they are): in the read model, the outbox, the journal.
    for (const secret of c.secrets) expect({ secret, found: (await whereStored(secret)).length > 0 }).toEqual({ secret, found: true });
    expect(filesUnder(storeRoot).length).toBeGreaterThan(0);
    // The sealed receipt's bytes are in the store, named by its record.
    expect((await h.t.db.query('SELECT count(*)::int AS n FROM issued_documents WHERE case_id = $1 AND store_key IS NOT NULL', [c.caseId])).rows[0].n).toBe(1);

    const closedAt: Date = (await h.t.db.query('SELECT closed_at FROM cases WHERE case_id = $1', [c.caseId])).rows[0].closed_at;
    const sweep = (asOf: Date) => h.client.workflow.execute(RETENTION_WORKFLOW, { taskQueue: h.taskQueue, workflowId: `retention-test-${Date.now()}`, args: [{ asOf: asOf.toISOString() }] }) as Promise<RetentionSweepResult>;
    // A day short of the year: nothing is due.
    const early = await sweep(new Date(closedAt.getTime() + 364 * 86_400_000));
    expect(early.erased).not.toContain(c.caseId);
    expect(await whereStored(c.secrets[0] as string)).not.toEqual([]);

    const due = await sweep(new Date(closedAt.getTime() + 367 * 86_400_000));
    expect(due).toMatchObject({ failed: [] });
    expect(due.erased).toContain(c.caseId);

    for (const secret of c.secrets) expect({ secret, where: await whereStored(secret) }).toEqual({ secret, where: [] });
    expect(filesUnder(storeRoot)).toEqual([]);
    expect((await h.t.db.query('SELECT count(*)::int AS n FROM issued_document_files f JOIN issued_documents d USING (code) WHERE d.case_id = $1', [c.caseId])).rows[0].n).toBe(0);
    expect(await historyGone(c.caseId)).toBe(true);

    // The journal proves itself still, with the erasure on record; through the admin endpoint too.
    expect(await verifyJournal(h.t.db, c.caseId)).toMatchObject({ ok: true });
    const verified = await request(h.app).get(`/api/v1/journal/verify?case=${c.caseId}`).set('Authorization', await as('admin'));
    expect(verified.body).toMatchObject({ checked: 1, intact: 1, broken: [] });
    const journal = await h.t.db.query('SELECT kind, data FROM journal WHERE case_id = $1 ORDER BY sequence DESC LIMIT 1', [c.caseId]);
    expect(journal.rows[0]).toMatchObject({ kind: 'retention.erased', data: { retention: 'P1Y', documents: 1, issuedDocuments: 1 } });

    // What the archives keep: reference, procedure version, unit, dates, outcome; the document's hash.
    const kept = await h.t.db.query('SELECT reference, procedure_id, procedure_version, unit_code, state, outcome, filed_at, closed_at, erased_at FROM cases WHERE case_id = $1', [c.caseId]);
    expect(kept.rows[0]).toMatchObject({ reference: c.reference, procedure_id: 'attestation-annee', procedure_version: 1, unit_code: TANGER, state: 'issued', outcome: 'approved', closed_at: closedAt });
    expect(kept.rows[0].erased_at).toBeInstanceOf(Date);
    const doc = await h.t.db.query('SELECT sha256, size, erased_at FROM documents WHERE id = $1', [c.documentId]);
    expect(doc.rows[0]).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The case still reads, without personal data; the document answers not found.
    const read = await request(h.app).get(`/api/v1/cases/${c.caseId}`).set('Authorization', await as('agent'));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ reference: c.reference, status: 'closed', outcome: 'approved', data: {} });
    // The sealed receipt printed the applicant's name: it is gone, said so; its record still verifies.
    const erasedReceipt = await request(h.app).get(`/api/v1/cases/${c.caseId}/receipt.pdf`).set('Authorization', await as('applicant'));
    expect(erasedReceipt.status).toBe(409);
    expect(erasedReceipt.body.detail).toMatch(/erased at the end of its retention period/);
    const stillIssued = await h.t.db.query('SELECT count(*)::int AS n FROM issued_documents WHERE case_id = $1 AND store_key IS NULL', [c.caseId]);
    expect(stillIssued.rows[0].n).toBeGreaterThan(0);

    // Once is enough: the next run finds nothing of it to do.
    const again = await sweep(new Date(closedAt.getTime() + 400 * 86_400_000));
    expect(again.erased).not.toContain(c.caseId);
  }, 120_000);

  it('should let an operator list the cases due and erase them with masar retention run', async () => {
    const c = await closedCase('attestation-immediate');
    const cli = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const env = { DATABASE_URL: h.t.url, TEMPORAL_ADDRESS: process.env.MASAR_TEST_TEMPORAL_ADDRESS ?? '', MASAR_DOCUMENTS_DIR: storeRoot };
      const code = await main(['retention', ...args], { out: (l) => out.push(l), err: (l) => err.push(l), cwd: process.cwd(), env });
      return { code, out, err };
    };
    const dry = await cli(['run', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out.join('\n')).toMatch(new RegExp(`case ${c.caseId} \\(${c.reference}\\): closed .*, retention P0D, due .*: due`));
    expect(dry.out.at(-1)).toMatch(/\(dry run: nothing erased\)/);
    expect(await whereStored(c.secrets[1] as string)).not.toEqual([]);

    const real = await cli(['run']);
    expect(real.code).toBe(0);
    expect(real.out.join('\n')).toMatch(new RegExp(`case ${c.caseId} .*: erased \\(1 document\\(s\\), 1 sealed PDF\\(s\\), \\d+ message\\(s\\), \\d+ journal entr\\(ies\\)\\), history deleted`));
    for (const secret of c.secrets) expect({ secret, where: await whereStored(secret) }).toEqual({ secret, where: [] });
    expect(await historyGone(c.caseId)).toBe(true);
    expect(await verifyJournal(h.t.db, c.caseId)).toMatchObject({ ok: true });
    expect((await cli(['run'])).out.at(-1)).toMatch(/^retention: 0 case\(s\) past retention/);

    for (const bad of [['run', '--as-of', '2031-01-01T00:00:00Z'], ['run', '--dry-run', '--as-of', 'tomorrow'], ['run', '--limit', '0'], ['run', '--limit', '1e3'], ['purge'], [], ['run', '--bogus']]) {
      expect({ bad, code: (await cli(bad)).code }).toEqual({ bad, code: 2 });
    }
  }, 240_000);

  it('should run from its Temporal schedule, created once and updated on the next start', async () => {
    expect(await ensureRetentionSchedule(h.client, { taskQueue: h.taskQueue, cron: '30 2 * * *', limit: 50 })).toBe('created');
    expect(await ensureRetentionSchedule(h.client, { taskQueue: h.taskQueue, cron: '15 3 * * *', limit: 50 })).toBe('updated');
    const handle = h.client.schedule.getHandle(retentionScheduleId(h.taskQueue));
    const described = await handle.describe();
    expect(described.spec.calendars?.length ?? 0).toBeGreaterThan(0);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: RETENTION_WORKFLOW, taskQueue: h.taskQueue });

    // A period of zero: the first run after closure erases. Triggered by hand rather than at 03:15.
    const c = await closedCase('attestation-immediate');
    await handle.trigger();
    for (let i = 0; i < 150 && (await h.t.db.query('SELECT erased_at FROM cases WHERE case_id = $1', [c.caseId])).rows[0].erased_at === null; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const secret of c.secrets) expect({ secret, where: await whereStored(secret) }).toEqual({ secret, where: [] });
    expect(await historyGone(c.caseId)).toBe(true);
    expect(await verifyJournal(h.t.db, c.caseId)).toMatchObject({ ok: true });
  }, 240_000);

  it('should keep one schedule per task queue, and say which keys are missing when a worker cannot read its own', async () => {
    expect(retentionScheduleId(TASK_QUEUE)).toBe(RETENTION_SCHEDULE_ID);
    const queues = [`staging-${Date.now()}`, `training-${Date.now()}`];
    try {
      // A deployment whose payloads are encrypted, as MASAR_PAYLOAD_KEYS gives.
      const keyed = new Client({
        connection: h.client.connection,
        namespace: h.client.options.namespace,
        dataConverter: temporalDataConverter(payloadCodec({ MASAR_PAYLOAD_KEYS: `k1:${randomBytes(32).toString('hex')}` })),
      });
      for (const queue of queues) expect(await ensureRetentionSchedule(keyed, { taskQueue: queue, cron: '30 2 * * *', limit: 10 })).toBe('created');
      for (const queue of queues) {
        expect(await keyed.schedule.getHandle(retentionScheduleId(queue)).describe()).toMatchObject({ action: { taskQueue: queue } });
      }
      expect(await ensureRetentionSchedule(keyed, { taskQueue: queues[0] as string, cron: '45 2 * * *', limit: 10 })).toBe('updated');
      // A worker of the same deployment started without the keys.
      const keyless = new Client({ connection: h.client.connection, namespace: h.client.options.namespace });
      await expect(ensureRetentionSchedule(keyless, { taskQueue: queues[0] as string, cron: '45 2 * * *', limit: 10 })).rejects.toThrow(
        new RegExp(`schedule ${retentionScheduleId(queues[0] as string)} was written by a worker with payload keys this one does not have .*MASAR_PAYLOAD_KEYS`),
      );
    } finally {
      for (const queue of queues) await h.client.schedule.getHandle(retentionScheduleId(queue)).delete().catch(() => undefined);
    }
  });
});
