/** The retention job's contract: schedule and workflow ids, input and result (sandbox-safe, no I/O). */

import { TASK_QUEUE } from './messages';

/** Id of the Temporal schedule that starts `retentionSweep` on the default task queue. */
export const RETENTION_SCHEDULE_ID = 'masar-retention';

/**
 * The schedule's id for the deployment polling `taskQueue`: `masar-retention` on the default queue,
 * `masar-retention-<queue>` on any other, so two deployments sharing a namespace (staging beside
 * training, say) each keep their own schedule instead of taking it from each other at every start.
 */
export function retentionScheduleId(taskQueue: string): string {
  return taskQueue === TASK_QUEUE ? RETENTION_SCHEDULE_ID : `${RETENTION_SCHEDULE_ID}-${taskQueue}`;
}

/** Workflow type of the retention job. */
export const RETENTION_WORKFLOW = 'retentionSweep';

export interface RetentionSweepInput {
  /** The instant retention is judged at (ISO 8601). @default the workflow's clock */
  asOf?: string;
  /** Cases erased per run at most (MASAR_RETENTION_BATCH). @default 200 */
  limit?: number;
}

export interface RetentionSweepResult {
  asOf: string;
  /** Cases erased now or found erased (ids only: no personal data in the job's own history). */
  erased: string[];
  failed: { caseId: string; error: string }[];
  /** Erased cases whose workflow still runs: their history is deleted by a later run. */
  historiesKept: string[];
  /** Cases due whose workflow still runs (its last messages going out): left whole for a later run. */
  deferred: string[];
}
