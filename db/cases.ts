/**
 * The cases of the read model: the projection writes them (`writeCaseProjection`), the API reads
 * them (`getCase`, `listCases`, `listInbox`, `listEscalated`). Rows are mapped to one shape,
 * `CaseRecord`, in one place.
 *
 * Lists use keyset pagination: the cursor carries the sort value and the case id of the last row,
 * so page 10,000 costs what page 1 costs.
 */
import type { PoolClient } from 'pg';
import type { CaseView, ProjectInput } from '../workflows/messages';
import type { Db } from './pool';

/** A case as stored: the view plus the facts and data the view leaves out. */
export interface CaseRecord {
  view: CaseView;
  facts: Omit<ProjectInput['facts'], 'data'>;
  /** The applicant's input: personal data, handed out only to the roles that need it. */
  data: Record<string, unknown>;
  applicantId: string;
  unitCode: string;
  updatedAt: string;
}

interface CaseRow {
  case_id: string;
  view: CaseView;
  facts: CaseRecord['facts'];
  data: Record<string, unknown>;
  applicant_id: string;
  unit_code: string;
  filed_at: Date;
  updated_at: Date;
}

function toRecord(r: CaseRow): CaseRecord {
  return {
    view: r.view,
    facts: r.facts,
    data: r.data,
    applicantId: r.applicant_id,
    unitCode: r.unit_code,
    updatedAt: r.updated_at.toISOString(),
  };
}

/**
 * The earliest due instant of the view's running clocks, clocks that expired without a decision
 * (late stays late until the case closes) and open tasks: drives `overdue`.
 */
export function nextDue(view: CaseView): string | null {
  if (view.status === 'closed') return null;
  const dues = [
    ...view.clocks.filter((c) => (c.status === 'running' || c.status === 'expired') && c.dueAt).map((c) => c.dueAt as string),
    ...view.tasks.filter((t) => t.dueAt).map((t) => t.dueAt as string),
  ].sort((a, b) => Date.parse(a) - Date.parse(b));
  return dues[0] ?? null;
}

/** Units of every level the case's escalation reached (views projected before the list was kept: the last one). */
export function escalationReach(view: CaseView): string[] | null {
  const e = view.escalation;
  if (!e) return null;
  return e.units && e.units.length > 0 ? e.units : [e.unit];
}

/**
 * Writes the case row, its tasks and clocks, only when `view.sequence` is newer than what is
 * stored: a late or re-delivered older projection changes nothing. Runs in the caller's
 * transaction. @returns whether the view was applied.
 */
/** What the projection keeps of a running clock's plan (activities/types.ts `ClockPlan`): stored whole. */
interface StoredPlan {
  recipe: { calendarId: string };
  calendarVersion: number;
}

export async function writeCaseProjection(client: PoolClient, input: ProjectInput & { plans?: Record<string, StoredPlan> }): Promise<boolean> {
  const { view, facts } = input;
  const { data, ...rest } = facts;
  const upsert = await client.query(
    `INSERT INTO cases (case_id, reference, procedure_id, procedure_version, procedure_hash, unit_code,
       applicant_id, filed_by, state, status, outcome, filed_at, closed_at, last_sequence,
       escalation_level, escalation_unit, next_due_at, view, facts, data, escalation_units, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,
       -- Millisecond precision, so a keyset cursor (a JS Date) matches the stored value exactly.
       date_trunc('milliseconds', clock_timestamp()))
     ON CONFLICT (case_id) DO UPDATE SET
       state = EXCLUDED.state, status = EXCLUDED.status, outcome = EXCLUDED.outcome,
       closed_at = EXCLUDED.closed_at, last_sequence = EXCLUDED.last_sequence,
       escalation_level = EXCLUDED.escalation_level, escalation_unit = EXCLUDED.escalation_unit,
       next_due_at = EXCLUDED.next_due_at, view = EXCLUDED.view, facts = EXCLUDED.facts,
       data = EXCLUDED.data, escalation_units = EXCLUDED.escalation_units, updated_at = EXCLUDED.updated_at
     WHERE cases.last_sequence < EXCLUDED.last_sequence`,
    [
      view.caseId,
      view.reference,
      view.procedure.id,
      view.procedure.version,
      view.procedure.hash,
      view.unit,
      facts.applicant.id,
      facts.filedBy.id,
      view.state,
      view.status,
      view.outcome ?? null,
      view.filedAt,
      view.closedAt ?? null,
      view.sequence,
      view.escalation?.level ?? null,
      view.escalation?.unit ?? null,
      nextDue(view),
      JSON.stringify(view),
      JSON.stringify(rest),
      JSON.stringify(data),
      escalationReach(view),
    ],
  );
  if (upsert.rowCount !== 1) return false;

  await client.query('DELETE FROM case_tasks WHERE case_id = $1', [view.caseId]);
  for (const [position, t] of view.tasks.entries()) {
    await client.query(
      `INSERT INTO case_tasks (case_id, position, state, role, level, unit_code, assignee, opened_at, due_at, actions)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
      [view.caseId, position, t.state, t.role, t.level, t.unit, t.assignee ?? null, t.openedAt, t.dueAt ?? null, JSON.stringify(t.actions)],
    );
  }
  await client.query('DELETE FROM case_clocks WHERE case_id = $1', [view.caseId]);
  for (const c of view.clocks) {
    // A running clock's plan lets a calendar change move it without waking the case (projections
    // from before plans: none, and the pass signals the case instead).
    const plan = c.status === 'running' ? input.plans?.[c.name] : undefined;
    await client.query(
      `INSERT INTO case_clocks (case_id, name, status, counting, started_at, due_at, due_date, extensions, expired_at, calendar_id, calendar_version, plan)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
      [
        view.caseId,
        c.name,
        c.status,
        c.counting,
        c.startedAt ?? null,
        c.dueAt ?? null,
        c.dueDate ?? null,
        c.extensions,
        c.expiredAt ?? null,
        plan?.recipe.calendarId ?? null,
        plan?.calendarVersion ?? null,
        plan ? JSON.stringify(plan) : null,
      ],
    );
  }
  return true;
}

