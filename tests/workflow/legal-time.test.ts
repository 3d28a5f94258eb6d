/**
 * Legal time on the time-skipping server, with real dates of the Moroccan administration's
 * calendar (on version 1 of acces-information, whose answer clock escalates): law 31-13 deadlines across Eid al-Fitr 2027, extensions, suspension, urgency,
 * escalation up the hierarchy, and calendar changes reaching a running case.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { recordClosure, recordHoliday } from '../../definitions/calendar';
import { loadCalendar } from '../../definitions/calendar-file';
import { procedureCase } from '../../workflows/procedure-case';
import { actUpdate, calendarChangedSignal, caseWorkflowId, filedUpdate, RejectionType, viewQuery, type ActRequest, type CaseView } from '../../workflows/messages';
import { MutableCalendarSource, notified, recordingActivities, type Recorded } from '../support/fake-activities';
import { AGENT, APPLICANT, caseInput, escalatingAccessProcedure } from '../support/procedures';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';
import { casablanca, skipTo } from '../support/time';

const TQ = 'legal-time';
const SUPERVISOR_PROVINCE = { id: 'sup-prov', roles: ['supervisor'], unit: '01.511' };
let env: TestWorkflowEnvironment;
let calendars: MutableCalendarSource;
let recorded: Recorded;
let worker: Worker;
let running: Promise<void>;

/** The shipped calendar with Eid al-Fitr 1448 announced for Wednesday 10 March 2027. */
function calendarWithEid() {
  return recordHoliday(loadCalendar(), { holiday: 'eid_al_fitr', hijriYear: 1448, start: '2027-03-10', source: 'test announcement' });
}

beforeEach(async () => {
  env = await timeSkippingEnv();
  calendars = new MutableCalendarSource(calendarWithEid());
  const made = recordingActivities({ calendars });
  recorded = made.recorded;
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue: TQ, workflowBundle: await workflowBundle(), activities: made.activities });
  running = worker.run();
});
afterEach(async () => {
  worker.shutdown();
  await running;
  await env.teardown();
});

async function fileAccessRequest(at: Date): Promise<WorkflowHandle<typeof procedureCase>> {
  await skipTo(env, at);
  const input = caseInput(escalatingAccessProcedure(), { data: { subject: 'budget 2026', format: 'electronic' } });
  const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId: caseWorkflowId(input.caseId), args: [input] });
  await handle.executeUpdate(filedUpdate);
  return handle;
}

const act = (handle: WorkflowHandle<typeof procedureCase>, req: ActRequest): Promise<CaseView> =>
  handle.executeUpdate(actUpdate, { args: [req] });

const clock = (view: CaseView, name = 'answer') => view.clocks.find((c) => c.name === name);

