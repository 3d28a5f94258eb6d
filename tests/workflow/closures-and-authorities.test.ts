/**
 * Issue 15 on the time-skipping server: a closure limited to a prefecture moves the clocks of the
 * cases filed below it and no other; a case filed at an arrondissement escalates to the governor's
 * services of its prefecture; an applicant's period ending on a weekend ends on the next working day.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { recordClosure } from '../../definitions/calendar';
import { loadCalendar } from '../../definitions/calendar-file';
import { procedureCase } from '../../workflows/procedure-case';
import { actUpdate, calendarChangedSignal, caseWorkflowId, filedUpdate, viewQuery, type ActRequest, type CaseUnit, type CaseView } from '../../workflows/messages';
import { MutableCalendarSource, notified, recordingActivities, type Recorded } from '../support/fake-activities';
import { APPLICANT, caseInput, compileYaml } from '../support/procedures';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';
import { casablanca, skipTo } from '../support/time';

const TQ = 'closures-authorities';

/** An arrondissement of Tanger (commune with arrondissements), below the prefecture of Tanger-Assilah. */
const TANGER_MEDINA: CaseUnit = { code: '01.511.01.11', name: { fr: 'Tanger-Médina', ar: 'طنجة المدينة' }, commune: '01.511.01.01', province: '01.511', region: '01', ministry: 'DGCT' };
/** A commune of the province of Al Haouz, elsewhere in the kingdom. */
const TAHANNAOUT: CaseUnit = { code: '07.041.01.01', name: { fr: 'Tahannaout', ar: 'تحناوت' }, province: '07.041', region: '07', ministry: 'DGCT' };

const PROCEDURE = compileYaml(`
id: closures-test
version: 1
title: { fr: Test, ar: اختبار }
legalBasis: [{ law: Test }]
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: agent }
    actions:
      ask: { label: { fr: Pièces, ar: وثائق }, by: [agent], to: documents }
      approve: { label: { fr: Approuver, ar: موافقة }, by: [agent], to: approved }
  documents:
    kind: waiting
    label: { fr: Pièces, ar: وثائق }
    timeout: { after: 5 days, to: abandoned }
    actions:
      provide: { label: { fr: Fournir, ar: تقديم }, by: [applicant], to: review }
  approved: { kind: final, label: { fr: Approuvé, ar: مقبول }, outcome: approved }
  abandoned: { kind: final, label: { fr: Abandonné, ar: متخلى عنه }, outcome: abandoned }
clocks:
  answer:
    label: { fr: Délai, ar: الأجل }
    duration: 10 working days
    runsIn: [review]
    suspendedIn: [documents]
    onExpiry: { escalate: true }
escalation:
  levels: [province, region, ministry]
  interval: 5 working days
`);

let env: TestWorkflowEnvironment;
let calendars: MutableCalendarSource;
let recorded: Recorded;
let worker: Worker;
let running: Promise<void>;

beforeEach(async () => {
  env = await timeSkippingEnv();
  calendars = new MutableCalendarSource(loadCalendar());
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

async function file(unit: CaseUnit): Promise<WorkflowHandle<typeof procedureCase>> {
  const input = caseInput(PROCEDURE, { unit, filedBy: { id: APPLICANT.id, roles: ['applicant'] } });
  const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId: caseWorkflowId(input.caseId), args: [input] });
  await handle.executeUpdate(filedUpdate);
  return handle;
}
const act = (handle: WorkflowHandle<typeof procedureCase>, req: ActRequest): Promise<CaseView> => handle.executeUpdate(actUpdate, { args: [req] });
const answer = (view: CaseView) => view.clocks.find((c) => c.name === 'answer');

