/**
 * The baseline's message contract: the same Update names and shapes of call as the case workflow
 * (a `filed` Update sent with the start, then one `act` Update per action), on its own task queue.
 */
import { defineUpdate } from '@temporalio/workflow';

/** The baseline worker polls its own queue so its tasks never mix with the engine's. */
export const BASELINE_TASK_QUEUE = 'masar-bench-baseline';
export const BASELINE_WORKFLOW_TYPE = 'baselineCase';

export interface BaselineInput {
  caseId: string;
  /** The actions the case expects, in order; the last one closes it. */
  actions: string[];
}

export interface BaselineView {
  caseId: string;
  step: number;
  status: 'open' | 'closed';
}

export const baselineFiledUpdate = defineUpdate<BaselineView, []>('filed');
export const baselineActUpdate = defineUpdate<BaselineView, [{ action: string }]>('act');
