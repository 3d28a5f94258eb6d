/**
 * The calendar pass (activities/calendar-pass.ts) as an administrator meets it: a closure recorded
 * over HTTP moves the running cases' due dates in the read model without signalling them (the
 * case, its task in the inbox, its clocks, `next_due_at` all agree at once), queues the applicant's
 * notice with the new date, and keeps the moves for the cases, which journal them when they next
 * wake without telling anyone twice. A case that projects before it has woken (an action) does
 * not put the old date back.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { main } from '../../../cli/main';
import { createActivities } from '../../../activities';
import { createSmtpChannel } from '../../../activities/notifications';
import { dispatchNotices } from '../../../activities/notice-dispatch';
import { createProjectionActivities } from '../../../activities/projection';
import { createDbCalendarSource } from '../../../db/calendars';
import { createDirectory } from '../../../db/directory';
import type { NotifyInput } from '../../../activities/types';
import { addDays } from '../../../definitions/local-time';
import { calendarChangedSignal, caseWorkflowId, viewQuery } from '../../../workflows/messages';
import { startTestSmtp } from '../../support/smtp';
import { startHarness, TANGER, type CallerName, type Harness } from '../api/api-harness';

const PROCEDURE = `
id: permis-buvette
version: 1
title: { fr: Autorisation de buvette, ar: رخصة مقصف }
legalBasis: [{ law: Test }]
input:
  place: { type: text, label: { fr: Lieu, ar: المكان }, required: true, maxLength: 200 }
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: agent }
    actions:
      claim: { label: { fr: Prendre, ar: أخذ }, by: [agent], to: review }
      grant: { label: { fr: Accorder, ar: منح }, by: [agent], to: granted }
  granted: { kind: final, outcome: approved, label: { fr: Accordée, ar: ممنوحة } }
  refused_by_silence: { kind: final, outcome: tacitly_refused, label: { fr: Refus tacite, ar: رفض ضمني } }
clocks:
  answer:
    label: { fr: Délai de réponse, ar: أجل الرد }
    basis: test
    duration: 15 working days
    runsIn: [review]
    reminders: [3 working days]
    onExpiry: { decide: refused_by_silence }
notifications:
  - { on: case_filed, to: [applicant], template: receipt }
  - { on: deadline_moved, to: [applicant], template: deadline-moved }
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true, taskQueue: `calendar-pass-${Date.now()}`, procedures: [PROCEDURE] });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const auth = async (who: CallerName) => `Bearer ${await h.token(who)}`;

async function file(place: string) {
  const res = await request(h.app).post('/api/v1/cases').set('Authorization', await auth('applicant')).send({ procedure: 'permis-buvette', unit: TANGER, data: { place } });
  expect(res.status).toBe(201);
  return res.body as { caseId: string; filedAt: string; clocks: { name: string; dueAt: string; dueDate: string }[] };
}

/** The read model's three copies of a case's due instant, and the workflow's own. */
async function dues(caseId: string) {
  const clock = await h.t.db.query('SELECT due_at, calendar_version FROM case_clocks WHERE case_id = $1 AND name = $2', [caseId, 'answer']);
  const task = await h.t.db.query('SELECT due_at FROM case_tasks WHERE case_id = $1', [caseId]);
  const c = await h.t.db.query('SELECT next_due_at, view FROM cases WHERE case_id = $1', [caseId]);
  const viewClock = c.rows[0].view.clocks.find((k: { name: string }) => k.name === 'answer');
  const workflow = await h.client.workflow.getHandle(caseWorkflowId(caseId)).query(viewQuery);
  return {
    clock: (clock.rows[0].due_at as Date).toISOString(),
    version: clock.rows[0].calendar_version as number,
    task: (task.rows[0].due_at as Date).toISOString(),
    next: (c.rows[0].next_due_at as Date).toISOString(),
    view: viewClock.dueAt as string,
    workflow: workflow.clocks.find((k) => k.name === 'answer')?.dueAt as string,
  };
}

