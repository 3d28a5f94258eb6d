/**
 * The territorial directory: units (DGCT, regions, prefectures/provinces, communes) and their members,
 * read by the API and activities (who supervises this commune? who gets this notification?).
 * Rows are mapped to `Unit` and `Member` in one place, `toUnit` and `toMember`.
 */
import type { QueryResult, QueryResultRow } from 'pg';
import type { CaseUnit, Language } from '../workflows/messages';
import {
  PROVINCE_LEVEL_KINDS,
  type Member,
  type MemberInput,
  type Unit,
  type UnitInput,
  type UnitKind,
  type UpsertCounts,
} from './directory-model';

export * from './directory-model';

/** A pool or a client inside a transaction: the directory works on either. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** Why a unit could not be resolved for a case; the API maps both to 422. */
export class UnitLookupError extends Error {
  constructor(
    readonly code: string,
    readonly reason: 'not_found' | 'inactive' | 'broken_tree',
    message: string,
  ) {
    super(message);
    this.name = 'UnitLookupError';
  }
}

export interface ListUnitsOptions {
  /** Only the direct children of this unit. */
  parent?: string;
  kind?: UnitKind;
  /** Search in code and both names, accent- and case-insensitive (`fes` finds `Fès`). */
  q?: string;
  /** Only active (true) or inactive (false) units. */
  active?: boolean;
  /** 1 to 500. @default 50 */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface UnitPage {
  units: Unit[];
  /** Present when more units follow; pass it back as `cursor`. */
  nextCursor?: string;
}

interface UnitRow {
  code: string;
  kind: UnitKind;
  name_fr: string;
  name_ar: string;
  parent_code: string | null;
  active: boolean;
  updated_at: Date;
}

interface MemberRow {
  id: string;
  unit_code: string;
  name: string;
  email: string;
  language: Language;
  roles: string[];
}

// The tree is 4 levels deep; the bound only stops a cycle made by hand in SQL from looping forever.
const MAX_DEPTH = 8;
const UNIT_COLUMNS = 'u.code, u.kind, u.name_fr, u.name_ar, u.parent_code, u.active, u.updated_at';
const MEMBER_COLUMNS = 'm.id, m.unit_code, m.name, m.email, m.language, m.roles';

function toUnit(row: UnitRow): Unit {
  return {
    code: row.code,
    kind: row.kind,
    name: { fr: row.name_fr, ar: row.name_ar },
    parentCode: row.parent_code,
    active: row.active,
    updatedAt: row.updated_at.toISOString(),
  };
}

function toMember(row: MemberRow): Member {
  return { id: row.id, name: row.name, email: row.email, language: row.language, roles: row.roles, unit: row.unit_code };
}

/** The directory's queries over a pool, or over a client inside the caller's transaction. */
export function createDirectory(db: Queryable) {
  async function getUnit(code: string): Promise<Unit | undefined> {
    const { rows } = await db.query<UnitRow>(`SELECT ${UNIT_COLUMNS} FROM units u WHERE u.code = $1`, [code]);
    return rows[0] && toUnit(rows[0]);
  }

  /** The unit's ancestors, nearest first, up to the ministry (the unit itself excluded). */
  async function ancestors(code: string): Promise<Unit[]> {
    const { rows } = await db.query<UnitRow & { depth: number }>(
      `WITH RECURSIVE up AS (
         SELECT u.*, 0 AS depth FROM units u WHERE u.code = $1
         UNION ALL
         SELECT u.*, up.depth + 1 FROM units u JOIN up ON u.code = up.parent_code
          WHERE up.depth < ${MAX_DEPTH}
       )
       SELECT ${UNIT_COLUMNS}, u.depth FROM up u WHERE u.depth > 0 ORDER BY u.depth`,
      [code],
    );
    return rows.map(toUnit);
  }

  /** Every unit below `code`, at any depth, parents before children (what a supervisor oversees). */
  async function descendants(code: string): Promise<Unit[]> {
    const { rows } = await db.query<UnitRow>(
      `WITH RECURSIVE down AS (
         SELECT u.*, 1 AS depth FROM units u WHERE u.parent_code = $1
         UNION ALL
         SELECT u.*, down.depth + 1 FROM units u JOIN down ON u.parent_code = down.code
          WHERE down.depth < ${MAX_DEPTH}
       )
       SELECT ${UNIT_COLUMNS} FROM down u ORDER BY u.depth, u.code`,
      [code],
    );
    return rows.map(toUnit);
  }

  /**
   * The unit a case is filed at, with the codes of its prefecture/province, region and ministry as
   * they are now (the case keeps them: a later reorganisation does not move running cases).
   * Throws `UnitLookupError` for an unknown or inactive unit (unless `allowInactive`).
   */
  async function caseUnit(code: string, options: { allowInactive?: boolean } = {}): Promise<CaseUnit> {
    const unit = await getUnit(code);
    if (!unit) {
      throw new UnitLookupError(code, 'not_found', `unit "${code}" is not in the directory (check the code, or import it with \`masar directory import\`)`);
    }
    if (!unit.active && !options.allowInactive) {
      throw new UnitLookupError(code, 'inactive', `unit "${code}" (${unit.name.fr}) is inactive and takes no new cases (file the case at the unit that replaced it)`);
    }
    const above = await ancestors(code);
    const ministry = above.find((u) => u.kind === 'ministry');
    if (!ministry) {
      throw new UnitLookupError(code, 'broken_tree', `unit "${code}" has no ministry above it (its parent chain is ${above.map((u) => u.code).join(' > ') || 'empty'}; fix parent_code)`);
    }
    const province = above.find((u) => PROVINCE_LEVEL_KINDS.includes(u.kind));
    const region = above.find((u) => u.kind === 'region');
    const commune = unit.kind === 'arrondissement' ? above.find((u) => u.kind === 'commune') : undefined;
    return {
      code: unit.code,
      name: unit.name,
      ...(commune && { commune: commune.code }),
      ...(province && { province: province.code }),
      ...(region && { region: region.code }),
      ministry: ministry.code,
    };
  }

  /** A page of units in code order, filtered by parent, kind, text and activity. */
  async function listUnits(options: ListUnitsOptions = {}): Promise<UnitPage> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new RangeError(`listUnits: limit must be an integer from 1 to 500, got ${limit}`);
    }
    const { rows } = await db.query<UnitRow>(
      `SELECT ${UNIT_COLUMNS} FROM units u
        WHERE ($1::text IS NULL OR u.parent_code = $1)
          AND ($2::text IS NULL OR u.kind = $2)
          AND ($3::text IS NULL OR strpos(u.search_key, directory_fold($3)) > 0)
          AND ($4::boolean IS NULL OR u.active = $4)
          AND ($5::text IS NULL OR u.code > $5)
        ORDER BY u.code
        LIMIT $6`,
      [options.parent ?? null, options.kind ?? null, options.q?.trim() || null, options.active ?? null, options.cursor ?? null, limit + 1],
    );
    const units = rows.slice(0, limit).map(toUnit);
    const last = units[units.length - 1];
    return rows.length > limit && last ? { units, nextCursor: last.code } : { units };
  }

  /** Active members of a unit, all of them or those holding `role`, by name. */
  async function members(unitCode: string, role?: string): Promise<Member[]> {
    const { rows } = await db.query<MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM unit_members m
        WHERE m.unit_code = $1 AND m.active AND ($2::text IS NULL OR $2 = ANY (m.roles))
        ORDER BY m.name, m.id`,
      [unitCode, role ?? null],
    );
    return rows.map(toMember);
  }

  /** One active member by id, wherever they sit (a task's assignee). */
  async function member(id: string): Promise<Member | undefined> {
    const { rows } = await db.query<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM unit_members m WHERE m.id = $1 AND m.active`, [id]);
    return rows[0] && toMember(rows[0]);
  }

  /** The members with role `supervisor` at that very unit (not above it). */
  function supervisors(unitCode: string): Promise<Member[]> {
    return members(unitCode, 'supervisor');
  }

  /**
   * Creates or updates units by code in one statement; a row identical to the stored one is left
   * alone (its `updated_at` does not move). Parents may come in the same call, in any order.
   * The input is trusted: validate outside data first (see `db/directory-import.ts`).
   */
  async function upsertUnits(units: readonly UnitInput[]): Promise<UpsertCounts> {
    const seen = new Set<string>();
    for (const u of units) {
      if (seen.has(u.code)) throw new Error(`upsertUnits: unit "${u.code}" appears twice in one call (merge the two rows)`);
      seen.add(u.code);
    }
    if (units.length === 0) return { added: 0, updated: 0, unchanged: 0 };
    // The foreign key on parent_code is checked at the end of the statement, so order does not matter.
    const { rows } = await db.query<{ inserted: boolean }>(
      `INSERT INTO units AS t (code, kind, name_fr, name_ar, parent_code, active)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[])
       ON CONFLICT (code) DO UPDATE
         SET kind = EXCLUDED.kind, name_fr = EXCLUDED.name_fr, name_ar = EXCLUDED.name_ar,
             parent_code = EXCLUDED.parent_code, active = EXCLUDED.active, updated_at = now()
         WHERE (t.kind, t.name_fr, t.name_ar, t.parent_code, t.active)
               IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.name_fr, EXCLUDED.name_ar, EXCLUDED.parent_code, EXCLUDED.active)
       RETURNING (xmax = 0) AS inserted`,
      [
        units.map((u) => u.code),
        units.map((u) => u.kind),
        units.map((u) => u.name.fr),
        units.map((u) => u.name.ar),
        units.map((u) => u.parentCode),
        units.map((u) => u.active ?? true),
      ],
    );
    const added = rows.filter((r) => r.inserted).length;
    return { added, updated: rows.length - added, unchanged: units.length - rows.length };
  }

  /** Creates or updates a member by id; returns it as `members()` would. */
  async function upsertMember(member: MemberInput): Promise<Member> {
    const unit = await getUnit(member.unitCode);
    if (!unit) {
      throw new Error(`upsertMember: member "${member.id}": unit "${member.unitCode}" is not in the directory (import the unit first)`);
    }
    const { rows } = await db.query<MemberRow>(
      `INSERT INTO unit_members AS m (id, unit_code, name, email, phone, language, roles, active)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE
         SET unit_code = EXCLUDED.unit_code, name = EXCLUDED.name, email = EXCLUDED.email, phone = EXCLUDED.phone,
             language = EXCLUDED.language, roles = EXCLUDED.roles, active = EXCLUDED.active, updated_at = now()
       RETURNING ${MEMBER_COLUMNS}`,
      [member.id, member.unitCode, member.name, member.email, member.phone ?? null, member.language, member.roles, member.active ?? true],
    );
    const row = rows[0];
    if (!row) throw new Error(`upsertMember: no row returned for member "${member.id}"`);
    return toMember(row);
  }

  return { getUnit, caseUnit, ancestors, descendants, listUnits, members, member, supervisors, upsertUnits, upsertMember };
}

/** The directory's operations, as activities and the API receive them. */
export type Directory = ReturnType<typeof createDirectory>;
