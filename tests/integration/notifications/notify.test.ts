/**
 * The notify activity against a real PostgreSQL (real migrations) and a real SMTP server.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createSmtpChannel } from '../../../activities/notifications/channels/smtp';
import { deliverPending } from '../../../activities/notifications/delivery';
import { createNotificationActivities } from '../../../activities/notifications/notify';
import type { Member, RecipientDirectory } from '../../../activities/notifications/recipients';
import { SAMPLE_INPUTS } from '../../../activities/notifications/samples';
import type { NotifyInput } from '../../../activities/types';
import { listProblems } from '../../../db/notification-problems';
import { listOutbox } from '../../../db/outbox';
import { createTestDb, type TestDb } from '../../support/db';
import { startTestSmtp, type TestSmtp } from '../../support/smtp';

const COMMUNE = '141.01.01';
const PROVINCE = '141';

type Person = Member & { unit: string; roles: string[] };
const UNITS = [
  { code: PROVINCE, name: { fr: 'Préfecture de Rabat', ar: 'عمالة الرباط' }, parentCode: null },
  { code: COMMUNE, name: { fr: 'Commune de Rabat-Hassan', ar: 'جماعة الرباط حسان' }, parentCode: PROVINCE },
  // A commune with no member at all.
  { code: 'commune-2', name: { fr: 'Commune de Touarga', ar: 'جماعة تواركة' }, parentCode: PROVINCE },
];
const PEOPLE: Person[] = [
  { id: 'agent-fr', name: 'Karim Alaoui', email: 'karim@commune.ma', language: 'fr', unit: COMMUNE, roles: ['information_officer'] },
  { id: 'agent-ar', name: 'نادية الإدريسي', email: 'nadia@commune.ma', language: 'ar', unit: COMMUNE, roles: ['information_officer'] },
  { id: 'sup-commune', name: 'Le président', email: 'president@commune.ma', language: 'fr', unit: COMMUNE, roles: ['supervisor'] },
  { id: 'sup-province', name: 'العامل', email: 'gouverneur@prefecture.ma', language: 'ar', unit: PROVINCE, roles: ['supervisor'] },
];
const directory: RecipientDirectory = {
  members: async (unit, role) => PEOPLE.filter((p) => p.unit === unit && p.roles.includes(role)),
  supervisors: async (unit) => PEOPLE.filter((p) => p.unit === unit && p.roles.includes('supervisor')),
  member: async (id) => PEOPLE.find((p) => p.id === id),
  getUnit: async (code) => UNITS.find((u) => u.code === code),
};

const APPLICANT_AR = { id: 'app-1', name: 'سلمى بناني', email: 'salma@example.ma', language: 'ar' as const };

let testDb: TestDb;
let smtp: TestSmtp;
let caseCounter = 0;

beforeAll(async () => {
  testDb = await createTestDb();
  smtp = await startTestSmtp();
});
afterAll(async () => {
  await smtp?.close();
  await testDb?.drop();
});
beforeEach(async () => {
  await smtp.start();
});

/** A sample input on a case of its own, so tests never see each other's messages. */
function onNewCase(input: NotifyInput, overrides: Partial<NotifyInput> = {}): NotifyInput {
  caseCounter += 1;
  return { ...input, caseId: `case-${caseCounter}`, applicant: APPLICANT_AR, ...overrides };
}

function activities() {
  return createNotificationActivities({ db: testDb.db, directory, channel: createSmtpChannel({ url: smtp.url, timeoutMs: 2000 }) });
}

const arrivedFor = (caseRows: { id: string }[]) =>
  smtp.messages.filter((m) => caseRows.some((r) => m.messageId === `<${r.id}@masar.local>`));

