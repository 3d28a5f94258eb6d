/**
 * The retention job's Temporal schedule (`masar-retention`, or `masar-retention-<queue>` for a
 * deployment on another task queue): created at the worker's start, or brought to the configured
 * cron and batch when it exists, so every worker may call this at once and a changed
 * MASAR_RETENTION_CRON takes effect at the next start. Overlapping runs are skipped: one sweep at a
 * time.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import { retentionScheduleId, RETENTION_WORKFLOW, type RetentionSweepInput } from '../workflows/retention-messages';
import type { retentionSweep } from '../workflows/retention-sweep';

export interface RetentionScheduleOptions {
  taskQueue: string;
  /** Cron, five fields, UTC (MASAR_RETENTION_CRON). */
  cron: string;
  /** Cases per run (MASAR_RETENTION_BATCH). */
  limit: number;
}

/** Creates or updates the schedule; resolves to what it did. */
export async function ensureRetentionSchedule(client: Client, options: RetentionScheduleOptions): Promise<'created' | 'updated'> {
  const scheduleId = retentionScheduleId(options.taskQueue);
  const input: RetentionSweepInput = { limit: options.limit };
  const action: ScheduleOptionsStartWorkflowAction<typeof retentionSweep> = {
    type: 'startWorkflow',
    workflowType: RETENTION_WORKFLOW,
    workflowId: scheduleId,
    taskQueue: options.taskQueue,
    args: [input],
  };
  const spec = { cronExpressions: [options.cron] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { purpose: 'law 09-08 art. 3: erase personal data of closed cases past retention (docs/retention.md)' },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  try {
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  } catch (err) {
    // Updating reads the schedule back first: its stored input was encrypted with keys this worker lacks.
    if (err instanceof Error && /^Unknown encoding: binary\/encrypted/.test(err.message)) {
      throw new Error(
        `the Temporal schedule ${scheduleId} was written by a worker with payload keys this one does not have (${err.message}): ` +
          'give every worker and API of a deployment the same MASAR_PAYLOAD_KEYS or MASAR_PAYLOAD_KEY_FILE',
        { cause: err },
      );
    }
    throw err;
  }
  return 'updated';
}
