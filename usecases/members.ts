/**
 * Members of a unit and their roles, as administrators manage them (list, add, update, remove),
 * the roles a member may hold, and the messages that reached nobody. The checks on the fields, the
 * unit and the roles are `db/members.ts`'s, shared with the CLI and the CSV import; this adds who
 * may (admins only) and turns a refusal into a `UseCaseError` naming the field.
 */
import type { Member } from '../db/directory-model';
import {
  addMember as add,
  knownRoles,
  MemberFields as MemberFieldsSchema,
  listUnitMembers,
  MemberError,
  type MemberFields,
  type MemberPatch,
  removeMember as remove,
  updateMember as update,
} from '../db/members';
import { listProblems, type ListProblemsOptions, type NotificationProblem } from '../db/notification-problems';
import { requireAdmin } from './access';
import type { UseCaseDeps } from './deps';
import { conflict, invalid, notFound, type UseCaseError } from './errors';
import type { Principal } from './principal';

/** Only admins manage members; exported so a transport can refuse before it reads a body. */
export const authorizeMembers = (p: Principal): void => requireAdmin(p, 'managing the members of a unit');

function refusal(err: MemberError): UseCaseError {
  switch (err.reason) {
    case 'unknown_unit':
    case 'not_found':
      return notFound(err.message);
    case 'exists':
      return conflict('member-exists', err.message);
    case 'unknown_role':
      return invalid(err.message, [{ path: err.field, message: err.message }], 'unknown-role');
    case 'invalid':
      return invalid(err.message, [{ path: err.field, message: err.message }]);
    default: {
      const never: never = err.reason;
      throw new Error(`unknown member refusal ${String(never)}`);
    }
  }
}

async function refused<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof MemberError ? refusal(err) : err;
  }
}

/** Active members of a unit, by name (admins). */
export async function listMembers(deps: Pick<UseCaseDeps, 'db'>, p: Principal, unit: string): Promise<Member[]> {
  requireAdmin(p, 'listing the members of a unit');
  return refused(() => listUnitMembers(deps.db, unit));
}

/**
 * A member's fields as a form or a body gives them (`roles` one or many), checked by the directory's
 * own schema: every bad field is `invalid` at its name, with what to write instead.
 */
export function parseMemberFields(input: unknown): MemberFields {
  const parsed = MemberFieldsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => ({ path: String(i.path[0] ?? 'body'), message: i.message }));
  throw invalid(`the member is not valid: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
}

/** Adds a member with roles to a unit (admins). */
export async function addMember(deps: Pick<UseCaseDeps, 'db'>, p: Principal, unit: string, fields: MemberFields): Promise<Member> {
  requireAdmin(p, 'adding a member');
  return refused(() => add(deps.db, unit, fields));
}

/** Changes a member of a unit; `roles` replaces its roles (admins). */
export async function updateMember(deps: Pick<UseCaseDeps, 'db'>, p: Principal, unit: string, id: string, patch: MemberPatch): Promise<Member> {
  requireAdmin(p, 'updating a member');
  return refused(() => update(deps.db, unit, id, patch));
}

/** Removes (deactivates) a member of a unit (admins). */
export async function removeMember(deps: Pick<UseCaseDeps, 'db'>, p: Principal, unit: string, id: string): Promise<Member> {
  requireAdmin(p, 'removing a member');
  return refused(() => remove(deps.db, unit, id));
}

/** Roles a member may hold: built in, and declared by a published procedure (admins). */
export async function listRoles(deps: Pick<UseCaseDeps, 'db'>, p: Principal): Promise<string[]> {
  requireAdmin(p, 'listing the roles');
  return knownRoles(deps.db);
}

/** Messages that reached nobody they were meant for, newest first (admins). */
export async function listNotificationProblems(deps: Pick<UseCaseDeps, 'db'>, p: Principal, options: ListProblemsOptions): Promise<NotificationProblem[]> {
  requireAdmin(p, 'listing undeliverable messages');
  return listProblems(deps.db, options);
}
