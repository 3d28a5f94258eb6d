/**
 * One benchmark case, as a client runs it: the engine's (`procedureCase` with the bench procedure)
 * and the baseline's (`baselineCase`), with the same calls: start with the `filed` Update
 * (update-with-start, one round trip), two `act` Updates, then wait for the workflow to close.
 */
import { WithStartWorkflowOperation, type Client, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition, Workflow } from '@temporalio/common';
import type { CompiledProcedure } from '../definitions/compiled';
import type { procedureCase } from '../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate, type CaseUnit } from '../workflows/messages';
import { baselineActUpdate, baselineFiledUpdate, BASELINE_TASK_QUEUE, BASELINE_WORKFLOW_TYPE } from './baseline/messages';
import type { baselineCase } from './baseline/workflows';
import type { CaseRunner, CaseTimings } from './load';
import { benchAgent, benchCaseInput } from './procedure';

/** The workflow type by name: the client never runs workflow code. */
const CASE_WORKFLOW_TYPE = 'procedureCase';

export interface EngineCaseOptions {
  client: Client;
  taskQueue: string;
  procedure: CompiledProcedure;
  unit: CaseUnit;
  /** Prefix of case ids, unique per run. */
  prefix: string;
  /** Actions after filing; none leaves the case open (standing load). */
  actions: { action: string; input?: Record<string, unknown> }[];
  /** Wait for the workflow to close. @default true when there are actions */
  awaitResult?: boolean;
}

/**
 * Times one case the same way for the engine and the baseline: update-with-start of `filed`, then
 * each step in turn, then (when asked) the workflow's close.
 */
async function timeCase<W extends Workflow>(
  client: Client,
  start: WithStartWorkflowOperation<W>,
  filed: UpdateDefinition<unknown, []>,
  steps: ((handle: WorkflowHandle<W>) => Promise<unknown>)[],
  awaitResult: boolean,
): Promise<CaseTimings> {
  const t0 = performance.now();
  await client.workflow.executeUpdateWithStart(filed, { startWorkflowOperation: start });
  const t1 = performance.now();
  const handle = await start.workflowHandle();
  const actions: number[] = [];
  let t = t1;
  for (const step of steps) {
    await step(handle);
    const now = performance.now();
    actions.push(now - t);
    t = now;
  }
  if (awaitResult) await handle.result();
  return { start: t1 - t0, actions, total: performance.now() - t0 };
}

export function engineCase(o: EngineCaseOptions): CaseRunner {
  const actor = benchAgent(o.unit.code);
  const steps = o.actions.map(
    (step) => (handle: WorkflowHandle<typeof procedureCase>) =>
      handle.executeUpdate(actUpdate, { args: [{ action: step.action, actor, ...(step.input ? { input: step.input } : {}) }] }),
  );
  return async (index) => {
    const input = benchCaseInput(o.procedure, o.unit, `${o.prefix}-${index}`);
    const start = new WithStartWorkflowOperation<typeof procedureCase>(CASE_WORKFLOW_TYPE, {
      workflowId: caseWorkflowId(input.caseId),
      taskQueue: o.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
    });
    return timeCase(o.client, start, filedUpdate, steps, o.awaitResult ?? o.actions.length > 0);
  };
}

/** The bench procedure's main path after filing. */
export const BENCH_ACTIONS = [{ action: 'review' }, { action: 'decide', input: { note: 'conforme' } }];

export function baselineCaseRunner(o: { client: Client; prefix: string; actions: string[] }): CaseRunner {
  const steps = o.actions.map((action) => (handle: WorkflowHandle<typeof baselineCase>) => handle.executeUpdate(baselineActUpdate, { args: [{ action }] }));
  return async (index) => {
    const caseId = `${o.prefix}-${index}`;
    const start = new WithStartWorkflowOperation<typeof baselineCase>(BASELINE_WORKFLOW_TYPE, {
      workflowId: `baseline-${caseId}`,
      taskQueue: BASELINE_TASK_QUEUE,
      args: [{ caseId, actions: o.actions }],
      workflowIdConflictPolicy: 'FAIL',
    });
    return timeCase(o.client, start, baselineFiledUpdate, steps, true);
  };
}
