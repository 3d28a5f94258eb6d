/**
 * A case end to end on real parts: the Temporal dev server, PostgreSQL (read model, outbox,
 * directory), a real SMTP server, and the worker's real activities. What an applicant and the
 * commune's agents receive, in their languages; nothing lost or doubled while the mail server is
 * down; a calendar change reaching the running case.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { broadcastCalendarChange } from '../../../activities/calendar-broadcast';
import { createSmtpChannel } from '../../../activities/notifications';
import { createDbCalendarSource, currentCalendar, saveCalendar } from '../../../db/calendars';
import { createDirectory } from '../../../db/directory';
import { listOutbox } from '../../../db/outbox';
import { seedDirectory } from '../../../db/seed/seed-directory';
import { recordClosure } from '../../../definitions/calendar';
import { addDays } from '../../../definitions/local-time';
import { procedureCase } from '../../../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate, viewQuery } from '../../../workflows/messages';
import { createTestDb, type TestDb } from '../../support/db';
import { caseInput, shippedProcedure } from '../../support/procedures';
import { startTestSmtp, type TestSmtp } from '../../support/smtp';
import { devServerEnv, workflowBundle } from '../../support/temporal';

const TQ = `case-mail-${Date.now()}`;
const AGENT = { id: 'demo-tanger-agent', roles: ['agent', 'information_officer'], unit: '01.511.01.01' };
const APPLICANT = { id: 'citizen-7', name: 'Youssef Alaoui', email: 'youssef@example.ma', language: 'ar' as const };

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let smtp: TestSmtp;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  [env, testDb, smtp] = await Promise.all([devServerEnv(), createTestDb(), startTestSmtp()]);
  await seedDirectory(testDb.db);
  const { db } = testDb;
  // A long cache, as in production and longer: a recompute signalled for a new calendar version must
  // read it even though the filing cached the old one moments before.
  const calendars = createDbCalendarSource(db, { ttlMs: 600_000 });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TQ,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ db, directory: createDirectory(db), channel: createSmtpChannel({ url: smtp.url }), calendars, client: env.client }),
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), testDb?.drop(), smtp?.close()]);
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false && value !== 0) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function file() {
  const unit = await createDirectory(testDb.db).caseUnit('01.511.01.01');
  const input = caseInput(shippedProcedure('acces-information'), { unit, applicant: APPLICANT, data: { subject: 'budget', format: 'electronic' } });
  const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId: caseWorkflowId(input.caseId), args: [input] });
  const view = await handle.executeUpdate(filedUpdate);
  return { handle, input, view };
}

const longDate = (date: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));

describe('a case with real activities', () => {
  it('should send the receipt in both languages with the deadline, and tell the commune agents', async () => {
    const { input, view } = await file();
    const dueDate = view.clocks.find((c) => c.name === 'answer')?.dueDate as string;
    expect(dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const receipt = await until('the receipt', async () => smtp.to(APPLICANT.email).find((m) => m.subject.includes(input.reference)));
    // The applicant chose Arabic: the subject leads with it; the body carries both languages.
    expect(receipt.subject).toBe(`وصل الإيداع ${input.reference} – Récépissé de dépôt`);
    expect(receipt.text).toContain(`Date limite légale de réponse : ${longDate(dueDate, 'fr-MA')}`);
    expect(receipt.text).toContain(longDate(dueDate, 'ar-MA'));
    expect(receipt.html).toContain('dir="rtl"');
    // The commune's information officers learn of the new task, in their own language (French here).
    const task = await until('the task message', async () => smtp.to('agent.tanger@masar.local').find((m) => m.text.includes(input.reference)));
    expect(task.headers.get('content-language')).toBe('fr');
    // Each message went out once, and its outbox row says so (the row is marked after the SMTP server
    // answers, so the mail can be seen a moment before its row).
    const outbox = await until('every outbox row sent', async () => {
      const rows = await listOutbox(testDb.db, input.caseId);
      return rows.length > 0 && rows.every((m) => m.status === 'sent') ? rows : undefined;
    });
    expect(outbox.map((m) => m.status)).toEqual(outbox.map(() => 'sent'));
    for (const count of smtp.countByMessageId().values()) expect(count).toBe(1);
  });

  it('should go on while the mail server is down and deliver every message exactly once when it is back', async () => {
    const { handle, input } = await file();
    await until('the receipt', async () => smtp.to(APPLICANT.email).find((m) => m.subject.includes(input.reference)));
    await handle.executeUpdate(actUpdate, { args: [{ action: 'start_review', actor: AGENT }] });
    await smtp.stop();
    const answered = await handle.executeUpdate(actUpdate, { args: [{ action: 'answer', actor: AGENT, input: { document: '77777777-7777-4777-8777-777777777777' } }] });
    expect(answered).toEqual(expect.objectContaining({ state: 'answered', status: 'closed' }));
    // The decision waits in the outbox; the case itself is already decided in the read model.
    await until('failed outbox rows', async () => (await listOutbox(testDb.db, input.caseId)).some((m) => m.status === 'failed'));
    const row = await testDb.db.query('SELECT status FROM cases WHERE case_id = $1', [input.caseId]);
    expect(row.rows[0]?.status).toBe('closed');

    await smtp.start();
    const result = await handle.result();
    expect(result.outcome).toBe('answered');
    const mine = smtp.messages.filter((m) => m.text.includes(input.reference) || m.subject.includes(input.reference));
    const decision = mine.filter((m) => m.to.includes(APPLICANT.email) && m.headers.get('content-language') === 'ar');
    expect(decision.length).toBeGreaterThanOrEqual(2); // decision and case closed, in Arabic
    for (const count of smtp.countByMessageId().values()) expect(count).toBe(1);
    expect((await listOutbox(testDb.db, input.caseId)).every((m) => m.status === 'sent')).toBe(true);
  }, 90_000);

  it('should move a running deadline when a closure day is recorded and broadcast', async () => {
    const { handle, input, view } = await file();
    const before = view.clocks.find((c) => c.name === 'answer')?.dueDate as string;
    await until('the projection', async () => (await testDb.db.query('SELECT 1 FROM case_clocks WHERE case_id = $1', [input.caseId])).rowCount);
    // A closure on a working day inside the running period pushes the deadline by one working day.
    const calendar = (await currentCalendar(testDb.db, 'ma-administration'))!;
    let closure = addDays(view.filedAt.slice(0, 10), 1);
    while ([0, 6].includes(new Date(`${closure}T12:00:00Z`).getUTCDay())) closure = addDays(closure, 1);
    const next = recordClosure(calendar, { date: closure, name: { fr: 'Fermeture exceptionnelle', ar: 'عطلة استثنائية' } });
    expect(await saveCalendar(testDb.db, next, calendar.version)).toBe(true);
    const report = await broadcastCalendarChange({ db: testDb.db, client: env.client, calendarId: 'ma-administration', version: next.version, from: closure });
    expect(report.signalled).toBeGreaterThanOrEqual(1);
    const moved = await until('the new due date', async () => {
      const due = (await handle.query(viewQuery)).clocks.find((c) => c.name === 'answer')?.dueDate;
      return due !== before ? due : undefined;
    });
    expect(moved > before).toBe(true);
    const journal = await until('the journal entry', async () =>
      (await testDb.db.query('SELECT data FROM journal WHERE case_id = $1 AND kind = $2', [input.caseId, 'clock.recomputed'])).rows[0],
    );
    expect(journal.data).toEqual(expect.objectContaining({ clock: 'answer' }));
    await handle.terminate('test over');
  });
});