describe('the calendar pass', () => {
  it('should move every running case in the read model at once, queue the notices, and leave the journal to each case when it wakes', async () => {
    const cases = [await file('Place 1'), await file('Place 2'), await file('Place 3')];
    const before = await dues(cases[0]!.caseId);
    expect(new Set(Object.values({ ...before, version: undefined }).filter(Boolean))).toEqual(new Set([before.clock]));
    let closure = addDays(cases[0]!.filedAt.slice(0, 10), 2);
    while ([0, 6].includes(new Date(`${closure}T12:00:00Z`).getUTCDay())) closure = addDays(closure, 1);

    const recorded = await request(h.app)
      .post('/api/v1/calendars/ma-administration/holidays')
      .set('Authorization', await auth('admin'))
      .send({ kind: 'closure', date: closure, name: { fr: 'Fermeture exceptionnelle', ar: 'عطلة استثنائية' } });
    expect(recorded.status).toBe(201);
    const report = await h.client.workflow.getHandle(recorded.body.recompute.workflowId).result();
    // A closure inside the period moves every due date later: nobody needs waking.
    expect(report).toMatchObject({ moved: 3, signalled: 0, failed: [] });
    expect(report.cases).toBeGreaterThanOrEqual(3);

    for (const c of cases) {
      const after = await dues(c.caseId);
      // The read model agrees with itself on the new date, a working day later; the workflow still sleeps on the old one.
      expect(after).toMatchObject({ clock: after.task, next: after.task, view: after.task, version: recorded.body.version });
      expect(Date.parse(after.clock)).toBeGreaterThan(Date.parse(before.clock));
      expect(after.workflow).toBe(c.clocks.find((k) => k.name === 'answer')?.dueAt);
      const api = await request(h.app).get(`/api/v1/cases/${c.caseId}`).set('Authorization', await auth('applicant'));
      expect(api.body.clocks.find((k: { name: string }) => k.name === 'answer').dueAt).toBe(after.clock);
    }

    // The notices wait in the queue, one per case, with the date they announce; the dispatcher
    // sends them through the case's own mail path to a real SMTP server, once, and empties the queue.
    const queued = await h.t.db.query<{ case_id: string; input: NotifyInput }>('SELECT case_id, input FROM notice_queue WHERE case_id = ANY ($1) ORDER BY case_id', [cases.map((c) => c.caseId)]);
    expect(queued.rows).toHaveLength(3);
    expect(queued.rows.find((r) => r.case_id === cases[0]!.caseId)?.input).toMatchObject({
      event: 'deadline_moved',
      template: 'deadline-moved',
      to: ['applicant'],
      vars: { clock: 'answer', previousDueAt: before.clock, dueAt: (await dues(cases[0]!.caseId)).clock },
    });
    const smtp = await startTestSmtp();
    try {
      const mail = createActivities({ db: h.t.db, directory: createDirectory(h.t.db), channel: createSmtpChannel({ url: smtp.url }), calendars: createDbCalendarSource(h.t.db) });
      let failing = true;
      // The mail server refuses first: the notice stays queued with its error, then goes.
      const refused = await dispatchNotices(h.t.db, async () => {
        if (failing) throw new Error('mail server down');
      });
      expect(refused.failed).toBeGreaterThanOrEqual(3);
      expect((await h.t.db.query('SELECT count(*)::int AS n FROM notice_queue WHERE case_id = ANY ($1) AND last_error = $2', [cases.map((c) => c.caseId), 'mail server down'])).rows[0].n).toBe(3);
      failing = false;
      await h.t.db.query('UPDATE notice_queue SET not_before = now() WHERE case_id = ANY ($1)', [cases.map((c) => c.caseId)]);
      for (let i = 0; i < 5 && (await h.t.db.query('SELECT 1 FROM notice_queue WHERE case_id = ANY ($1)', [cases.map((c) => c.caseId)])).rowCount; i += 1) {
        await dispatchNotices(h.t.db, mail.notify);
      }
      expect((await h.t.db.query('SELECT count(*)::int AS n FROM notice_queue WHERE case_id = ANY ($1)', [cases.map((c) => c.caseId)])).rows[0].n).toBe(0);
      const moved = smtp.messages.filter((m) => m.to.includes('amina@example.ma'));
      expect(moved).toHaveLength(3);
      const newDate = (await dues(cases[0]!.caseId)).clock;
      const outbox = await h.t.db.query(`SELECT status, text FROM notification_outbox WHERE case_id = $1 AND event = 'deadline_moved'`, [cases[0]!.caseId]);
      expect(outbox.rows).toEqual([expect.objectContaining({ status: 'sent' })]);
      // The mail states both dates as the applicant reads them (Casablanca's calendar, in French).
      const fr = (instant: string) => new Intl.DateTimeFormat('fr-FR', { timeZone: 'Africa/Casablanca', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(instant));
      expect(outbox.rows[0].text).toContain(`Ancienne date limite : ${fr(before.clock)}`);
      expect(outbox.rows[0].text).toContain(`Nouvelle date limite : ${fr(newDate)}`);
    } finally {
      await smtp.close();
    }

    // An action on a case that has not woken since the change.
    const claimed = await request(h.app).post(`/api/v1/cases/${cases[1]!.caseId}/actions`).set('Authorization', await auth('agent')).send({ action: 'claim' });
    expect(claimed.status).toBe(200);
    // Its projection carried the old date and did not win; it told the case, which caught up at
    // once (journaled as the pass's move), and nobody is told a second time.
    let afterAction = await dues(cases[1]!.caseId);
    for (let i = 0; i < 100 && afterAction.workflow !== afterAction.clock; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      afterAction = await dues(cases[1]!.caseId);
    }
    expect(afterAction).toMatchObject({ clock: afterAction.task, next: afterAction.task, view: afterAction.task, workflow: afterAction.task });
    expect(Date.parse(afterAction.clock)).toBeGreaterThan(Date.parse(before.clock));
    const caughtUp = await h.t.db.query(`SELECT data FROM journal WHERE case_id = $1 AND kind = 'clock.recomputed'`, [cases[1]!.caseId]);
    expect(caughtUp.rows.map((r) => r.data)).toEqual([expect.objectContaining({ clock: 'answer', to: afterAction.clock, movedAt: expect.any(String) })]);
    expect((await h.t.db.query('SELECT count(*)::int AS n FROM notice_queue WHERE case_id = $1', [cases[1]!.caseId])).rows[0].n).toBe(0);

    // A projection racing the change (its workflow checked the calendar just before the change was
    // stored) carries the old date: it is moved in the projection's own transaction.
    const stored = await h.t.db.query('SELECT view, facts, data FROM cases WHERE case_id = $1', [cases[0]!.caseId]);
    const plan = (await h.t.db.query('SELECT plan FROM case_clocks WHERE case_id = $1 AND name = $2', [cases[0]!.caseId, 'answer'])).rows[0].plan;
    const stale = structuredClone(stored.rows[0].view);
    stale.sequence += 1;
    stale.clocks.find((k: { name: string }) => k.name === 'answer').dueAt = before.clock;
    for (const t of stale.tasks) t.dueAt = before.clock;
    const projection = createProjectionActivities({ db: h.t.db, calendars: createDbCalendarSource(h.t.db) });
    await projection.project({ view: stale, journal: [], facts: { ...stored.rows[0].facts, data: stored.rows[0].data }, plans: { answer: { ...plan, calendarVersion: plan.calendarVersion - 1 } } });
    const raced = await dues(cases[0]!.caseId);
    expect(raced).toMatchObject({ clock: raced.task, next: raced.task, view: raced.task, version: recorded.body.version });
    expect(Date.parse(raced.clock)).toBeGreaterThan(Date.parse(before.clock));

    // Woken (here by the signal an earlier date would send), the case takes the date and journals
    // the pass's move, without sending the notice again.
    const notifiedBefore = h.notifications.filter((n) => n.caseId === cases[2]!.caseId && n.event === 'deadline_moved').length;
    await h.client.workflow.getHandle(caseWorkflowId(cases[2]!.caseId)).signal(calendarChangedSignal, { calendarId: 'ma-administration', version: recorded.body.version });
    const moved = (await dues(cases[2]!.caseId)).clock;
    for (let i = 0; i < 100 && (await dues(cases[2]!.caseId)).workflow !== moved; i += 1) await new Promise((r) => setTimeout(r, 100));
    expect((await dues(cases[2]!.caseId)).workflow).toBe(moved);
    const journal = await h.t.db.query(`SELECT data FROM journal WHERE case_id = $1 AND kind = 'clock.recomputed'`, [cases[2]!.caseId]);
    expect(journal.rows).toHaveLength(1);
    expect(journal.rows[0].data).toMatchObject({ clock: 'answer', from: before.clock, to: moved, calendarVersion: recorded.body.version, movedAt: expect.any(String) });
    expect(h.notifications.filter((n) => n.caseId === cases[2]!.caseId && n.event === 'deadline_moved')).toHaveLength(notifiedBefore);
  }, 120_000);

  it('should do the same from a terminal: masar calendar add-closure moves the cases and says how many', async () => {
    const c = await file('Place 4');
    const before = await dues(c.caseId);
    let closure = addDays(c.filedAt.slice(0, 10), 3);
    while ([0, 6].includes(new Date(`${closure}T12:00:00Z`).getUTCDay())) closure = addDays(closure, 1);
    const dir = mkdtempSync(path.join(tmpdir(), 'masar-calendar-'));
    const calendarFile = path.join(dir, 'ma-administration.yaml');
    copyFileSync(path.join(__dirname, '..', '..', '..', 'definitions', 'calendars', 'ma-administration.yaml'), calendarFile);
    const out: string[] = [];
    const err: string[] = [];
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: h.t.url, TEMPORAL_ADDRESS: process.env.MASAR_TEST_TEMPORAL_ADDRESS ?? '' };
    const code = await main(['calendar', 'add-closure', '--date', closure, '--name-fr', 'Fermeture', '--name-ar', 'عطلة', '--file', calendarFile], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      cwd: process.cwd(),
      env,
    });
    expect({ code, err: err.filter((l) => !/looked at/.test(l)) }).toEqual({ code: 0, err: [] });
    expect(out.at(-1)).toMatch(/^moved [1-9]\d* due dates? of [1-9]\d* running cases? \(calendar v\d+\), [1-9]\d* notice\(s\) queued; signalled 0 /);
    const after = await dues(c.caseId);
    expect(Date.parse(after.clock)).toBeGreaterThan(Date.parse(before.clock));
    expect(after).toMatchObject({ task: after.clock, next: after.clock, view: after.clock });
  }, 60_000);
});
