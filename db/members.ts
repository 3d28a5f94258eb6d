/**
 * Members of a unit and their roles, as administrators manage them: list, add, update, remove.
 * Transport-neutral: the API route, the CLI and the CSV import call these functions, which check
 * everything (the unit exists, the roles are known, the fields are well formed) and throw a
 * `MemberError` naming the field, the value and the fix. Removing a member deactivates it: the
 * journal and the outbox keep naming who acted and who was told.
 */
import { z } from 'zod';
import { BUILTIN_ROLES } from '../definitions/schema';
import { didYouMean } from '../definitions/suggest';
import { ROLE_UNIT_KINDS } from './authorities';
import { createDirectory, type Queryable } from './directory';
import type { Member, Unit } from './directory-model';

/** Why a member operation was refused; `field` says where (`roles[1]`, `email`...). */
export class MemberError extends Error {
  constructor(
    readonly reason: 'invalid' | 'unknown_unit' | 'unknown_role' | 'not_found' | 'exists',
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'MemberError';
  }
}

/** Roles a directory member may hold without any procedure naming them. */
export const BUILTIN_MEMBER_ROLES: readonly string[] = BUILTIN_ROLES.filter((r) => r !== 'applicant');

const ROLE = /^[a-z][a-z0-9_]*$/;
// PostgreSQL text cannot hold NUL; control characters have no place in a name or an address.
const printable = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is empty`)
    .max(200, `${what} is longer than 200 characters`)
    .refine((v) => ![...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), `${what} contains control characters`);

/** A member's fields as an administrator gives them (API body, CLI options, CSV row). */
export const MemberFields = z.strictObject({
  id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, 'id must be 1 to 100 letters, digits, ".", "_", "@" or "-" (the identity provider\'s subject)'),
  name: printable('name'),
  email: printable('email').pipe(z.email('email is not an e-mail address (e.g. agent@commune.ma)')),
  language: z.enum(['fr', 'ar'], 'language must be "fr" or "ar"'),
  roles: z
    .array(z.string().trim().regex(ROLE, 'a role is lower case letters, digits and "_" (e.g. urbanism_officer)'))
    .min(1, 'roles is empty: give at least one role (e.g. agent)')
    .max(30),
  phone: z.string().trim().max(40).optional(),
});
export type MemberFields = z.infer<typeof MemberFields>;

/** The fields an update may change; absent ones are kept. */
export const MemberPatch = MemberFields.omit({ id: true }).partial();
export type MemberPatch = z.infer<typeof MemberPatch>;

/**
 * Roles a member may be given: the built-in staff roles and every role a published procedure
 * declares (any version: a running case may still wait on an older version's role).
 */
export async function knownRoles(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ role: string }>(
    `SELECT DISTINCT json_object_keys(compiled->'roles') AS role FROM procedures`,
  );
  const roles = new Set([...BUILTIN_MEMBER_ROLES, ...rows.map((r) => r.role).filter((r) => r !== 'applicant')]);
  return [...roles].sort();
}

/** Throws `MemberError` for the first role that no procedure and no built-in knows. */
export async function checkRoles(db: Queryable, roles: readonly string[]): Promise<void> {
  const known = await knownRoles(db);
  roles.forEach((role, i) => {
    if (role === 'applicant') {
      throw new MemberError('unknown_role', `roles[${i}]`, 'role "applicant" is not a staff role: applicants are not directory members');
    }
    if (!known.includes(role)) {
      const hint = didYouMean(role, known);
      throw new MemberError(
        'unknown_role',
        `roles[${i}]`,
        `role "${role}" is neither built in nor declared by a published procedure (${hint ? `${hint}; ` : ''}known roles: ${known.join(', ')}; publish the procedure that declares it first)`,
      );
    }
  });
}

/**
 * Throws `MemberError` for a role the unit's kind cannot hold: the council president sits at a
 * commune or an arrondissement, the governor's services at a prefecture or province
 * (`ROLE_UNIT_KINDS`, db/authorities.ts).
 */
export function checkRolesAtUnit(unit: Pick<Unit, 'code' | 'kind'>, roles: readonly string[]): void {
  roles.forEach((role, i) => {
    const kinds = Object.hasOwn(ROLE_UNIT_KINDS, role) ? ROLE_UNIT_KINDS[role] : undefined;
    if (kinds && !kinds.includes(unit.kind)) {
      throw new MemberError(
        'invalid',
        `roles[${i}]`,
        `role "${role}" belongs at a ${kinds.join(' or ')}, and unit ${unit.code} is a ${unit.kind} (give the role to a member of the right unit)`,
      );
    }
  });
}

async function requireUnit(db: Queryable, unitCode: string): Promise<Unit> {
  const unit = await createDirectory(db).getUnit(unitCode);
  if (!unit) throw new MemberError('unknown_unit', 'unit', `unit "${unitCode}" is not in the directory (check the code, or import it with \`masar directory import\`)`);
  return unit;
}

