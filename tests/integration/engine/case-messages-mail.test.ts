/**
 * What the mails of a case say, read back from a real SMTP server (issue 12.3, 12.4, 12.5): the
 * Temporal dev server, PostgreSQL with the seeded directory, and the worker's real activities with
 * a configured public URL. An applicant asked for precisions learns the date by which THEY must
 * answer; a refusal states its ground; a message that reaches nobody is journaled, listed for
 * administrators, and mailed to the supervisors of the province.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { createSmtpChannel } from '../../../activities/notifications';
import { createDbCalendarSource } from '../../../db/calendars';
import { createDirectory } from '../../../db/directory';
import { listProblems } from '../../../db/notification-problems';
import { seedDirectory } from '../../../db/seed/seed-directory';
import { addDays } from '../../../definitions/local-time';
import { procedureCase } from '../../../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate } from '../../../workflows/messages';
import { createTestDb, type TestDb } from '../../support/db';
import { caseInput, shippedProcedure } from '../../support/procedures';
import { startTestSmtp, type TestSmtp } from '../../support/smtp';
import { devServerEnv, workflowBundle } from '../../support/temporal';

const TQ = `case-messages-mail-${Date.now()}`;
const PUBLIC_URL = 'https://masar.example.ma';
const AGENT = { id: 'demo-tanger-agent', roles: ['agent', 'information_officer'], unit: '01.511.01.01' };
const APPLICANT = { id: 'citizen-9', name: 'Nour Idrissi', email: 'nour@example.ma', language: 'ar' as const };
// Asilah: a seeded commune with no member at all; its province (Tanger-Assilah) has a supervisor.
const ASILAH = '01.511.01.03';
const PROVINCE_SUPERVISOR = 'supervision.tanger-assilah@masar.local';

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let smtp: TestSmtp;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  [env, testDb, smtp] = await Promise.all([devServerEnv(), createTestDb(), startTestSmtp()]);
  await seedDirectory(testDb.db);
  const { db } = testDb;
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TQ,
    workflowBundle: await workflowBundle(),
    activities: createActivities({
      db,
      directory: createDirectory(db),
      channel: createSmtpChannel({ url: smtp.url }),
      calendars: createDbCalendarSource(db),
      publicUrl: PUBLIC_URL,
    }),
  });
  running = worker.run();
}, 120_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), testDb?.drop(), smtp?.close()]);
});

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function file(unit: string) {
  const input = caseInput(shippedProcedure('acces-information'), {
    unit: await createDirectory(testDb.db).caseUnit(unit),
    applicant: APPLICANT,
    data: { subject: 'budget 2026', format: 'electronic' },
  });
  const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId: caseWorkflowId(input.caseId), args: [input] });
  const view = await handle.executeUpdate(filedUpdate);
  return { handle, input, view };
}

const longDate = (date: string, locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
const casablancaDate = (instant: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Casablanca' }).format(instant);

describe('what the mails of a case say', () => {
  it("should tell the applicant asked for precisions the date by which they must answer, then state the refusal's ground", async () => {
    const { handle, input, view } = await file('01.511.01.01');
    const answerDue = view.clocks.find((c) => c.name === 'answer')?.dueDate as string;
    await handle.executeUpdate(actUpdate, { args: [{ action: 'start_review', actor: AGENT }] });
    const asked = new Date();
    await handle.executeUpdate(actUpdate, { args: [{ action: 'request_clarification', actor: AGENT, comment: 'حددوا الفترة المعنية.' }] });

    const request = await until('the request mail', () => smtp.to(APPLICANT.email).find((m) => m.text.includes(input.reference) && m.text.includes('حددوا الفترة المعنية')));
    // The waiting state's timeout: 30 calendar days from the request, in Casablanca.
    const answerBy = addDays(casablancaDate(asked), 30);
    expect(request.text).toContain(`يرجى الرد في أجل أقصاه ${longDate(answerBy, 'ar-MA')}`);
    expect(request.text).toContain('يتوقف أجل الإدارة (أجل الرد) في انتظار ردكم');
    expect(request.text).not.toContain(longDate(answerDue, 'ar-MA'));
    expect(request.text).toContain(`${PUBLIC_URL}/api/v1/cases/${input.caseId}`);
    expect(request.html).toContain(`href="${PUBLIC_URL}/api/v1/cases/${input.caseId}"`);

    await handle.executeUpdate(actUpdate, { args: [{ action: 'clarify', actor: { id: APPLICANT.id, roles: ['applicant'] }, input: { clarification: 'السنة المالية 2026' } }] });
    await handle.executeUpdate(actUpdate, {
      args: [{ action: 'refuse', actor: AGENT, input: { ground: 'article_7_exception', details: 'معطيات شخصية' }, comment: 'انظر المادة 7.' }],
    });
    const decision = await until('the decision mail', () => smtp.to(APPLICANT.email).find((m) => m.subject.includes(input.reference) && m.text.includes('القرار: الرفض')));
    expect(decision.text).toContain('سبب الرفض: أحد الاستثناءات المنصوص عليها في المادة 7');
    expect(decision.text).toContain('التعليل: معطيات شخصية');
    // The unit by its Arabic name, never its code.
    expect(decision.text).toContain('عن طنجة');
    expect(decision.text).not.toContain('01.511.01.01');
    expect(decision.text).toContain(`${PUBLIC_URL}/api/v1/cases/${input.caseId}`);
  }, 90_000);

  it("should journal a task mail that reached nobody, list it for administrators and tell the province's supervisors", async () => {
    const { handle, input } = await file(ASILAH);
    const alert = await until('the alert to the province', () => smtp.to(PROVINCE_SUPERVISOR).find((m) => m.text.includes(input.reference)));
    // The province supervisor reads Arabic: the role, the unit by name, and what to do.
    expect(alert.subject).toBe(`خلل في الإعداد: رسالة الملف ${input.reference} لم تصل إلى أي أحد`);
    expect(alert.text).toContain('information_officer');
    expect(alert.text).toContain('لدى أصيلة');
    expect(alert.text).toContain('masar directory member add');

    const entry = await until('the journal entry', async () =>
      (await testDb.db.query('SELECT reason, data FROM journal WHERE case_id = $1 AND kind = $2', [input.caseId, 'notification.undeliverable'])).rows[0],
    );
    expect(entry.reason).toBe(`no member holds role "information_officer" at unit ${ASILAH}`);
    expect(entry.data).toEqual(expect.objectContaining({ template: 'task-assigned', alerted: ['demo-tanger-assilah-supervisor'] }));

    const problems = await listProblems(testDb.db, { caseId: input.caseId });
    expect(problems).toEqual([
      expect.objectContaining({ kind: 'unit_agents', role: 'information_officer', unit: ASILAH, template: 'task-assigned', alerted: ['demo-tanger-assilah-supervisor'] }),
    ]);
    // Once, however the activity is retried.
    expect(smtp.to(PROVINCE_SUPERVISOR).filter((m) => m.text.includes(input.reference))).toHaveLength(1);
    await handle.terminate('test over');
  }, 90_000);
});
