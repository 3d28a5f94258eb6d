/**
 * The territorial directory's vocabulary: unit kinds, their place in the hierarchy, and the shape of
 * their HCP codes. Pure; shared by the queries (`db/directory.ts`) and the CSV import.
 */
import type { Label } from '../definitions/schema';
import type { Language } from '../workflows/messages';

/**
 * The kinds of unit, from the ministry down to the commune and its arrondissements. A unit is a
 * territory; the authorities seated there (a council and its president, the governor's services...)
 * follow from its kind (`db/authorities.ts`).
 */
export const UnitKind = {
  ministry: 'ministry',
  region: 'region',
  province: 'province',
  prefecture: 'prefecture',
  /** One of Casablanca's 8 "préfectures d'arrondissements". */
  arrondissementsPrefecture: 'arrondissements_prefecture',
  commune: 'commune',
  /**
   * An arrondissement of a commune with arrondissements (Casablanca, Rabat, Fès, Marrakech, Salé,
   * Tanger: organic law 113-14, art. 216 and following): its council and president act for the
   * commune within the law's limits; it has no legal personality of its own.
   */
  arrondissement: 'arrondissement',
  /** The State's local administration below the governor: a pachalik (pacha), in towns. */
  pachalik: 'pachalik',
  /** The State's local administration below the governor: a caïdat (caïd), in rural areas. */
  caidat: 'caidat',
  /** An annexe administrative (khalifa of the pacha or caïd's representative) in a town's districts. */
  annexe: 'annexe',
} as const;
export type UnitKind = (typeof UnitKind)[keyof typeof UnitKind];
export const UNIT_KINDS: readonly UnitKind[] = Object.values(UnitKind);

/** The ministry unit above every region: Direction Générale des Collectivités Territoriales. */
export const MINISTRY_CODE = 'DGCT';

/** Kinds at the prefecture/province level: the first step of an escalation above a commune. */
export const PROVINCE_LEVEL_KINDS: readonly UnitKind[] = ['province', 'prefecture', 'arrondissements_prefecture'];

/** Kinds of the State's local administration under the governor (pachaliks, caïdats, annexes). */
export const STATE_LOCAL_KINDS: readonly UnitKind[] = ['pachalik', 'caidat', 'annexe'];

/**
 * The kinds a unit of each kind may hang below. Levels strictly descend, so the tree has no cycle.
 * An arrondissement hangs below its commune, or, in Casablanca, below the prefecture of
 * arrondissements whose governor supervises it (the tree follows supervision: escalation climbs it).
 */
export const PARENT_KINDS: Readonly<Record<UnitKind, readonly UnitKind[]>> = {
  ministry: [],
  region: ['ministry'],
  province: ['region'],
  prefecture: ['region'],
  arrondissements_prefecture: ['region'],
  commune: PROVINCE_LEVEL_KINDS,
  arrondissement: ['commune', 'arrondissements_prefecture'],
  pachalik: PROVINCE_LEVEL_KINDS,
  caidat: PROVINCE_LEVEL_KINDS,
  annexe: ['pachalik', ...PROVINCE_LEVEL_KINDS],
};

/** Depth in the tree: parents always have a smaller depth than their children. */
export const KIND_DEPTH: Readonly<Record<UnitKind, number>> = {
  ministry: 0,
  region: 1,
  province: 2,
  prefecture: 2,
  arrondissements_prefecture: 2,
  commune: 3,
  pachalik: 3,
  caidat: 3,
  arrondissement: 4,
  annexe: 4,
};

/**
 * HCP dotted codes: region `RR` (`01`), prefecture/province `RR.PPP` (`01.511`), prefecture of
 * arrondissements, commune and arrondissement `RR.PPP.CC.NN` (`06.141.01.00`, `01.511.01.03`).
 * The HCP does not code the State's local administration: pachaliks, caïdats and annexes take
 * Masar codes under their prefecture/province, `RR.PPP.PA.NN`, `RR.PPP.CA.NN`, `RR.PPP.AN.NN`
 * (an operator may load the ministry's own list in that form). The ministry has a short
 * upper-case code (`DGCT`). Migration 060's `units_code_format` check says the same.
 */
export const CODE_FORMATS: Readonly<Record<UnitKind, { pattern: RegExp; example: string }>> = {
  ministry: { pattern: /^[A-Z]{2,12}$/, example: 'DGCT' },
  region: { pattern: /^\d{2}$/, example: '01' },
  province: { pattern: /^\d{2}\.\d{3}$/, example: '01.511' },
  prefecture: { pattern: /^\d{2}\.\d{3}$/, example: '01.511' },
  arrondissements_prefecture: { pattern: /^\d{2}\.\d{3}\.\d{2}\.\d{2}$/, example: '06.141.01.00' },
  commune: { pattern: /^\d{2}\.\d{3}\.\d{2}\.\d{2}$/, example: '01.511.01.03' },
  arrondissement: { pattern: /^\d{2}\.\d{3}\.\d{2}\.\d{2}$/, example: '01.511.01.11' },
  pachalik: { pattern: /^\d{2}\.\d{3}\.PA\.\d{2}$/, example: '01.511.PA.01' },
  caidat: { pattern: /^\d{2}\.\d{3}\.CA\.\d{2}$/, example: '01.511.CA.01' },
  annexe: { pattern: /^\d{2}\.\d{3}\.AN\.\d{2}$/, example: '01.511.AN.01' },
};

/**
 * The part of a unit's code its children's codes start with: a region's `RR`, a province's or
 * prefecture of arrondissements' `RR.PPP` (Casablanca's arrondissements keep the `06.141` prefix).
 * The ministry imposes no prefix.
 */
export function childCodePrefix(unit: { code: string; kind: UnitKind }): string {
  switch (unit.kind) {
    case 'ministry':
      return '';
    case 'region':
      return unit.code;
    case 'province':
    case 'prefecture':
    case 'arrondissements_prefecture':
    case 'commune':
    case 'arrondissement':
    case 'pachalik':
    case 'caidat':
    case 'annexe':
      return unit.code.split('.').slice(0, 2).join('.');
    default: {
      const never: never = unit.kind;
      throw new Error(`unknown unit kind ${String(never)}`);
    }
  }
}

/** A territorial unit as the rest of Masar sees it. */
export interface Unit {
  code: string;
  kind: UnitKind;
  name: Label;
  /** The unit above; null only for the ministry. */
  parentCode: string | null;
  /** Inactive units (merged, renamed) stay for old cases but take no new ones. */
  active: boolean;
  /** ISO instant of the last change. */
  updatedAt: string;
}

/** A unit to create or update. */
export interface UnitInput {
  code: string;
  kind: UnitKind;
  name: Label;
  parentCode: string | null;
  /** @default true */
  active?: boolean;
}

/** A person acting for a unit, as notifications and task assignment need them. */
export interface Member {
  id: string;
  name: string;
  email: string;
  language: Language;
  roles: string[];
  /** The unit's code. */
  unit: string;
}

/** A member to create or update (by id). */
export interface MemberInput {
  id: string;
  unitCode: string;
  name: string;
  email: string;
  phone?: string | null | undefined;
  language: Language;
  roles: string[];
  /** @default true */
  active?: boolean;
}

/** Counts of an upsert: rows created, rows changed, rows already identical. */
export interface UpsertCounts {
  added: number;
  updated: number;
  unchanged: number;
}
