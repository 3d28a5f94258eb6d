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
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/pool';
import { runCalendarPass } from './calendar-pass';
import type { CalendarSource } from './clocks';
import { calendarChangedSignal, caseWorkflowId } from '../workflows/messages';

export interface BroadcastOptions {
  db: Db;
  client: Client;
  calendarId: string;
  /** The new calendar version (cases already on it ignore the signal). */
  version: number;
  /** First local date the change touches (YYYY-MM-DD): clocks due before it cannot move. */
  from?: string;
  /** A closure limited to these units: only cases filed in them or at any depth below them. */
  units?: readonly string[];
  /** Signals in flight at once. @default 32 */
  concurrency?: number;
  /** Resume after this case id (a retried activity continues where its last heartbeat was). */
  after?: string;
  /** Called after each page with the running totals and the last case id done. */
  onProgress?: (progress: BroadcastReport, after: string) => void;
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
  let after = options.after ?? '';
  for (;;) {
    // The units below a limited closure are walked down the directory once per page (a region has
    // a few hundred communes); national changes skip the walk.
    const { rows } = await options.db.query<{ case_id: string }>(
      `WITH RECURSIVE scope AS (
         SELECT code, 0 AS depth FROM units WHERE code = ANY ($3::text[])
         UNION ALL
         SELECT u.code, scope.depth + 1 FROM units u JOIN scope ON u.parent_code = scope.code WHERE scope.depth < 8
       )
       SELECT DISTINCT k.case_id FROM case_clocks k JOIN cases c USING (case_id)
        WHERE k.status = 'running' AND c.status = 'open'
          AND ($1::date IS NULL OR k.due_date >= $1::date)
          AND ($3::text[] IS NULL OR c.unit_code IN (SELECT code FROM scope))
          AND k.case_id > $2
        ORDER BY k.case_id LIMIT ${PAGE}`,
      [options.from ?? null, after, options.units ? [...options.units] : null],
    );
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.case_id;
    const signalled = await signalCases(options.client, rows.map((r) => r.case_id), options, concurrency);
    report.signalled += signalled.signalled;
    report.skipped += signalled.skipped;
    report.failed.push(...signalled.failed);
    options.onProgress?.({ ...report, failed: [...report.failed] }, after);
    if (rows.length < PAGE) break;
  }
  return report;
}

/** Signals `caseIds` that calendar `calendarId` is at `version`, `concurrency` at a time. */
export async function signalCases(
  client: Client,
  caseIds: readonly string[],
  change: { calendarId: string; version: number },
  concurrency = 32,
): Promise<BroadcastReport> {
  const report: BroadcastReport = { signalled: 0, skipped: 0, failed: [] };
  let next = 0;
  const lane = async () => {
    while (next < caseIds.length) {
      const caseId = caseIds[next++] as string;
      try {
        await client.workflow.getHandle(caseWorkflowId(caseId)).signal(calendarChangedSignal, { calendarId: change.calendarId, version: change.version });
        report.signalled += 1;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) report.skipped += 1;
        else report.failed.push({ caseId, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, caseIds.length) }, lane));
  return report;
}

/** Input of the `signalRunningCases` activity (see the `calendarChange` workflow). */
export interface CalendarChangeInput {
  calendarId: string;
  version: number;
  from?: string;
  units?: string[];
}

/**
 * The broadcast as an activity: heartbeats its cursor after each page, so a retry after a worker
 * crash resumes where it stopped instead of signalling every case again.
 */
export function createCalendarBroadcastActivities({ db, client, calendars }: { db: Db; client: Client; calendars: CalendarSource }) {
  return {
    /** The set-based pass (activities/calendar-pass.ts), resumed from its heartbeat; then the few signals it asks for. */
    async passCalendarChange(input: CalendarChangeInput) {
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as { after?: string; earlier?: string[] } | undefined;
      const pass = await runCalendarPass({
        db,
        calendars,
        calendarId: input.calendarId,
        version: input.version,
        ...(input.from ? { from: input.from } : {}),
        ...(input.units ? { units: input.units } : {}),
        ...(resumed?.after ? { after: resumed.after } : {}),
        // The cases to signal ride along (few: only those whose next wake came earlier).
        onProgress: (progress, after) => context.heartbeat({ after, cases: progress.cases, moved: progress.moved, earlier: [...(resumed?.earlier ?? []), ...progress.earlier] }),
      });
      const signals = await signalCases(client, [...new Set([...(resumed?.earlier ?? []), ...pass.earlier, ...pass.unplanned])], input);
      return { cases: pass.cases, moved: pass.moved, notices: pass.notices, ...signals };
    },

    async signalRunningCases(input: CalendarChangeInput): Promise<BroadcastReport> {
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as { after?: string } | undefined;
      return broadcastCalendarChange({
        db,
        client,
        calendarId: input.calendarId,
        version: input.version,
        ...(input.from ? { from: input.from } : {}),
        ...(input.units ? { units: input.units } : {}),
        ...(resumed?.after ? { after: resumed.after } : {}),
        onProgress: (progress, after) => context.heartbeat({ after, signalled: progress.signalled }),
      });
    },
  };
}
