/**
 * `retentionSweep`: the retention job, started by the Temporal schedule `masar-retention`
 * (worker/retention-schedule.ts) or by hand. Finds the closed cases past their retention period as
 * of the workflow's clock (or `asOf`), and for each erases its personal data, then deletes its
 * history; a case whose erasure fails is reported and left for the next run, not the whole sweep.
 * Sandbox-safe: `Date.now()` here is workflow time, recorded in history.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities } from '../activities/types';
import type { RetentionSweepInput, RetentionSweepResult } from './retention-messages';

const { findCasesPastRetention, eraseCasePersonalData, deleteCaseHistory } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});

export async function retentionSweep(input: RetentionSweepInput = {}): Promise<RetentionSweepResult> {
  const asOf = input.asOf ?? new Date(Date.now()).toISOString();
  const due = await findCasesPastRetention({ asOf, limit: input.limit ?? 200 });
  const result: RetentionSweepResult = { asOf, erased: [], failed: [], historiesKept: [], deferred: [] };
  for (const c of due) {
    try {
      const erasure = await eraseCasePersonalData({ caseId: c.caseId, retention: c.retention });
      if (erasure.deferred) {
        result.deferred.push(c.caseId);
        continue;
      }
    } catch (err) {
      result.failed.push({ caseId: c.caseId, error: err instanceof ApplicationFailure || err instanceof Error ? err.message : String(err) });
      continue;
    }
    const history = await deleteCaseHistory({ caseId: c.caseId });
    result.erased.push(c.caseId);
    if (history.outcome === 'running') result.historiesKept.push(c.caseId);
  }
  return result;
}
