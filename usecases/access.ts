/**
 * Who may see and do what. The rules, in one place:
 * - applicants see only their own cases (applicant id = token `sub`) and file only for themselves;
 * - staff (any role but applicant and admin, with a `unit` claim) see the cases filed at their unit
 *   and those with an open task or escalation at their unit; supervisors also every unit below;
 * - admins manage procedures, calendars and the directory, and see no case;
 * - personal data (the applicant's input, email) goes only to the applicant and to staff of the
 *   unit where the case was filed or where its task now waits, and to the supervisors of the levels
 *   an escalation of the case reached.
 * Whether an action is allowed in the case's state is the workflow's decision, not this module's.
 */
import { getCase, taskUnits, type CaseRecord } from '../db/cases';
import type { Db } from '../db/pool';
import { forbidden, notFound, type UseCaseError } from './errors';
import type { Principal } from './principal';

const NON_STAFF = new Set(['applicant', 'admin']);

export const isAdmin = (p: Principal): boolean => p.roles.includes('admin');
export const isApplicant = (p: Principal): boolean => p.roles.includes('applicant');
export const staffRoles = (p: Principal): string[] => p.roles.filter((r) => !NON_STAFF.has(r));
/** Staff with a unit: agents, supervisors, a procedure's own roles. */
export const isStaff = (p: Principal): p is Principal & { unit: string } => staffRoles(p).length > 0 && !!p.unit;
export const isSupervisor = (p: Principal): boolean => p.roles.includes('supervisor') && !!p.unit;

/** Looks units up below a unit (the directory). */
export interface UnitTree {
  descendants(code: string): Promise<{ code: string }[]>;
}

/** The units whose cases a staff member covers: their unit, and every unit below for supervisors. */
export async function unitScope(p: Principal, tree: UnitTree): Promise<string[]> {
  if (!isStaff(p)) return [];
  if (!isSupervisor(p)) return [p.unit];
  return [p.unit, ...(await tree.descendants(p.unit)).map((u) => u.code)];
}

export interface CaseAccess {
  /** Whether the caller may see the case at all. */
  visible: boolean;
  /** Whether the caller may see its personal data. */
  personal: boolean;
}

/**
 * Decides what `p` may see of a stored case. `taskUnits` are the units where the case has an open
 * task (after escalation or reassignment, not always the case's unit).
 */
export function caseAccess(p: Principal, record: CaseRecord, scope: string[], taskUnits: string[]): CaseAccess {
  if (record.applicantId === p.sub) return { visible: true, personal: true };
  if (!isStaff(p)) return { visible: false, personal: false };
  const e = record.view.escalation;
  const reached = e ? (e.units ?? [e.unit]) : [];
  const visible = scope.includes(record.unitCode) || taskUnits.some((u) => scope.includes(u)) || reached.some((u) => scope.includes(u));
  // Supervisors of a level the escalation reached may take the case over and decide it: they need its data.
  const supervisesEscalation = isSupervisor(p) && reached.includes(p.unit);
  const personal = record.unitCode === p.unit || taskUnits.includes(p.unit) || supervisesEscalation;
  return { visible, personal: visible && personal };
}

/**
 * The error for a case the caller may not see: not-found for applicants (a case id reveals nothing
 * to the public), forbidden for staff and admins (who benefit from knowing the case exists elsewhere).
 */
export function hiddenCase(p: Principal, caseId: string): UseCaseError {
  if (isStaff(p)) return forbidden(`case ${caseId} is outside your unit's scope (${p.unit})`);
  if (isAdmin(p)) return forbidden('admins manage procedures, calendars and the directory; they see no case');
  return notFound(`no case ${caseId}`);
}

/** Throws forbidden unless the caller is an admin. */
export function requireAdmin(p: Principal, what: string): void {
  if (!isAdmin(p)) throw forbidden(`${what} requires the admin role`);
}

/** Throws forbidden unless the caller is staff with a unit. */
export function requireStaff(p: Principal, what: string): asserts p is Principal & { unit: string } {
  if (!isStaff(p)) {
    throw forbidden(
      staffRoles(p).length > 0
        ? `${what}: your token has no unit claim (ask an admin to set your unit)`
        : `${what} is for agents and supervisors`,
    );
  }
}

/** What `visibleCase` needs: the read model and the unit tree. */
export interface CaseAccessDeps {
  db: Db;
  directory: UnitTree;
}

/** The stored case if the caller may see it; not-found/forbidden otherwise (see `hiddenCase`). */
export async function visibleCase(deps: CaseAccessDeps, p: Principal, caseId: string): Promise<{ record: CaseRecord; access: CaseAccess }> {
  const record = await getCase(deps.db, caseId);
  if (!record) throw notFound(`no case ${caseId}`);
  if (record.applicantId === p.sub) return { record, access: { visible: true, personal: true } };
  if (!isStaff(p)) throw hiddenCase(p, caseId);
  const [scope, tasks] = await Promise.all([unitScope(p, deps.directory), taskUnits(deps.db, caseId)]);
  const access = caseAccess(p, record, scope, tasks);
  if (!access.visible) throw hiddenCase(p, caseId);
  return { record, access };
}
