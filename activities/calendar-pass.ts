/**
 * The calendar pass: after a holiday or closure is recorded, the running clocks it can move are
 * recomputed from the plans the projection keeps beside them (`case_clocks.plan`: the due-date
 * activity's own input), and the read model (clock, task, case view, `next_due_at`), the moves
 * (`case_calendar_moves`) and the `deadline_moved` notices (`notice_queue`) are written page by
 * page, one transaction a page, without waking the cases. Each workflow learns the new version when
 * it next wakes (a timer, an action) and journals the moves then.
 *
 * A case is signalled only when its next wake must come earlier than the instant its workflow
 * sleeps until: the earliest of its new due instants and pending reminders is before the earliest
 * of the old ones (a holiday removed, a religious date moved back). A later wake needs no signal:
 * the workflow re-checks the calendar when its timer fires, before acting. Cases projected before
 * plans existed have none: they are signalled, as every case used to be.
 *
 * The same per-case step runs inside the projection when a workflow projects clocks computed on an
 * older calendar than the one stored (it had not woken since the change), so the read model never
 * goes back to an old date.
 */
import type { PoolClient } from 'pg';
import { calendarForUnits, type Calendar } from '../definitions/calendar';
import { nextDue } from '../db/cases';
import type { Db } from '../db/pool';
import type { CaseView } from '../workflows/messages';
import { dueOn, resumedOn, type CalendarSource } from './clocks';
import type { CalendarMove, ClockPlan, ClockRecipe, DueResult, NotifyInput } from './types';

/** What a pass did. */
export interface CalendarPassReport {
  /** Cases whose read model was looked at (a plan older than the version). */
  cases: number;
  /** Clocks whose due instant moved. */
  moved: number;
  /** Notices queued (one per message rule of each moved clock). */
  notices: number;
  /** Cases whose next wake came earlier: the caller signals them. */
  earlier: string[];
  /** Cases with running clocks but no plan (projected by an older release): the caller signals them. */
  unplanned: string[];
}

export interface CalendarPassOptions {
  db: Db;
  calendars: CalendarSource;
  calendarId: string;
  /** The new calendar version. */
  version: number;
  /** First local date the change touches (YYYY-MM-DD): clocks due before it cannot move. */
  from?: string;
  /** A closure limited to these units: only cases filed in them or below them. */
  units?: readonly string[];
  /** Resume after this case id (a retried activity continues from its last heartbeat). */
  after?: string;
  /** Cases per transaction. @default 500 */
  pageSize?: number;
  onProgress?: (report: CalendarPassReport, after: string) => void;
}

const SCOPE = `WITH RECURSIVE scope AS (
   SELECT code, 0 AS depth FROM units WHERE code = ANY ($3::text[])
   UNION ALL
   SELECT u.code, scope.depth + 1 FROM units u JOIN scope ON u.parent_code = scope.code WHERE scope.depth < 8
 )`;

const PAGES_IN_FLIGHT = 3;

