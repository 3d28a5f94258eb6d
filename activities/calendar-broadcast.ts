/**
 * A calendar change reaching running cases: after an administrator records a holiday or a closure,
 * every open case with a running clock due on or after the first changed date is signalled, and
 * its workflow recomputes its due instants with the new calendar version (journaled, and the
 * assignee and applicant told when a date moved).
 *
 * The read model finds the cases (index `case_clocks_running_due`), so the cost is one signal per
 * affected case, sent with bounded concurrency. A case the read model still shows running but
 * whose workflow has closed is skipped.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/pool';
import { calendarChangedSignal, caseWorkflowId } from '../workflows/messages';

export interface BroadcastOptions {
  db: Db;
  client: Client;
  calendarId: string;
  /** The new calendar version (cases already on it ignore the signal). */
  version: number;
  /** First local date the change touches (YYYY-MM-DD): clocks due before it cannot move. */
  from?: string;
  /** Signals in flight at once. @default 32 */
  concurrency?: number;
  /** Called after each page with the running totals. */
  onProgress?: (progress: BroadcastReport) => void;
}

export interface BroadcastReport {
  signalled: number;
  /** Cases whose workflow had already closed. */
  skipped: number;
  failed: { caseId: string; error: string }[];
}

const PAGE = 1000;

export async function broadcastCalendarChange(options: BroadcastOptions): Promise<BroadcastReport> {
  const report: BroadcastReport = { signalled: 0, skipped: 0, failed: [] };
  const concurrency = options.concurrency ?? 32;
  let after = '';
  for (;;) {
    const { rows } = await options.db.query<{ case_id: string }>(
      `SELECT DISTINCT k.case_id FROM case_clocks k JOIN cases c USING (case_id)
        WHERE k.status = 'running' AND c.status = 'open'
          AND ($1::date IS NULL OR k.due_date >= $1::date)
          AND k.case_id > $2
        ORDER BY k.case_id LIMIT ${PAGE}`,
      [options.from ?? null, after],
    );
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.case_id;
    let next = 0;
    const lane = async () => {
      while (next < rows.length) {
        const caseId = rows[next++]!.case_id;
        try {
          await options.client.workflow
            .getHandle(caseWorkflowId(caseId))
            .signal(calendarChangedSignal, { calendarId: options.calendarId, version: options.version });
          report.signalled += 1;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) report.skipped += 1;
          else report.failed.push({ caseId, error: err instanceof Error ? err.message : String(err) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));
    options.onProgress?.({ ...report, failed: [...report.failed] });
    if (rows.length < PAGE) break;
  }
  return report;
}