/** Active members of a unit, by name (throws `MemberError` for an unknown unit). */
export async function listUnitMembers(db: Queryable, unitCode: string): Promise<Member[]> {
  await requireUnit(db, unitCode);
  return createDirectory(db).members(unitCode);
}

interface StoredMember extends Member {
  active: boolean;
  phone: string | null;
}

async function storedMember(db: Queryable, id: string): Promise<StoredMember | undefined> {
  const { rows } = await db.query<{ id: string; unit_code: string; name: string; email: string; language: 'fr' | 'ar'; roles: string[]; active: boolean; phone: string | null }>(
    'SELECT id, unit_code, name, email, language, roles, active, phone FROM unit_members WHERE id = $1',
    [id],
  );
  const r = rows[0];
  return r && { id: r.id, unit: r.unit_code, name: r.name, email: r.email, language: r.language, roles: r.roles, active: r.active, phone: r.phone };
}

/**
 * Adds a member to a unit. A removed (inactive) member of the same id comes back with the new
 * fields, at this unit; an active one is refused (`exists`): update it, or remove it from its unit.
 */
export async function addMember(db: Queryable, unitCode: string, fields: MemberFields): Promise<Member> {
  const unit = await requireUnit(db, unitCode);
  await checkRoles(db, fields.roles);
  checkRolesAtUnit(unit, fields.roles);
  const existing = await storedMember(db, fields.id);
  if (existing?.active) {
    throw new MemberError('exists', 'id', `member "${fields.id}" already exists at unit ${existing.unit} (update it there, or remove it first to move it)`);
  }
  return createDirectory(db).upsertMember({ ...fields, roles: [...new Set(fields.roles)], unitCode, active: true });
}

/** Updates an active member of `unitCode`; fields absent from `patch` are kept. */
export async function updateMember(db: Queryable, unitCode: string, id: string, patch: MemberPatch): Promise<Member> {
  const unit = await requireUnit(db, unitCode);
  const existing = await storedMember(db, id);
  if (!existing?.active || existing.unit !== unitCode) {
    throw new MemberError('not_found', 'id', `no active member "${id}" at unit ${unitCode}${existing?.active ? ` (it belongs to unit ${existing.unit})` : ''}`);
  }
  if (patch.roles) {
    await checkRoles(db, patch.roles);
    checkRolesAtUnit(unit, patch.roles);
  }
  return createDirectory(db).upsertMember({
    id,
    unitCode,
    name: patch.name ?? existing.name,
    email: patch.email ?? existing.email,
    language: patch.language ?? existing.language,
    roles: patch.roles ? [...new Set(patch.roles)] : existing.roles,
    phone: patch.phone ?? existing.phone,
    active: true,
  });
}

/** Removes (deactivates) an active member of `unitCode`; returns it as it was. */
export async function removeMember(db: Queryable, unitCode: string, id: string): Promise<Member> {
  await requireUnit(db, unitCode);
  const existing = await storedMember(db, id);
  if (!existing?.active || existing.unit !== unitCode) {
    throw new MemberError('not_found', 'id', `no active member "${id}" at unit ${unitCode}${existing?.active ? ` (it belongs to unit ${existing.unit})` : ''}`);
  }
  await db.query('UPDATE unit_members SET active = false, updated_at = now() WHERE id = $1', [id]);
  const { active: _active, phone: _phone, ...member } = existing;
  return member;
}