describe('closures and authorities', () => {
  it('should move the deadline of a case below a closed prefecture by the closed days, and not of a case elsewhere', async () => {
    // Filed Monday 1 February 2027: 10 working days end Monday 15 February.
    await skipTo(env, casablanca('2027-02-01', 10));
    const inTanger = await file(TANGER_MEDINA);
    const inAlHaouz = await file(TAHANNAOUT);
    for (const h of [inTanger, inAlHaouz]) expect(answer(await h.query(viewQuery))?.dueDate).toBe('2027-02-15');

    // Floods: the prefecture of Tanger-Assilah closes its offices Monday 8 to Wednesday 10 February.
    calendars.calendar = recordClosure(calendars.calendar, {
      date: '2027-02-08',
      until: '2027-02-10',
      cause: 'force_majeure',
      units: ['01.511'],
      name: { fr: 'Intempéries', ar: 'اضطرابات جوية' },
    });
    // Both are signalled here; the broadcast only reaches the first (tests/integration/calendar).
    for (const h of [inTanger, inAlHaouz]) await h.signal(calendarChangedSignal, { calendarId: 'ma-administration', version: calendars.calendar.version });
    await skipTo(env, casablanca('2027-02-02', 10));
    expect(answer(await inTanger.query(viewQuery))?.dueDate).toBe('2027-02-18');
    expect(answer(await inAlHaouz.query(viewQuery))?.dueDate).toBe('2027-02-15');

    // Tahannaout's case is late on Tuesday 16; Tanger-Médina's is not.
    await skipTo(env, casablanca('2027-02-16', 10));
    expect((await inAlHaouz.query(viewQuery)).escalation).toEqual(expect.objectContaining({ level: 'province', unit: '07.041' }));
    expect((await inTanger.query(viewQuery)).escalation).toBeUndefined();
    for (const h of [inTanger, inAlHaouz]) await h.terminate('test over');
  });

  it('should escalate a case filed at an arrondissement to the governor of its prefecture, who may act on it', async () => {
    await skipTo(env, casablanca('2027-02-01', 10));
    const handle = await file(TANGER_MEDINA);
    await skipTo(env, casablanca('2027-02-16', 10));
    const view = await handle.query(viewQuery);
    expect(view.escalation).toEqual(expect.objectContaining({ level: 'province', unit: '01.511', units: ['01.511'] }));
    const [escalated] = await notified(recorded, 'escalated');
    expect(escalated).toEqual(expect.objectContaining({ to: ['supervisors'], unit: expect.objectContaining({ code: '01.511.01.11', commune: '01.511.01.01' }) }));
    expect(escalated?.vars.escalation).toEqual(expect.objectContaining({ level: 'province', unit: '01.511' }));
    // The governor's services of the prefecture decide; those of another province may not.
    const governor = { id: 'dcl-tanger', roles: ['supervisor', 'governor_services'], unit: '01.511' };
    await expect(act(handle, { action: 'escalation.take_over', actor: { ...governor, id: 'dcl-alhaouz', unit: '07.041' } })).rejects.toThrow();
    const taken = await act(handle, { action: 'escalation.take_over', actor: governor });
    expect(taken.escalation?.takenOver?.by).toBe('dcl-tanger');
    await handle.terminate('test over');
  });

  it("should end the applicant's period on the next working day when it ends on a weekend", async () => {
    // Asked for documents Monday 1 February 2027: 5 days end Saturday 6, moved to the end of Monday 8.
    await skipTo(env, casablanca('2027-02-01', 10));
    const handle = await file(TAHANNAOUT);
    const waiting = await act(handle, { action: 'ask', actor: { id: 'agent-t', roles: ['agent'], unit: TAHANNAOUT.code } });
    expect(waiting.waitingUntil).toBe(new Date(casablanca('2027-02-09', 0).getTime() - 1).toISOString());
    await skipTo(env, casablanca('2027-02-08', 16));
    expect((await handle.query(viewQuery)).state).toBe('documents');
    await skipTo(env, casablanca('2027-02-09', 9));
    expect((await handle.query(viewQuery)).state).toBe('abandoned');
  });
});