/** Runs the pass over every open case the change can reach; then once more for cases projected meanwhile. */
export async function runCalendarPass(options: CalendarPassOptions): Promise<CalendarPassReport> {
  const report: CalendarPassReport = { cases: 0, moved: 0, notices: 0, earlier: [], unplanned: [] };
  const calendar = await options.calendars.current(options.calendarId, options.version);
  const pageSize = options.pageSize ?? 1000;
  const params = [options.from ?? null, '', options.units ? [...options.units] : null, options.calendarId, calendar.version] as const;
  // Planned clocks on an older version, by case; the sweep at the end catches a case a stale
  // projection wrote behind the cursor (the projection moves them itself once it sees the version).
  const movePage = async (caseIds: string[]) => {
    const client = await options.db.connect();
    try {
      await client.query('BEGIN');
      const page = await moveCases(client, caseIds, calendar, { from: options.from });
      await client.query('COMMIT');
      report.cases += caseIds.length;
      report.moved += page.moved;
      report.notices += page.notices;
      report.earlier.push(...page.earlier);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
  for (const sweep of [false, true]) {
    let after = sweep ? '' : (options.after ?? '');
    // Three pages in flight: Node computes one while PostgreSQL writes the others. Progress (the
    // resume cursor) is reported when the oldest page is done, so every page before it is too.
    const inFlight: { done: Promise<void>; after: string }[] = [];
    const settleOldest = async () => {
      const oldest = inFlight.shift();
      if (!oldest) return;
      await oldest.done;
      if (!sweep) options.onProgress?.({ ...report, earlier: [...report.earlier], unplanned: [] }, oldest.after);
    };
    try {
      for (;;) {
        const { rows } = await options.db.query<{ case_id: string }>(
          `${SCOPE}
           SELECT DISTINCT k.case_id FROM case_clocks k JOIN cases c USING (case_id)
            WHERE k.status = 'running' AND c.status = 'open' AND k.plan IS NOT NULL
              AND k.calendar_id = $4 AND k.calendar_version < $5
              AND ($1::date IS NULL OR k.due_date >= $1::date)
              AND ($3::text[] IS NULL OR c.unit_code IN (SELECT code FROM scope))
              AND k.case_id > $2
            ORDER BY k.case_id LIMIT ${pageSize}`,
          [params[0], after, params[2], params[3], params[4]],
        );
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.case_id;
        const done = movePage(rows.map((r) => r.case_id));
        done.catch(() => undefined); // awaited in order below; this only keeps a failure from being unhandled meanwhile
        inFlight.push({ done, after });
        if (inFlight.length >= PAGES_IN_FLIGHT) await settleOldest();
        if (rows.length < pageSize) break;
      }
    } finally {
      // Every page started is awaited (and a failure surfaces) before the pass goes on or throws.
      while (inFlight.length > 0) await settleOldest();
    }
  }
  // Running clocks with no plan: the case wakes by signal, as before plans.
  const { rows } = await options.db.query<{ case_id: string }>(
    `${SCOPE}
     SELECT DISTINCT k.case_id FROM case_clocks k JOIN cases c USING (case_id)
      WHERE k.status = 'running' AND c.status = 'open' AND k.plan IS NULL
        AND ($1::date IS NULL OR k.due_date >= $1::date)
        AND ($3::text[] IS NULL OR c.unit_code IN (SELECT code FROM scope))
        AND k.case_id > $2
      ORDER BY k.case_id`,
    [params[0], '', params[2]],
  );
  report.unplanned = rows.map((r) => r.case_id);
  return report;
}

interface ClockRow {
  case_id: string;
  name: string;
  due_at: Date | null;
  due_date: string | null;
  plan: ClockPlan;
  view: CaseView;
}

/**
 * Moves the planned running clocks of `caseIds` computed on a calendar older than `calendar`, in
 * the caller's transaction: locks each case as the projection does, recomputes, writes the clock,
 * the task's due instant, the case's view and `next_due_at`, records the moves and queues the
 * notices. Idempotent: a clock already on the version is left alone.
 */
export async function moveCases(
  client: PoolClient,
  caseIds: readonly string[],
  calendar: Calendar,
  options: { from?: string | undefined } = {},
): Promise<{ moved: number; notices: number; earlier: string[] }> {
  // The projection's per-case lock (db/journal.ts `lockCase`), taken for the page in one round trip, in id order.
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('masar:case:' || id, 0)) FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n) ORDER BY n`, [[...caseIds].sort()]);
  const { rows } = await client.query<ClockRow>(
    `SELECT k.case_id, k.name, k.due_at, to_char(k.due_date, 'YYYY-MM-DD') AS due_date, k.plan, c.view
       FROM case_clocks k JOIN cases c USING (case_id)
      WHERE k.case_id = ANY ($1::text[]) AND k.status = 'running' AND c.status = 'open' AND k.plan IS NOT NULL
        AND k.calendar_id = $2 AND k.calendar_version < $3
        AND ($4::date IS NULL OR k.due_date >= $4::date)
      ORDER BY k.case_id, k.name`,
    [caseIds, calendar.id, calendar.version, options.from ?? null],
  );
  const now = Date.now();
  const byCase = new Map<string, ClockRow[]>();
  for (const r of rows) byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), r]);
  const clockUpdates: { caseId: string; name: string; dueAt: string; dueDate: string; version: number; reminders: string[] }[] = [];
  const caseUpdates: { caseId: string; view: CaseView; nextDue: string | null; taskDue: string | null }[] = [];
  const moves: { caseId: string; clock: string; version: number; from: string | null; to: string }[] = [];
  const notices: { id: string; caseId: string; move: string; input: NotifyInput }[] = [];
  const earlier: string[] = [];
  const compute = recomputer(calendar);
  for (const [caseId, clocks] of byCase) {
    // Parsed for this page alone: changed in place and written back.
    const view: CaseView = clocks[0]!.view;
    let wokeBefore = Infinity;
    let wakesAt = Infinity;
    for (const row of clocks) {
      const r = compute(row.plan.recipe);
      const before = row.due_at?.toISOString() ?? null;
      const reminders = r.reminders.filter((at) => Date.parse(at) > now).sort();
      wokeBefore = Math.min(wokeBefore, ...[before, row.plan.reminders[0]].filter((t): t is string => !!t).map(Date.parse));
      wakesAt = Math.min(wakesAt, Date.parse(r.due), ...(reminders[0] ? [Date.parse(reminders[0])] : []));
      clockUpdates.push({ caseId, name: row.name, dueAt: r.due, dueDate: r.dueDate, version: r.calendarVersion, reminders });
      const clock = view.clocks.find((c) => c.name === row.name);
      if (clock) {
        clock.dueAt = r.due;
        clock.dueDate = r.dueDate;
        if (r.provisional && r.provisional.length > 0) Object.assign(clock, { provisional: true, provisionalDates: r.provisional });
        else {
          delete clock.provisional;
          delete clock.provisionalDates;
        }
      }
      if (before === r.due) continue;
      moves.push({ caseId, clock: row.name, version: r.calendarVersion, from: before, to: r.due });
      for (const n of row.plan.notices) {
        const occurrence = `calendar-v${r.calendarVersion}:${row.name}:${n.template}`;
        notices.push({
          id: `${caseId}:${occurrence}`,
          caseId,
          move: `${caseId}\u0000${row.name}\u0000${r.calendarVersion}`,
          input: { ...n, occurrence, vars: { ...n.vars, clock: row.name, previousDueAt: before, dueAt: r.due, dueDate: r.dueDate, ...(r.provisional?.length ? { provisionalDates: r.provisional } : {}) } },
        });
      }
    }
    // The task is due when its earliest running or expired clock is (case-state.ts `taskDue`).
    const dues = view.clocks.filter((c) => (c.status === 'running' || c.status === 'expired') && c.dueAt).map((c) => c.dueAt as string).sort();
    const taskDue = dues[0] ?? null;
    for (const t of view.tasks) if (t.dueAt && taskDue) t.dueAt = taskDue;
    caseUpdates.push({ caseId, view, nextDue: nextDue(view), taskDue });
    if (wakesAt < wokeBefore) earlier.push(caseId);
  }
  if (clockUpdates.length > 0) {
    await client.query(
      `UPDATE case_clocks k SET due_at = u.due_at, due_date = u.due_date, calendar_version = u.version,
              plan = k.plan || jsonb_build_object('calendarVersion', u.version, 'reminders', u.reminders)
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::date[], $5::int[], $6::jsonb[]) AS u(case_id, name, due_at, due_date, version, reminders)
        WHERE k.case_id = u.case_id AND k.name = u.name`,
      [
        clockUpdates.map((u) => u.caseId),
        clockUpdates.map((u) => u.name),
        clockUpdates.map((u) => u.dueAt),
        clockUpdates.map((u) => u.dueDate),
        clockUpdates.map((u) => u.version),
        clockUpdates.map((u) => JSON.stringify(u.reminders)),
      ],
    );
    await client.query(
      `UPDATE cases c SET view = u.view, next_due_at = u.next_due
         FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[]) AS u(case_id, view, next_due)
        WHERE c.case_id = u.case_id`,
      [caseUpdates.map((u) => u.caseId), caseUpdates.map((u) => JSON.stringify(u.view)), caseUpdates.map((u) => u.nextDue)],
    );
    await client.query(
      `UPDATE case_tasks t SET due_at = u.due_at
         FROM unnest($1::text[], $2::timestamptz[]) AS u(case_id, due_at)
        WHERE t.case_id = u.case_id AND t.due_at IS NOT NULL AND u.due_at IS NOT NULL`,
      [caseUpdates.map((u) => u.caseId), caseUpdates.map((u) => u.taskDue)],
    );
  }
  // A move recorded before (a projection racing the change moves the case again) tells nobody twice:
  // notices only for the moves this call records.
  let recorded = new Set<string>();
  if (moves.length > 0) {
    const inserted = await client.query<{ case_id: string; clock: string; calendar_version: number }>(
      `INSERT INTO case_calendar_moves (case_id, clock, calendar_version, from_due, to_due)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[])
       ON CONFLICT DO NOTHING RETURNING case_id, clock, calendar_version`,
      [moves.map((m) => m.caseId), moves.map((m) => m.clock), moves.map((m) => m.version), moves.map((m) => m.from), moves.map((m) => m.to)],
    );
    recorded = new Set(inserted.rows.map((r) => `${r.case_id}\u0000${r.clock}\u0000${r.calendar_version}`));
  }
  const fresh = notices.filter((n) => recorded.has(n.move));
  if (fresh.length > 0) {
    await client.query(
      `INSERT INTO notice_queue (id, case_id, input)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
       ON CONFLICT DO NOTHING`,
      [fresh.map((n) => n.id), fresh.map((n) => n.caseId), fresh.map((n) => JSON.stringify(n.input))],
    );
  }
  return { moved: moves.length, notices: fresh.length, earlier };
}

/**
 * The due-date arithmetic of the case's own activities (activities/clocks.ts) on one calendar
 * version, the calendar narrowed to each set of units once.
 */
function recomputer(calendar: Calendar): (recipe: ClockRecipe) => DueResult {
  const byUnits = new Map<string, Calendar>();
  return (recipe) => {
    const key = (recipe.units ?? []).join(',');
    let local = byUnits.get(key);
    if (!local) {
      local = calendarForUnits(calendar, recipe.units);
      byUnits.set(key, local);
    }
    return recipe.op === 'computeDue' ? dueOn(local, recipe) : resumedOn(local, recipe);
  };
}

/** The moves the pass made for a case on calendar versions after `since`, oldest first. */
export async function calendarMovesSince(db: Db, caseId: string, since: number): Promise<CalendarMove[]> {
  const { rows } = await db.query<{ clock: string; calendar_version: number; from_due: Date | null; to_due: Date; at: Date }>(
    'SELECT clock, calendar_version, from_due, to_due, at FROM case_calendar_moves WHERE case_id = $1 AND calendar_version > $2 ORDER BY calendar_version, clock',
    [caseId, since],
  );
  return rows.map((r) => ({ clock: r.clock, calendarVersion: r.calendar_version, from: r.from_due?.toISOString() ?? null, to: r.to_due.toISOString(), at: r.at.toISOString() }));
}

/**
 * The version of calendar `id` in force now, read from the table, never from a cache: a timer
 * about to act must not miss a change recorded a second ago. The shipped file's when none is stored.
 */
export async function calendarVersionNow(db: Db, calendars: CalendarSource, id: string): Promise<number> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM calendars WHERE id = $1', [id]);
  return rows[0]?.version ?? (await calendars.current(id)).version;
}