describe('notify, when a recipient kind reaches nobody', () => {
  const task = SAMPLE_INPUTS['task-assigned'].task!;

  it("should record it, tell the unit's supervisors in their language, and return it for the journal", async () => {
    const input = onNewCase(SAMPLE_INPUTS['task-assigned'], { task: { ...task, role: 'urbanism_officer', assignee: undefined } });
    const result = await activities().notify(input);
    expect(result.messages).toEqual([]);
    expect(result.undeliverable).toEqual([{ kind: 'unit_agents', role: 'urbanism_officer', unit: COMMUNE, reason: `no member holds role "urbanism_officer" at unit ${COMMUNE}` }]);
    expect(result.alerted).toEqual(['sup-commune']);
    const mine = (m: { text: string }) => m.text.includes(`/api/v1/cases/${input.caseId}\n`);
    const [alert, ...more] = smtp.to('president@commune.ma').filter(mine);
    expect(more).toHaveLength(0);
    expect(alert!.text).toContain("aucun membre n'a le rôle « urbanism_officer » à Commune de Rabat-Hassan");
    const problems = await listProblems(testDb.db, { caseId: input.caseId });
    expect(problems).toEqual([expect.objectContaining({ kind: 'unit_agents', role: 'urbanism_officer', unit: COMMUNE, alerted: ['sup-commune'] })]);
    // A retry records and sends nothing more.
    await activities().notify(input);
    expect(await listProblems(testDb.db, { caseId: input.caseId })).toHaveLength(1);
    expect(smtp.to('president@commune.ma').filter(mine)).toHaveLength(1);
  });

  it('should tell the supervisors of the unit above when the missing people are the supervisors themselves', async () => {
    const input = onNewCase(SAMPLE_INPUTS['task-assigned'], { to: ['supervisors'], task: { ...task, unit: 'commune-2' } });
    const result = await activities().notify(input);
    expect(result.undeliverable).toEqual([expect.objectContaining({ kind: 'supervisors', unit: 'commune-2' })]);
    expect(result.alerted).toEqual(['sup-province']);
  });

  it('should still record the problem when nobody at all can be told', async () => {
    const input = onNewCase(SAMPLE_INPUTS['task-assigned'], { to: ['supervisors'], task: { ...task, unit: 'no-such-unit' } });
    const result = await activities().notify(input);
    expect(result.alerted).toEqual([]);
    expect(await listProblems(testDb.db, { caseId: input.caseId })).toEqual([expect.objectContaining({ kind: 'supervisors', unit: 'no-such-unit', alerted: [] })]);
  });

  it('should climb to the province when the commune has no supervisor', async () => {
    const input = onNewCase(SAMPLE_INPUTS['task-assigned'], { task: { ...task, unit: 'commune-2', role: 'information_officer', assignee: undefined } });
    const result = await activities().notify(input);
    expect(result.alerted).toEqual(['sup-province']);
    const alert = smtp.to('gouverneur@prefecture.ma').find((m) => m.text.includes(`/api/v1/cases/${input.caseId}\n`));
    expect(alert?.text).toContain('لا يوجد أي عضو له دور «information_officer» لدى جماعة تواركة');
  });
});

