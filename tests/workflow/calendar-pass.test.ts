/**
 * A calendar change as cases meet it since the calendar pass (activities/calendar-pass.ts): the
 * read model moves, the workflow is not signalled (unless its next wake comes earlier), and the
 * timer it set on the old calendar fires at the old instant. It must then re-check the calendar
 * before acting: no escalation, tacit decision or expiry on a day that is no longer the deadline.
 * On the time-skipping server, with the shipped calendar (Eid al-Fitr 1448 announced for 10 March
 * 2027) and acces-information v1, whose answer clock escalates, in every clock state: running,
 * suspended, extended, expired; and a change that brings the deadline earlier, which is signalled.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { CalendarMove } from '../../activities/types';
import { recordClosure, recordHoliday, type Calendar } from '../../definitions/calendar';
import { loadCalendar } from '../../definitions/calendar-file';
import { procedureCase } from '../../workflows/procedure-case';
import { actUpdate, calendarChangedSignal, caseWorkflowId, filedUpdate, viewQuery, type ActRequest, type CaseView } from '../../workflows/messages';
import { MutableCalendarSource, recordingActivities, type Recorded } from '../support/fake-activities';
import { AGENT, APPLICANT, caseInput, escalatingAccessProcedure } from '../support/procedures';
import { timeSkippingWorker } from '../support/temporal';
import { casablanca, skipTo } from '../support/time';

const TQ = 'calendar-pass';
let env: TestWorkflowEnvironment;
let calendars: MutableCalendarSource;
let recorded: Recorded;
let stop: () => Promise<void>;
/** The moves "the pass" made, as calendarState reports them to the cases. */
let moves: (CalendarMove & { caseId: string })[];

const withEid = (): Calendar => recordHoliday(loadCalendar(), { holiday: 'eid_al_fitr', hijriYear: 1448, start: '2027-03-10', source: 'test announcement' });
const closure = (calendar: Calendar, date: string): Calendar => recordClosure(calendar, { date, name: { fr: 'Fermeture exceptionnelle', ar: 'عطلة استثنائية' } });

beforeEach(async () => {
  calendars = new MutableCalendarSource(withEid());
  moves = [];
  const made = recordingActivities({ calendars, moves: (caseId, since) => moves.filter((m) => m.caseId === caseId && m.calendarVersion > since) });
  recorded = made.recorded;
  ({ env, stop } = await timeSkippingWorker(TQ, made.activities));
});
afterEach(async () => {
  await stop();
});

async function file(at: Date): Promise<{ handle: WorkflowHandle<typeof procedureCase>; caseId: string }> {
  await skipTo(env, at);
  const input = caseInput(escalatingAccessProcedure(), { data: { subject: 'budget 2026', format: 'electronic' } });
  const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId: caseWorkflowId(input.caseId), args: [input] });
  await handle.executeUpdate(filedUpdate);
  await act(handle, { action: 'start_review', actor: AGENT });
  return { handle, caseId: input.caseId };
}

const act = (handle: WorkflowHandle<typeof procedureCase>, req: ActRequest): Promise<CaseView> => handle.executeUpdate(actUpdate, { args: [req] });
const answer = async (handle: WorkflowHandle<typeof procedureCase>) => (await handle.query(viewQuery)).clocks.find((c) => c.name === 'answer');
const journal = (kind: string) => recorded.projections.flatMap((p) => p.journal).filter((j) => j.kind === kind);
const told = (event: string) => recorded.notifications.filter((n) => n.event === event);

/** What the pass does for a case: the calendar moves, the read model's move is recorded, no signal. */
function passMoves(caseId: string, next: Calendar, from: string, to: string): void {
  calendars.calendar = next;
  moves.push({ caseId, clock: 'answer', calendarVersion: next.version, from, to, at: new Date().toISOString() });
}

