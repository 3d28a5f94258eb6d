/**
 * Typed queries on `case_access_log` (migration 070): who from the administration read which case,
 * when, and through which route. Append-only: rows are inserted here and never changed (the
 * database refuses UPDATE, DELETE and TRUNCATE). Pages run newest first, keyset on the row id.
 */
import type { Queryable } from './directory';

/** What part of a case was read. */
export const ACCESS_KINDS = ['case', 'journal', 'documents', 'payloads'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/** One recorded read. */
export interface AccessEntry {
  id: string;
  at: string;
  /** Absent for `payloads` (decrypted through the codec endpoint: no case is named). */
  caseId?: string;
  actor: { id: string; name?: string; roles: string[]; unit?: string };
  what: AccessKind;
  transport: string;
  route: string;
}

export type NewAccessEntry = Omit<AccessEntry, 'id' | 'at'> & { at: Date };

/** Records a read. */
export async function recordAccess(db: Queryable, entry: NewAccessEntry): Promise<void> {
  await db.query(
    `INSERT INTO case_access_log (at, case_id, actor_id, actor_name, actor_roles, actor_unit, what, transport, route)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [entry.at, entry.caseId ?? null, entry.actor.id, entry.actor.name ?? null, entry.actor.roles, entry.actor.unit ?? null, entry.what, entry.transport, entry.route],
  );
}

interface AccessRow {
  id: string;
  at: Date;
  case_id: string | null;
  actor_id: string;
  actor_name: string | null;
  actor_roles: string[];
  actor_unit: string | null;
  what: AccessKind;
  transport: string;
  route: string;
}

function toEntry(r: AccessRow): AccessEntry {
  return {
    id: String(r.id),
    at: r.at.toISOString(),
    ...(r.case_id !== null ? { caseId: r.case_id } : {}),
    actor: { id: r.actor_id, ...(r.actor_name ? { name: r.actor_name } : {}), roles: r.actor_roles, ...(r.actor_unit ? { unit: r.actor_unit } : {}) },
    what: r.what,
    transport: r.transport,
    route: r.route,
  };
}

/** Filters of a query; all given ones apply. */
export interface AccessFilter {
  caseId?: string;
  actorId?: string;
  /** Reads by staff of these units. */
  units?: string[];
  from?: Date;
  to?: Date;
}

/** A page of reads matching `filter`, newest first; `next` is the cursor of the following page. */
export async function listAccess(db: Queryable, filter: AccessFilter, page: { limit: number; before?: string }): Promise<{ items: AccessEntry[]; next?: string }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.caseId !== undefined) add('case_id = ?', filter.caseId);
  if (filter.actorId !== undefined) add('actor_id = ?', filter.actorId);
  if (filter.units !== undefined) add('actor_unit = ANY(?)', filter.units);
  if (filter.from !== undefined) add('at >= ?', filter.from);
  if (filter.to !== undefined) add('at < ?', filter.to);
  if (page.before !== undefined) add('id < ?', page.before);
  params.push(page.limit + 1);
  const rows = (
    await db.query<AccessRow>(
      `SELECT id, at, case_id, actor_id, actor_name, actor_roles, actor_unit, what, transport, route
         FROM case_access_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT $${params.length}`,
      params,
    )
  ).rows;
  const items = rows.slice(0, page.limit).map(toEntry);
  const last = items[items.length - 1];
  return { items, ...(rows.length > page.limit && last ? { next: last.id } : {}) };
}