describe('legal time', () => {
  it('should count 20 working days across Eid al-Fitr: on time on the 20th, escalated on the 21st', async () => {
    // Filed Monday 22 February 2027. Working days skip weekends and Eid (10-11 March): the 20th is Wednesday 24 March.
    const handle = await fileAccessRequest(casablanca('2027-02-22', 10));
    await act(handle, { action: 'start_review', actor: AGENT });
    let view = await handle.query(viewQuery);
    expect(clock(view)).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-03-24' }));
    expect(new Date(clock(view)!.dueAt!).getTime()).toBe(casablanca('2027-03-25', 0).getTime() - 1);

    await skipTo(env, casablanca('2027-03-24', 16, 0));
    view = await handle.query(viewQuery);
    expect(view.escalation).toBeUndefined();

    await skipTo(env, casablanca('2027-03-25', 9, 0));
    view = await handle.query(viewQuery);
    expect(clock(view)?.status).toBe('expired');
    expect(view.escalation).toEqual(expect.objectContaining({ level: 'province', unit: '01.511', clock: 'answer' }));
    expect(await notified(recorded, 'escalated')).toHaveLength(1);
    await handle.terminate('test over');
  });

  it('should answer on time on the 20th working day without escalating', async () => {
    const handle = await fileAccessRequest(casablanca('2027-02-22', 10));
    await act(handle, { action: 'start_review', actor: AGENT });
    await skipTo(env, casablanca('2027-03-24', 15, 0));
    const view = await act(handle, { action: 'answer', actor: AGENT, input: { document: '3b0f6f2c-8a1e-4d5b-9c3a-1f2e3d4c5b6a' } });
    expect(view).toEqual(expect.objectContaining({ state: 'answered', outcome: 'answered', status: 'closed' }));
    expect(view.escalation).toBeUndefined();
    await handle.result();
    const kinds = recorded.projections.flatMap((p) => p.journal).map((j) => j.kind);
    expect(kinds).not.toContain('escalated');
  });

  it('should grant one extension of 20 working days and refuse a second', async () => {
    const handle = await fileAccessRequest(casablanca('2027-02-22', 10));
    await act(handle, { action: 'start_review', actor: AGENT });
    await skipTo(env, casablanca('2027-03-15', 11));
    const extended = await act(handle, { action: 'extend', actor: AGENT, comment: 'Third parties must be consulted' });
    // 20 working days after Wednesday 24 March 2027.
    expect(clock(extended)).toEqual(expect.objectContaining({ status: 'running', extensions: 1, dueDate: '2027-04-21' }));
    expect((await notified(recorded, 'clock_extended'))[0]).toEqual(
      expect.objectContaining({ to: ['applicant'], vars: expect.objectContaining({ reason: 'Third parties must be consulted', dueDate: '2027-04-21' }) }),
    );
    const second = await act(handle, { action: 'extend', actor: AGENT, comment: 'again' }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (second as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(RejectionType.notAllowedInState);
    expect(cause.message).toContain('already extended 1 time(s); the law allows 1');
    await handle.terminate('test over');
  });

  it('should pause the clock while waiting for the applicant and resume with the same remaining time', async () => {
    const handle = await fileAccessRequest(casablanca('2027-02-22', 10));
    await act(handle, { action: 'start_review', actor: AGENT });
    // Tuesday 2 March: 23 Feb..2 Mar are used (6 working days, the day of suspension included);
    // 3-5, 8-9, 12, 15-19, 22-24 March remain: 14 working days.
    await skipTo(env, casablanca('2027-03-02', 11));
    const waiting = await act(handle, { action: 'request_clarification', actor: AGENT, comment: 'Which year?' });
    expect(clock(waiting)).toEqual(expect.objectContaining({ status: 'suspended', remaining: expect.objectContaining({ days: 14 }) }));
    // The applicant answers ten days later, Friday 12 March: 14 working days from the next day.
    await skipTo(env, casablanca('2027-03-12', 9));
    const resumed = await act(handle, { action: 'clarify', actor: { id: APPLICANT.id, roles: ['applicant'] }, input: { clarification: '2026' } });
    expect(resumed.state).toBe('review');
    // 15..19 March (5), 22..26 (10), 29, 30, 31 March and 1 April (14).
    expect(clock(resumed)).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-04-01' }));
    await handle.terminate('test over');
  });

  it('should run an urgent request on a 3-day clock', async () => {
    const handle = await fileAccessRequest(casablanca('2027-02-22', 10));
    const urgent = await act(handle, { action: 'mark_urgent', actor: AGENT, comment: 'Health at stake' });
    expect(clock(urgent, 'answer')?.status).toBe('stopped');
    expect(clock(urgent, 'urgent_answer')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-02-25' }));
    await skipTo(env, casablanca('2027-02-26', 9));
    const view = await handle.query(viewQuery);
    expect(view.escalation).toEqual(expect.objectContaining({ level: 'province', clock: 'urgent_answer' }));
    await handle.terminate('test over');
  });

  it('should climb from the province to the region then the DGCT when nobody acts', async () => {
    const handle = await fileAccessRequest(casablanca('2027-02-22', 10));
    await act(handle, { action: 'start_review', actor: AGENT });
    await skipTo(env, casablanca('2027-03-25', 9));
    expect((await handle.query(viewQuery)).escalation?.level).toBe('province');
    // 10 working days after 25 March: 8 April.
    await skipTo(env, casablanca('2027-04-09', 9));
    expect((await handle.query(viewQuery)).escalation).toEqual(expect.objectContaining({ level: 'region', unit: '01' }));
    await skipTo(env, casablanca('2027-04-24', 9));
    expect((await handle.query(viewQuery)).escalation).toEqual(expect.objectContaining({ level: 'ministry', unit: 'DGCT' }));
    const escalations = recorded.projections.flatMap((p) => p.journal).filter((j) => j.kind === 'escalated');
    expect(escalations.map((e) => e.data?.level)).toEqual(['province', 'region', 'ministry']);
    expect((await notified(recorded, 'escalated', 3)).map((n) => n.vars.escalation)).toEqual([
      { level: 'province', unit: '01.511' },
      { level: 'region', unit: '01' },
      { level: 'ministry', unit: 'DGCT' },
    ]);
    await handle.terminate('test over');
  });

  it('should let a supervisor of the province act on the escalated case', async () => {
    const handle = await fileAccessRequest(casablanca('2027-02-22', 10));
    await act(handle, { action: 'start_review', actor: AGENT });
    await skipTo(env, casablanca('2027-03-25', 9));
    const taken = await act(handle, { action: 'escalation.take_over', actor: SUPERVISOR_PROVINCE, comment: 'I answer myself' });
    expect(taken.tasks[0]).toEqual(expect.objectContaining({ assignee: SUPERVISOR_PROVINCE.id }));
    const answered = await act(handle, { action: 'answer', actor: SUPERVISOR_PROVINCE, input: { document: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' } });
    expect(answered).toEqual(expect.objectContaining({ state: 'answered', status: 'closed' }));
    await handle.result();
  });

  it('should move the due instant of a running case when a new closure day is recorded', async () => {
    const handle = await fileAccessRequest(casablanca('2027-02-22', 10));
    await act(handle, { action: 'start_review', actor: AGENT });
    expect(clock(await handle.query(viewQuery))?.dueDate).toBe('2027-03-24');
    calendars.calendar = recordClosure(calendars.calendar, { date: '2027-03-15', name: { fr: 'Fermeture exceptionnelle', ar: 'عطلة استثنائية' } });
    await handle.signal(calendarChangedSignal, { calendarId: 'ma-administration', version: calendars.calendar.version });
    await skipTo(env, casablanca('2027-02-23', 10));
    const view = await handle.query(viewQuery);
    expect(clock(view)?.dueDate).toBe('2027-03-25');
    const moved = recorded.projections.flatMap((p) => p.journal).find((j) => j.kind === 'clock.recomputed');
    expect(moved?.data).toEqual(expect.objectContaining({ clock: 'answer' }));
    await handle.terminate('test over');
  });

  it('should remind the task holders 5 and 1 working days before the deadline', async () => {
    const handle = await fileAccessRequest(casablanca('2027-02-22', 10));
    await act(handle, { action: 'start_review', actor: AGENT });
    // Due end of Wednesday 24 March: 5 working days before is the end of Wednesday 17 March.
    await skipTo(env, casablanca('2027-03-17', 23, 0));
    expect(recorded.notifications.filter((n) => n.event === 'clock_reminder')).toHaveLength(0);
    await skipTo(env, casablanca('2027-03-18', 9));
    expect(await notified(recorded, 'clock_reminder')).toHaveLength(1);
    await skipTo(env, casablanca('2027-03-24', 9));
    const reminders = await notified(recorded, 'clock_reminder', 2);
    expect(reminders).toHaveLength(2);
    expect(reminders[1]).toEqual(expect.objectContaining({ to: ['assignee'], task: expect.objectContaining({ role: 'information_officer', unit: AGENT.unit }) }));
    await handle.terminate('test over');
  });

  it('should let a supervisor reassign an escalated task to another commune, whose agent then answers', async () => {
    const handle = await fileAccessRequest(casablanca('2027-02-22', 10));
    await act(handle, { action: 'start_review', actor: AGENT });
    await skipTo(env, casablanca('2027-03-25', 9));
    const reassigned = await act(handle, {
      action: 'escalation.reassign',
      actor: SUPERVISOR_PROVINCE,
      input: { unit: '01.511.01.03' },
      // What the act use case resolves through the directory before the workflow checks scope.
      units: { unit: { code: '01.511.01.03', province: '01.511', region: '01', ministry: 'DGCT' } },
      comment: 'Asilah holds the archives',
    });
    expect(reassigned.tasks[0]?.unit).toBe('01.511.01.03');
    const before = await act(handle, { action: 'answer', actor: AGENT, input: {} }).catch((e: unknown) => e);
    expect(((before as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(RejectionType.forbidden);
    const asilah = { id: 'agent-asilah', roles: ['information_officer'], unit: '01.511.01.03' };
    expect((await act(handle, { action: 'answer', actor: asilah, input: {} })).outcome).toBe('answered');
  });

  it('should let a supervisor decide an escalated case, with a reason, and refuse a supervisor of another province', async () => {
    const handle = await fileAccessRequest(casablanca('2027-02-22', 10));
    await act(handle, { action: 'start_review', actor: AGENT });
    await skipTo(env, casablanca('2027-03-25', 9));
    const stranger = { id: 'sup-haouz', roles: ['supervisor'], unit: '07.041' };
    const refused = await act(handle, { action: 'escalation.decide', actor: stranger, input: { state: 'refused' }, comment: 'x' }).catch((e: unknown) => e);
    expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(RejectionType.forbidden);
    const noReason = await act(handle, { action: 'escalation.decide', actor: SUPERVISOR_PROVINCE, input: { state: 'refused' } }).catch((e: unknown) => e);
    expect(((noReason as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(RejectionType.invalidInput);
    const decided = await act(handle, { action: 'escalation.decide', actor: SUPERVISOR_PROVINCE, input: { state: 'refused' }, comment: 'Information held by another body' });
    expect(decided).toEqual(expect.objectContaining({ state: 'refused', outcome: 'refused', status: 'closed' }));
    const entry = recorded.projections.flatMap((p) => p.journal).find((j) => j.kind === 'escalation.decide');
    expect(entry).toEqual(expect.objectContaining({ reason: 'Information held by another body', actor: expect.objectContaining({ id: 'sup-prov', unit: '01.511' }) }));
    expect((await notified(recorded, 'decided'))[0]?.vars.reason).toBe('Information held by another body');
  });
});
