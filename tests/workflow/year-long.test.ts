/**
 * A case that runs a year: filed, reminded, escalated up to the ministry, and worked on every week
 * (the agent claims and releases the task) without being decided. Its history stays bounded: the
 * workflow continues as new past its threshold, each run's history stays near it, and the case
 * carries on as one (journal sequences contiguous across runs, escalation and clocks kept). On the
 * time-skipping server, with acces-information v1 (its answer clock escalates) and a low threshold
 * so a year makes several runs.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { recordHoliday } from '../../definitions/calendar';
import { loadCalendar } from '../../definitions/calendar-file';
import { addDays } from '../../definitions/local-time';
import { procedureCase } from '../../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate, TaskActions, viewQuery, type ActRequest, type CaseView } from '../../workflows/messages';
import { MutableCalendarSource, recordingActivities, type Recorded } from '../support/fake-activities';
import { AGENT, caseInput, escalatingAccessProcedure } from '../support/procedures';
import { timeSkippingWorker } from '../support/temporal';
import { casablanca, skipTo } from '../support/time';

const TQ = 'year-long';
const THRESHOLD = 150;
let env: TestWorkflowEnvironment;
let recorded: Recorded;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const calendars = new MutableCalendarSource(recordHoliday(loadCalendar(), { holiday: 'eid_al_fitr', hijriYear: 1448, start: '2027-03-10', source: 'test announcement' }));
  const made = recordingActivities({ calendars });
  recorded = made.recorded;
  ({ env, stop } = await timeSkippingWorker(TQ, made.activities));
});
afterAll(async () => {
  await stop?.();
});

const act = (handle: WorkflowHandle<typeof procedureCase>, req: ActRequest): Promise<CaseView> => handle.executeUpdate(actUpdate, { args: [req] });

/** Every run of the case, newest first, with its history's length, following continue-as-new back. */
async function runs(workflowId: string): Promise<{ runId: string; events: number }[]> {
  const out: { runId: string; events: number }[] = [];
  let runId: string | undefined = (await env.client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history: { events?: { workflowExecutionStartedEventAttributes?: { continuedExecutionRunId?: string | null } | null }[] | null } = await env.client.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const events = history.events ?? [];
    out.push({ runId, events: events.length });
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return out;
}

describe('a case that runs a year', () => {
  it('should keep each run of its history near the threshold, and carry the case whole from run to run', async () => {
    await skipTo(env, casablanca('2027-02-22', 10));
    const input = caseInput(escalatingAccessProcedure(), { data: { subject: 'budget 2026', format: 'electronic' }, tuning: { continueAsNewAfterEvents: THRESHOLD } });
    const workflowId = caseWorkflowId(input.caseId);
    const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId, args: [input] });
    await handle.executeUpdate(filedUpdate);
    await act(handle, { action: 'start_review', actor: AGENT });

    // Every Monday for a year, the agent picks the task up and puts it down again.
    let day = '2027-03-01';
    for (let week = 0; week < 52; week += 1) {
      await skipTo(env, casablanca(day, 10));
      const latest = env.client.workflow.getHandle(workflowId);
      await act(latest, { action: TaskActions.claim, actor: AGENT });
      await act(latest, { action: TaskActions.release, actor: AGENT });
      day = addDays(day, 7);
    }
    const view = await env.client.workflow.getHandle(workflowId).query(viewQuery);
    expect(view).toMatchObject({ status: 'open', state: 'review', escalation: { level: 'ministry', unit: 'DGCT' } });
    expect(view.clocks.find((c) => c.name === 'answer')).toMatchObject({ status: 'expired', dueDate: '2027-03-24' });

    const all = await runs(workflowId);
    // ~2 x 52 actions, 3 climbs and 2 reminders: several runs, none much past the threshold.
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const r of all) expect(r.events).toBeLessThanOrEqual(THRESHOLD + 40);

    // One case across the runs: the journal's sequences run on without a gap or a repeat.
    const sequences = recorded.projections.flatMap((p) => p.journal).map((j) => j.sequence);
    const distinct = [...new Set(sequences)].sort((a, b) => a - b);
    expect(distinct).toEqual(Array.from({ length: distinct.length }, (_, i) => i + 1));
    expect(distinct.length).toBeGreaterThanOrEqual(2 * 52 + 3);
    expect(recorded.projections.flatMap((p) => p.journal).filter((j) => j.kind === 'escalated').map((j) => j.data?.level)).toEqual(['province', 'region', 'ministry']);
    await env.client.workflow.getHandle(workflowId).terminate('test over');
  }, 300_000);
});
