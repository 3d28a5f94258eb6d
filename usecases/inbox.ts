/**
 * Work lists of staff: the task inbox (open tasks at the caller's unit for their roles, earliest due
 * first; claimed or unassigned) and the escalations (supervisors: open cases whose escalation reached
 * their unit or any unit below, until decided or closed).
 * The `authorize*` steps are exported so a transport can refuse before parsing; the lists check again.
 */
import { listCases, listInbox, type InboxItem } from '../db/cases';
import { isSupervisor, requireStaff, staffRoles, unitScope } from './access';
import type { UseCaseDeps } from './deps';
import { forbidden } from './errors';
import type { Principal } from './principal';
import type { VisibleCase } from './read-cases';

/** Only staff with a unit have an inbox. */
export function authorizeInbox(p: Principal): asserts p is Principal & { unit: string } {
  requireStaff(p, 'the task inbox');
}

/** Only supervisors with a unit see escalations. */
export function authorizeEscalations(p: Principal): void {
  if (!isSupervisor(p)) throw forbidden('the escalations list is for supervisors with a unit');
}

/** The caller's inbox, one keyset page (`cursor` as the previous page's `next` decoded). */
export async function taskInbox(
  deps: Pick<UseCaseDeps, 'db' | 'now'>,
  p: Principal,
  filter: {
    procedure?: string | undefined;
    /** `mine`: tasks the caller holds (claimed, assigned, taken over); `unassigned`: tasks nobody holds. */
    assigned?: 'mine' | 'unassigned' | undefined;
    /** Only tasks of this state (`review`...). */
    state?: string | undefined;
    /** Only tasks whose deadline has passed. */
    late?: boolean | undefined;
  },
  page: { limit: number; cursor?: (string | number | null)[] | undefined },
): Promise<{ items: InboxItem[]; next?: string }> {
  authorizeInbox(p);
  return listInbox(
    deps.db,
    {
      unit: p.unit,
      roles: staffRoles(p),
      ...(filter.procedure ? { procedureId: filter.procedure } : {}),
      ...(filter.assigned ? { assignee: filter.assigned === 'mine' ? { id: p.sub } : ('none' as const) } : {}),
      ...(filter.state ? { state: filter.state } : {}),
      ...(filter.late ? { dueBefore: deps.now() } : {}),
    },
    { limit: page.limit, ...(page.cursor ? { cursor: page.cursor } : {}) },
  );
}

/** Open cases whose escalation reached the supervisor's unit or a unit below, newest first. */
export async function escalations(
  deps: Pick<UseCaseDeps, 'db' | 'directory' | 'now'>,
  p: Principal,
  page: { limit: number; cursor?: [string, string] | undefined },
): Promise<{ items: VisibleCase[]; next?: string }> {
  authorizeEscalations(p);
  const scope = await unitScope(p, deps.directory);
  const result = await listCases(
    deps.db,
    { scope: 'all', escalatedAt: scope },
    { limit: page.limit, sort: '-filedAt', ...(page.cursor ? { cursor: page.cursor } : {}) },
    deps.now(),
  );
  return {
    items: result.items.map((record) => ({ record, personal: record.unitCode === p.unit })),
    ...(result.next ? { next: result.next } : {}),
  };
}
