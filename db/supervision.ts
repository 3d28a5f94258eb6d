/**
 * The supervisors' overdue dashboard: for each group of units (a commune, or a province with every
 * commune below it), how many cases are open, how many of those are late, which one is late the
 * longest, and how many cases were decided over a period and how many of them late.
 *
 * Set-based and indexed (migration 080): one statement; each unit is read from its own ranges of
 * `cases_unit_open_due`, `cases_unit_closed` and `cases_unit_closed_late` (index-only counts), so
 * the cost is the number of units times a few index reads, not the number of cases. "Late" is the
 * case list's `overdue` (an open case whose next due instant has passed).
 */
import type { Db } from './pool';

/** Which unit counts towards which group (a unit may be its own group). */
export interface DashboardScope {
  unit: string;
  group: string;
}

/** The numbers of one group of units. */
export interface DashboardRow {
  group: string;
  open: number;
  late: number;
  /** The open case late the longest: its due instant is the earliest passed. */
  oldestLate?: { caseId: string; reference: string; dueAt: string };
  /** Cases decided (closed) within the period. */
  decided: number;
  /** Of those, decided after a clock of theirs expired (late, or by silence). */
  decidedLate: number;
}

/**
 * Must stay word for word the predicate of the partial index `cases_unit_closed_late` (migration
 * 080), or the planner reads the table instead of the index.
 */
const DECIDED_LATE = `view @? '$.clocks[*] ? (@.status == "expired")'`;

/**
 * The statement: $1 unit codes, $2 their groups, $3 now, $4 and $5 the period. Exported for the
 * test that EXPLAINs it.
 */
export const DASHBOARD_SQL = `WITH scope AS (SELECT * FROM unnest($1::text[], $2::text[]) AS s(code, grp)),
 per_unit AS (
   SELECT s.grp, o.open, o.late, d.decided, dl.decided_late, old.case_id, old.reference, old.next_due_at
     FROM scope s
     CROSS JOIN LATERAL (
       SELECT count(*) AS open, count(*) FILTER (WHERE c.next_due_at < $3) AS late
         FROM cases c WHERE c.unit_code = s.code AND c.status = 'open'
     ) o
     CROSS JOIN LATERAL (
       SELECT count(*) AS decided FROM cases c
        WHERE c.unit_code = s.code AND c.status = 'closed' AND c.closed_at >= $4 AND c.closed_at < $5
     ) d
     CROSS JOIN LATERAL (
       SELECT count(*) AS decided_late FROM cases c
        WHERE c.unit_code = s.code AND c.status = 'closed' AND ${DECIDED_LATE} AND c.closed_at >= $4 AND c.closed_at < $5
     ) dl
     LEFT JOIN LATERAL (
       SELECT c.case_id, c.reference, c.next_due_at FROM cases c
        WHERE c.unit_code = s.code AND c.status = 'open' AND c.next_due_at < $3
        ORDER BY c.next_due_at, c.case_id LIMIT 1
     ) old ON true
 )
 SELECT grp,
        sum(open)::int AS open, sum(late)::int AS late,
        sum(decided)::int AS decided, sum(decided_late)::int AS decided_late,
        (array_agg(case_id ORDER BY next_due_at, case_id) FILTER (WHERE case_id IS NOT NULL))[1] AS oldest_case_id,
        (array_agg(reference ORDER BY next_due_at, case_id) FILTER (WHERE case_id IS NOT NULL))[1] AS oldest_reference,
        min(next_due_at) AS oldest_due
   FROM per_unit GROUP BY grp`;

/** The dashboard's rows, one per group present in `scope` (groups with no case get zeros). */
export async function supervisionDashboard(
  db: Db,
  scope: DashboardScope[],
  period: { from: Date; to: Date },
  now: Date,
): Promise<DashboardRow[]> {
  if (scope.length === 0) return [];
  const res = await db.query<{
    grp: string;
    open: number;
    late: number;
    decided: number;
    decided_late: number;
    oldest_case_id: string | null;
    oldest_reference: string | null;
    oldest_due: Date | null;
  }>(
    DASHBOARD_SQL,
    [scope.map((s) => s.unit), scope.map((s) => s.group), now.toISOString(), period.from.toISOString(), period.to.toISOString()],
  );
  return res.rows.map((r) => ({
    group: r.grp,
    open: r.open,
    late: r.late,
    decided: r.decided,
    decidedLate: r.decided_late,
    ...(r.oldest_case_id && r.oldest_reference && r.oldest_due
      ? { oldestLate: { caseId: r.oldest_case_id, reference: r.oldest_reference, dueAt: r.oldest_due.toISOString() } }
      : {}),
  }));
}
