/**
 * The access log (law 09-08): every read of a case, its journal or its documents by anyone but the
 * applicant is recorded (who, when, which case, through which transport and route) before the data
 * is handed out, by the use case that reads it, so every transport (API, console, CLI) is accounted
 * for without doing anything. The applicant sees who from the administration consulted their case;
 * administrators query the log by person, unit or case.
 *
 * Hazard: recording comes first and a failure to record refuses the read (fail closed): a read
 * nobody can account for must not happen.
 */
import { listAccess, recordAccess, type AccessEntry, type AccessKind } from '../db/access-log';
import { requireAdmin, visibleCase } from './access';
import type { UseCaseDeps } from './deps';
import { forbidden } from './errors';
import type { Principal } from './principal';

export type { AccessEntry, AccessKind } from '../db/access-log';

/** Where a read came from: the transport and its route or page (`GET /api/v1/cases/:id`). */
export interface ReadRoute {
  transport: string;
  route: string;
}

/** What a caller that does not say records (a new transport should pass its own). */
export const UNSPECIFIED_ROUTE: ReadRoute = { transport: 'unspecified', route: 'unspecified' };

/**
 * Records that `p` read `what` of a case, unless `p` is its applicant (people reading their own case
 * are not the accesses the law asks to account for). The hook every read of case data calls: case
 * reads and journals here, documents from the documents use case.
 */
export async function recordCaseRead(
  deps: Pick<UseCaseDeps, 'db' | 'now'>,
  p: Principal,
  read: { caseId: string; applicantId: string; what: Exclude<AccessKind, 'payloads'> },
  via: ReadRoute = UNSPECIFIED_ROUTE,
): Promise<void> {
  if (read.applicantId === p.sub) return;
  await recordAccess(deps.db, {
    at: deps.now(),
    caseId: read.caseId,
    actor: { id: p.sub, ...(p.name ? { name: p.name } : {}), roles: p.roles, ...(p.unit ? { unit: p.unit } : {}) },
    what: read.what,
    transport: via.transport,
    route: via.route,
  });
}

/**
 * Records that `p` is having `count` Temporal payloads decrypted (the codec endpoint the Web UI
 * calls): they may hold anyone's data, so the decryption is accounted for like a read.
 */
export async function recordPayloadDecode(deps: Pick<UseCaseDeps, 'db' | 'now'>, p: Principal, count: number, via: ReadRoute): Promise<void> {
  await recordAccess(deps.db, {
    at: deps.now(),
    actor: { id: p.sub, ...(p.name ? { name: p.name } : {}), roles: p.roles, ...(p.unit ? { unit: p.unit } : {}) },
    what: 'payloads',
    transport: via.transport,
    route: `${via.route} (${count} payloads)`,
  });
}

/** One read of their case, as the applicant sees it: who (name, role, unit), when, what. */
export interface CaseReader {
  at: string;
  what: AccessKind;
  reader: { name?: string; roles: string[]; unit?: string };
}

/** Who from the administration read the applicant's own case, newest first. */
export async function caseReaders(
  deps: Pick<UseCaseDeps, 'db' | 'directory'>,
  p: Principal,
  caseId: string,
  page: { limit: number; before?: string | undefined },
): Promise<{ items: CaseReader[]; next?: string }> {
  const { record } = await visibleCase(deps, p, caseId);
  if (record.applicantId !== p.sub) throw forbidden(`the readers of case ${caseId} are shown to its applicant; administrators query the access log`);
  const result = await listAccess(deps.db, { caseId }, { limit: page.limit, ...(page.before ? { before: page.before } : {}) });
  return {
    items: result.items.map((e) => ({
      at: e.at,
      what: e.what,
      reader: { ...(e.actor.name ? { name: e.actor.name } : {}), roles: e.actor.roles, ...(e.actor.unit ? { unit: e.actor.unit } : {}) },
    })),
    ...(result.next ? { next: result.next } : {}),
  };
}

/** What administrators filter the access log by; at least one of person, unit or case. */
export interface AccessQuery {
  actor?: string | undefined;
  /** Reads by staff of this unit and every unit below it. */
  unit?: string | undefined;
  case?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** The access log for administrators: by person, by unit (with the units below), by case. */
export async function queryAccessLog(
  deps: Pick<UseCaseDeps, 'db' | 'directory'>,
  p: Principal,
  query: AccessQuery,
  page: { limit: number; before?: string | undefined },
): Promise<{ items: AccessEntry[]; next?: string }> {
  requireAdmin(p, 'querying the access log');
  const units = query.unit === undefined ? undefined : [query.unit, ...(await deps.directory.descendants(query.unit)).map((u) => u.code)];
  return listAccess(
    deps.db,
    {
      ...(query.actor !== undefined ? { actorId: query.actor } : {}),
      ...(units ? { units } : {}),
      ...(query.case !== undefined ? { caseId: query.case } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
    },
    { limit: page.limit, ...(page.before ? { before: page.before } : {}) },
  );
}