export async function getCase(db: Db, caseId: string): Promise<CaseRecord | undefined> {
  const res = await db.query<CaseRow>('SELECT * FROM cases WHERE case_id = $1', [caseId]);
  return res.rows[0] ? toRecord(res.rows[0]) : undefined;
}

/** Units where the case has an open task: staff there may see the case even when filed elsewhere. */
export async function taskUnits(db: Db, caseId: string): Promise<string[]> {
  const res = await db.query<{ unit_code: string }>('SELECT DISTINCT unit_code FROM case_tasks WHERE case_id = $1', [caseId]);
  return res.rows.map((r) => r.unit_code);
}

export type CaseSort = 'filedAt' | '-filedAt' | 'updatedAt' | '-updatedAt';

export interface CaseFilter {
  /** Who may see what: the units the caller covers, or the applicant's own cases. */
  scope: { units: string[] } | { applicantId: string } | 'all';
  procedureId?: string;
  state?: string;
  unit?: string;
  status?: 'open' | 'closed';
  overdue?: boolean;
  escalated?: boolean;
  filedFrom?: string;
  filedTo?: string;
  /** Only open escalated cases whose escalation reached one of these units (the escalations list). */
  escalatedAt?: string[];
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor of the next page; absent on the last page. */
  next?: string;
}

const SORTS: Record<CaseSort, { column: 'filed_at' | 'updated_at'; dir: 'ASC' | 'DESC' }> = {
  filedAt: { column: 'filed_at', dir: 'ASC' },
  '-filedAt': { column: 'filed_at', dir: 'DESC' },
  updatedAt: { column: 'updated_at', dir: 'ASC' },
  '-updatedAt': { column: 'updated_at', dir: 'DESC' },
};