describe('notify', () => {
  it('should deliver the receipt in both languages with the legal deadline date', async () => {
    const input = onNewCase(SAMPLE_INPUTS.receipt, {
      reference: 'AI-2026-000501',
      vars: { filedAt: '2026-04-06T08:05:00Z', dueDate: '2026-05-05' },
    });
    const result = await activities().notify(input);

    expect(result.messages).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{32}$/), recipient: 'app-1', status: 'sent' }]);
    const [mail, ...others] = smtp.to('salma@example.ma').filter((m) => m.subject.includes('AI-2026-000501'));
    expect(others).toHaveLength(0);
    expect(mail!.messageId).toBe(`<${result.messages[0]!.id}@masar.local>`);
    expect(mail!.subject).toBe('وصل الإيداع AI-2026-000501 – Récépissé de dépôt');
    expect(mail!.headers.get('content-language')).toBe('ar');
    expect(mail!.text).toContain('آخر أجل للرد: 5 ماي 2026');
    expect(mail!.text).toContain('Date limite légale de réponse : 5 mai 2026');
    expect(mail!.text).toContain('Date de dépôt : 6 avril 2026 à 09:05');
    expect(mail!.html).toContain('<html dir="rtl" lang="ar">');
    expect(mail!.html).toContain('<td dir="ltr" lang="fr"');

    const [row] = await listOutbox(testDb.db, input.caseId);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, language: 'ar', template: 'receipt', event: 'case_filed', lastError: null });
    expect(row!.sentAt).toBeInstanceOf(Date);
  });

  it.each([
    ['task-assigned', [['karim@commune.ma', 'fr'], ['nadia@commune.ma', 'ar']]],
    ['clock-reminder', [['nadia@commune.ma', 'ar']]],
    ['clock-extended', [['salma@example.ma', 'ar']]],
    ['information-requested', [['salma@example.ma', 'ar']]],
    ['escalation', [['gouverneur@prefecture.ma', 'ar']]],
    ['decision', [['salma@example.ma', 'ar']]],
    ['case-closed', [['salma@example.ma', 'ar']]],
    ['tacit-approval', [['salma@example.ma', 'ar']]],
  ] as const)('should deliver %s to the right people in their language', async (template, expected) => {
    const sample = SAMPLE_INPUTS[template];
    const input = onNewCase(sample, { task: { ...sample.task!, assignee: 'agent-ar' } });
    const result = await activities().notify(input);

    const rows = await listOutbox(testDb.db, input.caseId);
    const mails = arrivedFor(rows);
    expect(mails.map((m) => [m.to[0], m.headers.get('content-language')]).sort()).toEqual(expected.map((e) => [...e]).sort());
    for (const mail of mails) {
      const arabic = mail.headers.get('content-language') === 'ar';
      expect(mail.html).toContain(arabic ? 'dir="rtl" lang="ar"' : 'dir="ltr" lang="fr"');
      expect(/[\u0600-\u06FF]/.test(mail.subject)).toBe(arabic);
    }
    expect(result.messages.every((m) => m.status === 'sent')).toBe(true);
    expect(rows.map((r) => r.status)).toEqual(expected.map(() => 'sent'));
  });

  it('should send once when called twice with the same input', async () => {
    const input = onNewCase(SAMPLE_INPUTS['task-assigned']);
    const first = await activities().notify(input);
    const second = await activities().notify(input);

    expect(second.messages).toEqual(first.messages);
    const rows = await listOutbox(testDb.db, input.caseId);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    expect(arrivedFor(rows)).toHaveLength(2);
  });

  it('should fail retryably while the mail server is down and deliver each message exactly once after', async () => {
    const input = onNewCase(SAMPLE_INPUTS['task-assigned']);
    await smtp.stop();

    const failure = await activities().notify(input).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(ApplicationFailure);
    expect((failure as Error).message).toMatch(/notify case case-\d+, event task_assigned: 2 of 2 messages not sent .*ECONNREFUSED/);
    const down = await listOutbox(testDb.db, input.caseId);
    expect(down.map((r) => [r.status, r.attempts])).toEqual([['failed', 1], ['failed', 1]]);
    expect(down[0]!.lastError).toMatch(/^smtp: .*ECONNREFUSED/);
    expect(arrivedFor(down)).toHaveLength(0);

    await smtp.start();
    const retried = await activities().notify(input);
    expect(retried.messages.map((m) => m.status)).toEqual(['sent', 'sent']);
    const up = await listOutbox(testDb.db, input.caseId);
    expect(up.map((r) => [r.status, r.attempts, r.lastError])).toEqual([['sent', 2, null], ['sent', 2, null]]);
    const counts = smtp.countByMessageId();
    expect(up.map((r) => counts.get(`<${r.id}@masar.local>`))).toEqual([1, 1]);
  });

  it('should not send again on retry what went out before the server went down', async () => {
    const input = onNewCase(SAMPLE_INPUTS['task-assigned']);
    // The server goes down right after accepting the first message of the batch.
    const real = createSmtpChannel({ url: smtp.url, timeoutMs: 2000 });
    const channel = {
      name: 'smtp',
      send: async (message: Parameters<typeof real.send>[0]) => {
        const sent = await real.send(message);
        await smtp.stop();
        return sent;
      },
    };
    const flaky = createNotificationActivities({ db: testDb.db, directory, channel });
    await expect(flaky.notify(input)).rejects.toThrow(/1 of 2 messages not sent/);
    expect((await listOutbox(testDb.db, input.caseId)).map((r) => r.status).sort()).toEqual(['failed', 'sent']);

    await smtp.start();
    await activities().notify(input);
    const rows = await listOutbox(testDb.db, input.caseId);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    const counts = smtp.countByMessageId();
    expect(rows.map((r) => counts.get(`<${r.id}@masar.local>`))).toEqual([1, 1]);
  });

  it('should deliver each message once when a retry and two sweepers race', async () => {
    const input = onNewCase(SAMPLE_INPUTS['task-assigned']);
    await smtp.stop();
    await expect(activities().notify(input)).rejects.toThrow(/not sent/);
    await smtp.start();

    const channel = createSmtpChannel({ url: smtp.url, timeoutMs: 2000 });
    await Promise.all([activities().notify(input), deliverPending(testDb.db, channel), deliverPending(testDb.db, channel)]);
    const rows = await listOutbox(testDb.db, input.caseId);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    const counts = smtp.countByMessageId();
    expect(rows.map((r) => counts.get(`<${r.id}@masar.local>`))).toEqual([1, 1]);
  });

  it('should let the sweeper send what failed, without the activity', async () => {
    const input = onNewCase(SAMPLE_INPUTS.decision);
    await smtp.stop();
    await expect(activities().notify(input)).rejects.toThrow(/not sent/);
    await smtp.start();

    const summary = await deliverPending(testDb.db, createSmtpChannel({ url: smtp.url }));
    expect(summary.sent).toBeGreaterThanOrEqual(1);
    expect(summary.failed).toBe(0);
    const [row] = await listOutbox(testDb.db, input.caseId);
    expect(row!.status).toBe('sent');
    expect(smtp.countByMessageId().get(`<${row!.id}@masar.local>`)).toBe(1);
  });

  it('should fail permanently on a missing template variable and record nothing', async () => {
    const input = onNewCase(SAMPLE_INPUTS.receipt, { vars: { filedAt: '2026-04-06T08:05:00Z' } });
    const failure = await activities().notify(input).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'TemplateError', nonRetryable: true });
    expect((failure as Error).message).toMatch(/template "receipt" \(ar, text\): \{\{date\}\} needs a date/);
    expect(await listOutbox(testDb.db, input.caseId)).toEqual([]);
  });

  it('should skip and report a recipient without an e-mail address', async () => {
    const input = onNewCase(SAMPLE_INPUTS.decision, { applicant: { id: 'app-counter', name: 'Ahmed', language: 'fr' } });
    const result = await activities().notify(input);
    expect(result.messages).toEqual([]);
    expect(result.skipped).toEqual([{ recipient: 'app-counter', reason: expect.stringContaining('no e-mail address') }]);
    expect(await listOutbox(testDb.db, input.caseId)).toEqual([]);
  });
});