describe('a calendar change the case is not told of', () => {
  it('running: the timer set for the old deadline re-checks, moves to the new day, and escalates only then', async () => {
    const { handle, caseId } = await file(casablanca('2027-02-22', 10));
    const before = await answer(handle);
    expect(before?.dueDate).toBe('2027-03-24');
    // A closure on Monday 15 March: the 20th working day becomes Thursday 25 March.
    passMoves(caseId, closure(calendars.calendar, '2027-03-15'), before?.dueAt as string, new Date(casablanca('2027-03-26', 0).getTime() - 1).toISOString());

    // The old deadline passes: no escalation, the case now holds the new date.
    await skipTo(env, casablanca('2027-03-25', 9));
    let view = await handle.query(viewQuery);
    expect(view.escalation).toBeUndefined();
    expect(view.clocks.find((c) => c.name === 'answer')).toMatchObject({ status: 'running', dueDate: '2027-03-25' });
    // Journaled as the pass moved it, and not told again (the pass queued the notice).
    expect(journal('clock.recomputed').map((j) => j.data)).toEqual([expect.objectContaining({ clock: 'answer', from: before?.dueAt, movedAt: expect.any(String) })]);
    expect(told('deadline_moved')).toEqual([]);

    // The new deadline passes: escalated then.
    await skipTo(env, casablanca('2027-03-26', 9));
    view = await handle.query(viewQuery);
    expect(view.clocks.find((c) => c.name === 'answer')?.status).toBe('expired');
    expect(view.escalation).toMatchObject({ level: 'province', clock: 'answer' });
    await handle.terminate('test over');
  });

  it('running, without a recorded move (a case the pass did not reach): it recomputes and tells the people concerned itself', async () => {
    const { handle } = await file(casablanca('2027-02-22', 10));
    calendars.calendar = closure(calendars.calendar, '2027-03-15');
    await skipTo(env, casablanca('2027-03-25', 9));
    expect(await answer(handle)).toMatchObject({ status: 'running', dueDate: '2027-03-25' });
    expect(journal('clock.recomputed')).toHaveLength(1);
    for (let i = 0; i < 100 && told('deadline_moved').length === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(told('deadline_moved').length).toBeGreaterThan(0);
    await handle.terminate('test over');
  });

  it('suspended: the remaining time resumes on the calendar in force', async () => {
    const { handle } = await file(casablanca('2027-02-22', 10));
    await skipTo(env, casablanca('2027-03-02', 11));
    const waiting = await act(handle, { action: 'request_clarification', actor: AGENT, comment: 'Which year?' });
    expect(waiting.clocks.find((c) => c.name === 'answer')).toMatchObject({ status: 'suspended', remaining: expect.objectContaining({ days: 14 }) });
    // Recorded while suspended: a closure on Tuesday 23 March, inside what remains.
    calendars.calendar = closure(calendars.calendar, '2027-03-23');
    await skipTo(env, casablanca('2027-03-12', 9));
    const resumed = await act(handle, { action: 'clarify', actor: { id: APPLICANT.id, roles: ['applicant'] }, input: { clarification: '2026' } });
    // 14 working days from 15 March, 23 March closed: Friday 2 April instead of Thursday 1 April.
    expect(resumed.clocks.find((c) => c.name === 'answer')).toMatchObject({ status: 'running', dueDate: '2027-04-02' });
    await skipTo(env, casablanca('2027-04-02', 16));
    expect((await handle.query(viewQuery)).escalation).toBeUndefined();
    await handle.terminate('test over');
  });

  it('extended: the extended deadline moves, and the case escalates on the new one', async () => {
    const { handle, caseId } = await file(casablanca('2027-02-22', 10));
    await skipTo(env, casablanca('2027-03-15', 11));
    const extended = await act(handle, { action: 'extend', actor: AGENT, comment: 'Third parties must be consulted' });
    const before = extended.clocks.find((c) => c.name === 'answer');
    expect(before).toMatchObject({ extensions: 1, dueDate: '2027-04-21' });
    passMoves(caseId, closure(calendars.calendar, '2027-04-05'), before?.dueAt as string, new Date(casablanca('2027-04-23', 0).getTime() - 1).toISOString());
    await skipTo(env, casablanca('2027-04-22', 9));
    expect(await answer(handle)).toMatchObject({ status: 'running', extensions: 1, dueDate: '2027-04-22' });
    expect((await handle.query(viewQuery)).escalation).toBeUndefined();
    await skipTo(env, casablanca('2027-04-23', 9));
    expect((await handle.query(viewQuery)).escalation).toMatchObject({ level: 'province', clock: 'answer' });
    expect(told('deadline_moved')).toEqual([]);
    await handle.terminate('test over');
  });

  it('expired: a change recorded after the deadline reopens nothing', async () => {
    const { handle } = await file(casablanca('2027-02-22', 10));
    await skipTo(env, casablanca('2027-03-25', 9));
    expect((await handle.query(viewQuery)).escalation).toMatchObject({ level: 'province' });
    calendars.calendar = closure(calendars.calendar, '2027-03-15');
    await handle.signal(calendarChangedSignal, { calendarId: 'ma-administration', version: calendars.calendar.version });
    await skipTo(env, casablanca('2027-03-26', 9));
    expect(await answer(handle)).toMatchObject({ status: 'expired', dueDate: '2027-03-24' });
    expect(journal('clock.recomputed')).toEqual([]);
    await handle.terminate('test over');
  });

  it('earlier: a change that brings the deadline back is signalled, and the case escalates on the earlier day', async () => {
    // The case starts on a calendar with a closure on 15 March (due Thursday 25 March)...
    calendars.calendar = closure(withEid(), '2027-03-15');
    const { handle } = await file(casablanca('2027-02-22', 10));
    expect((await answer(handle))?.dueDate).toBe('2027-03-25');
    // ...which is withdrawn (a newer version without it): due Wednesday 24 March, earlier than the timer.
    calendars.calendar = { ...withEid(), version: calendars.calendar.version + 1 };
    await handle.signal(calendarChangedSignal, { calendarId: 'ma-administration', version: calendars.calendar.version });
    await skipTo(env, casablanca('2027-02-23', 10));
    expect((await answer(handle))?.dueDate).toBe('2027-03-24');
    await skipTo(env, casablanca('2027-03-25', 9));
    expect((await handle.query(viewQuery)).escalation).toMatchObject({ level: 'province', clock: 'answer' });
    await handle.terminate('test over');
  });
});