export function encodeCursor(values: (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`; undefined when it was tampered with or is from another list. */
export function decodeCursor(cursor: string, arity: number): (string | number | null)[] | undefined {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(values) || values.length !== arity) return undefined;
    if (!values.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) return undefined;
    return values as (string | number | null)[];
  } catch {
    return undefined;
  }
}

/**
 * Lists cases matching the filter in the caller's scope, one keyset page at a time. A scope of
 * several units (a province's or a region's staff) is read unit by unit, each unit's first page
 * from its own index range, then merged: the cost is the number of units times a page, not every
 * case the units ever had.
 */
export async function listCases(
  db: Db,
  filter: CaseFilter,
  page: { limit: number; cursor?: [string, string]; sort: CaseSort },
  now: Date = new Date(),
): Promise<Page<CaseRecord>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  let perUnit: string | undefined;
  if (filter.scope !== 'all') {
    if (!('units' in filter.scope)) where.push(`applicant_id = ${p(filter.scope.applicantId)}`);
    else {
      const units = [...new Set(filter.scope.units)];
      if (units.length === 1) where.push(`unit_code = ${p(units[0])}`);
      else if (filter.unit) where.push(`unit_code = ANY(${p(units)}::text[])`);
      else perUnit = p(units);
    }
  }
  if (filter.procedureId) where.push(`procedure_id = ${p(filter.procedureId)}`);
  if (filter.state) where.push(`state = ${p(filter.state)}`);
  if (filter.unit) where.push(`unit_code = ${p(filter.unit)}`);
  if (filter.status) where.push(`status = ${p(filter.status)}`);
  if (filter.overdue !== undefined) {
    where.push(
      filter.overdue
        ? `status = 'open' AND next_due_at IS NOT NULL AND next_due_at < ${p(now.toISOString())}`
        : `NOT (status = 'open' AND next_due_at IS NOT NULL AND next_due_at < ${p(now.toISOString())})`,
    );
  }
  if (filter.escalated !== undefined) {
    where.push(filter.escalated ? `status = 'open' AND escalation_level IS NOT NULL` : `escalation_level IS NULL`);
  }
  if (filter.escalatedAt) {
    where.push(`status = 'open' AND escalation_level IS NOT NULL AND escalation_units && ${p(filter.escalatedAt)}::text[]`);
  }
  if (filter.filedFrom) where.push(`filed_at >= ${p(filter.filedFrom)}`);
  if (filter.filedTo) where.push(`filed_at < ${p(filter.filedTo)}`);
  const sort = SORTS[page.sort];
  if (page.cursor) {
    const op = sort.dir === 'DESC' ? '<' : '>';
    where.push(`(${sort.column}, case_id) ${op} (${p(page.cursor[0])}::timestamptz, ${p(page.cursor[1])})`);
  }
  const limit = p(page.limit + 1);
  const orderBy = (alias: string) => `ORDER BY ${alias}${sort.column} ${sort.dir}, ${alias}case_id ${sort.dir} LIMIT ${limit}`;
  const sql = perUnit
    ? `SELECT c.* FROM unnest(${perUnit}::text[]) AS u(code)
       CROSS JOIN LATERAL (SELECT * FROM cases WHERE ${['unit_code = u.code', ...where].join(' AND ')} ${orderBy('')}) c
       ${orderBy('c.')}`
    : `SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${orderBy('')}`;
  const res = await db.query<CaseRow>(sql, params);
  const rows = res.rows.slice(0, page.limit);
  const last = rows[rows.length - 1];
  const next =
    res.rows.length > page.limit && last
      ? encodeCursor([(sort.column === 'filed_at' ? last.filed_at : last.updated_at).toISOString(), last.case_id])
      : undefined;
  return { items: rows.map(toRecord), ...(next ? { next } : {}) };
}

/** One open task of an inbox, with the case it belongs to. */
export interface InboxItem {
  task: CaseView['tasks'][number];
  case: CaseRecord;
}

/** An inbox's order: the `case_tasks_inbox` index's, tasks without a due date last. */
const INBOX_ORDER = `COALESCE(t.due_at, 'infinity'::timestamptz), t.case_id, t.position`;

/**
 * A unit's inbox: open tasks at `unit` for any of `roles`, earliest due first (tasks without a
 * due date last), then by case id. Each role's page is read from its own range of the
 * `case_tasks_inbox` index, then merged. Cursor: (due_at or null, case_id, position).
 */
export async function listInbox(
  db: Db,
  filter: {
    unit: string;
    roles: string[];
    procedureId?: string;
    assignee?: { id: string } | 'none';
    /** Only tasks of this state of their procedure. */
    state?: string;
    /** Only tasks whose due instant passed before this one (late). */
    dueBefore?: Date;
  },
  page: { limit: number; cursor?: (string | number | null)[] },
): Promise<Page<InboxItem>> {
  const params: unknown[] = [filter.unit, [...new Set(filter.roles)], page.limit + 1];
  const where = ['t.unit_code = $1', 't.role = r.role'];
  if (filter.state) {
    params.push(filter.state);
    where.push(`t.state = $${params.length}`);
  }
  if (filter.dueBefore) {
    params.push(filter.dueBefore);
    where.push(`t.due_at < $${params.length}`);
  }
  if (filter.assignee === 'none') where.push('t.assignee IS NULL');
  else if (filter.assignee) {
    params.push(filter.assignee.id);
    where.push(`t.assignee = $${params.length}`);
  }
  if (filter.procedureId) {
    params.push(filter.procedureId);
    where.push(`EXISTS (SELECT 1 FROM cases pc WHERE pc.case_id = t.case_id AND pc.procedure_id = $${params.length})`);
  }
  if (page.cursor) {
    const [due, caseId, position] = page.cursor;
    params.push(due ?? 'infinity', caseId, position);
    const n = params.length;
    where.push(`(${INBOX_ORDER}) > ($${n - 2}::timestamptz, $${n - 1}::text, $${n}::int)`);
  }
  const res = await db.query<CaseRow & { position: number; t_due_at: Date | null }>(
    `SELECT c.*, t.position, t.due_at AS t_due_at
       FROM unnest($2::text[]) AS r(role)
       CROSS JOIN LATERAL (
         SELECT t.case_id, t.position, t.due_at FROM case_tasks t
          WHERE ${where.join(' AND ')} ORDER BY ${INBOX_ORDER} LIMIT $3
       ) t
       JOIN cases c ON c.case_id = t.case_id
      ORDER BY ${INBOX_ORDER} LIMIT $3`,
    params,
  );
  const rows = res.rows.slice(0, page.limit);
  const last = rows[rows.length - 1];
  const items = rows.map((r) => ({ task: r.view.tasks[r.position] as CaseView['tasks'][number], case: toRecord(r) }));
  const next =
    res.rows.length > page.limit && last
      ? encodeCursor([last.t_due_at ? last.t_due_at.toISOString() : null, last.case_id, last.position])
      : undefined;
  return { items, ...(next ? { next } : {}) };
}
