/**
 * Which units lack a member for a procedure's roles: publishing warns about them (it does not
 * block: members are often added after a procedure is published), because a task whose role
 * nobody holds at its unit mails nobody and waits for no one.
 */
import type { CompiledProcedure } from '../definitions/compiled';
import type { Level } from '../definitions/schema';
import type { Queryable } from './directory';
import { PROVINCE_LEVEL_KINDS, type UnitKind } from './directory-model';

/** A role of the procedure that no member holds at some units where it is needed. */
export interface RoleWarning {
  role: string;
  level: Level;
  /** Why the procedure needs the role there: a task's state, or the escalation. */
  neededBy: string;
  /** Active units of that level without an active member holding the role. */
  missing: number;
  /** Active units of that level. */
  units: number;
  /** The first few codes of units without the role, in code order. */
  examples: string[];
  message: string;
}

/** The unit kinds a level stands for (`unit`: where cases are filed, the communes). */
const LEVEL_KINDS: Readonly<Record<Level, readonly UnitKind[]>> = {
  unit: ['commune'],
  province: PROVINCE_LEVEL_KINDS,
  region: ['region'],
  ministry: ['ministry'],
};

const EXAMPLES = 5;

/** Roles and levels the procedure needs someone for: task roles, supervisors along the escalation. */
function needs(procedure: CompiledProcedure): { role: string; level: Level; neededBy: string }[] {
  const found = new Map<string, { role: string; level: Level; neededBy: string }>();
  for (const [state, def] of Object.entries(procedure.states)) {
    if (def.kind !== 'task' || def.task.role === 'applicant') continue;
    const key = `${def.task.role}@${def.task.level}`;
    if (!found.has(key)) found.set(key, { role: def.task.role, level: def.task.level, neededBy: `the task of state "${state}"` });
  }
  for (const level of procedure.escalation?.levels ?? []) {
    const key = `supervisor@${level}`;
    if (!found.has(key)) found.set(key, { role: 'supervisor', level, neededBy: 'the escalation' });
  }
  return [...found.values()];
}

/** One warning per role and level the procedure needs that some active unit has nobody for. */
export async function roleWarnings(db: Queryable, procedure: CompiledProcedure): Promise<RoleWarning[]> {
  const warnings: RoleWarning[] = [];
  for (const need of needs(procedure)) {
    const kinds = LEVEL_KINDS[need.level];
    const { rows } = await db.query<{ missing: number; units: number; examples: string[] | null }>(
      `WITH u AS (
         SELECT u.code, EXISTS (
                  SELECT 1 FROM unit_members m WHERE m.unit_code = u.code AND m.active AND $2 = ANY (m.roles)
                ) AS held
           FROM units u WHERE u.active AND u.kind = ANY ($1::text[])
       )
       SELECT count(*) FILTER (WHERE NOT held)::int AS missing, count(*)::int AS units,
              (array_agg(code ORDER BY code) FILTER (WHERE NOT held))[1:${EXAMPLES}] AS examples
         FROM u`,
      [kinds, need.role],
    );
    const row = rows[0];
    if (!row || row.missing === 0) continue;
    const examples = row.examples ?? [];
    const where = `${kinds.join('/')} level (${need.level})`;
    warnings.push({
      ...need,
      missing: row.missing,
      units: row.units,
      examples,
      message:
        `role "${need.role}", needed by ${need.neededBy} at the ${where}: no member holds it at ${row.missing} of ${row.units} units ` +
        `(${examples.join(', ')}${row.missing > examples.length ? ', ...' : ''}); messages to it reach nobody there until an administrator ` +
        `adds one (masar directory member add <unit> <id> --role ${need.role} ..., or POST /api/v1/units/{code}/members)`,
    });
  }
  return warnings;
}
