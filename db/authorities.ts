/**
 * The authorities seated at each kind of unit, and how messages name them. A unit is a territory;
 * a collectivity (commune, prefecture/province, region) and the State's territorial administration
 * seated on the same territory are different authorities:
 * - the commune: its council and the council's **president**, who signs permits and decisions
 *   (organic law 113-14); an arrondissement's council and president act within the commune;
 * - the prefecture or province: the **governor** and his services (the State: supervision of the
 *   collectivities, legality control, the attestation of tacit approval) versus the prefectoral or
 *   provincial council (a collectivity, organic law 112-14);
 * - the region: the **wali** of the region (the State) versus the regional council (organic law 111-14);
 * - pachaliks, caïdats and annexes: the State's local administration under the governor.
 * Supervision (escalation of a missed deadline) goes to the State's authority of each level, never
 * to a council. Pure: shared by the directory, the notifications and the docs' tables.
 */
import type { Label } from '../definitions/schema';
import type { UnitKind } from './directory-model';

/** Who an authority answers to: an elected collectivity, or the State (Ministry of the Interior). */
export type AuthoritySide = 'collectivity' | 'state';

/** One authority seated at a unit, with the directory roles its people hold there. */
export interface Authority {
  /** `council`, `president`, `governor_services`, `wali_services`, `local_administration`, `ministry`. */
  id: string;
  side: AuthoritySide;
  /** Directory roles of the people acting for it at the unit. */
  roles: readonly string[];
  /** The authority's name for a unit's name, in both languages (`les services du gouverneur de la préfecture de Fès`). */
  name: (unit: Named) => Label;
}

/** The part of a unit the wording needs. */
export interface Named {
  kind: UnitKind;
  name: Label;
}

/** French article and noun, Arabic noun, of each kind of unit. */
const KIND_WORDS: Readonly<Record<UnitKind, { fr: string; ar: string; feminine: boolean }>> = {
  ministry: { fr: '', ar: '', feminine: true },
  region: { fr: 'région', ar: 'جهة', feminine: true },
  province: { fr: 'province', ar: 'إقليم', feminine: true },
  prefecture: { fr: 'préfecture', ar: 'عمالة', feminine: true },
  arrondissements_prefecture: { fr: "préfecture d'arrondissements", ar: 'عمالة مقاطعات', feminine: true },
  commune: { fr: 'commune', ar: 'جماعة', feminine: true },
  arrondissement: { fr: 'arrondissement', ar: 'مقاطعة', feminine: false },
  pachalik: { fr: 'pachalik', ar: 'باشوية', feminine: false },
  caidat: { fr: 'caïdat', ar: 'قيادة', feminine: false },
  annexe: { fr: 'annexe administrative', ar: 'الملحقة الإدارية', feminine: true },
};

const VOWEL_START = /^[aeiouyh]/i;
const bare = (s: string): string => s.normalize('NFD').replace(/\p{Diacritic}/gu, '');

/** `de Fès`, `d'Al Haouz`. */
const ofName = (name: string): string => (VOWEL_START.test(bare(name)) ? `d'${name}` : `de ${name}`);

/**
 * Arabic names join their parts with a space in running text (`طنجة أصيلة`), where the HCP's list
 * writes a hyphen (`طنجة-أصيلة`).
 */
const arabicInText = (name: string): string => name.replace(/\s*-\s*/g, ' ');

/**
 * A unit named by its kind, as messages write it: `la préfecture de Tanger-Assilah` /
 * `عمالة طنجة أصيلة`, `la province d'Al Haouz` / `إقليم الحوز`, `l'arrondissement de Tanger-Médina`.
 * The ministry is named by its own name.
 */
export function unitTitle(unit: Named): Label {
  if (unit.kind === 'ministry') return unit.name;
  const words = KIND_WORDS[unit.kind];
  const article = VOWEL_START.test(bare(words.fr)) ? "l'" : words.feminine ? 'la ' : 'le ';
  // An annexe's name is its own title ("annexe administrative Bni Makada" reads better without "de").
  const fr = unit.kind === 'annexe' ? `${article}${words.fr} ${unit.name.fr}` : `${article}${words.fr} ${ofName(unit.name.fr)}`;
  const ar = unit.kind === 'annexe' ? `${words.ar} ${arabicInText(unit.name.ar)}` : `${words.ar} ${arabicInText(unit.name.ar)}`;
  return { fr, ar };
}

/** `de la préfecture de Fès` from `la préfecture de Fès` (`du pachalik`, `de l'arrondissement`). */
function frOf(title: string): string {
  if (title.startsWith('le ')) return `du ${title.slice(3)}`;
  return `de ${title}`;
}

const council: Authority = {
  id: 'council',
  side: 'collectivity',
  roles: [],
  name: (u) => {
    const t = unitTitle(u);
    return { fr: `le conseil ${frOf(t.fr)}`, ar: `مجلس ${t.ar}` };
  },
};

const president: Authority = {
  id: 'president',
  side: 'collectivity',
  roles: ['commune_president'],
  name: (u) => {
    const t = unitTitle(u);
    return { fr: `le président du conseil ${frOf(t.fr)}`, ar: `رئيس مجلس ${t.ar}` };
  },
};

const governorServices: Authority = {
  id: 'governor_services',
  side: 'state',
  roles: ['supervisor', 'governor_services'],
  name: (u) => {
    const t = unitTitle(u);
    return { fr: `les services du gouverneur ${frOf(t.fr)}`, ar: `مصالح عامل ${t.ar}` };
  },
};

const waliServices: Authority = {
  id: 'wali_services',
  side: 'state',
  roles: ['supervisor'],
  name: (u) => {
    const t = unitTitle(u);
    return { fr: `les services du wali ${frOf(t.fr)}`, ar: `مصالح والي ${t.ar}` };
  },
};

const localAdministration: Authority = {
  id: 'local_administration',
  side: 'state',
  roles: ['agent'],
  name: (u) => unitTitle(u),
};

const ministry: Authority = {
  id: 'ministry',
  side: 'state',
  roles: ['supervisor'],
  name: (u) => u.name,
};

/**
 * The authorities seated at each kind of unit, the State's first where there is one. A
 * prefecture's or province's council and a region's council are collectivities the directory
 * names but does not route to: supervision is the State's.
 */
export const AUTHORITIES: Readonly<Record<UnitKind, readonly Authority[]>> = {
  ministry: [ministry],
  region: [waliServices, council],
  province: [governorServices, council],
  prefecture: [governorServices, council],
  arrondissements_prefecture: [governorServices],
  commune: [president, council],
  arrondissement: [president, council],
  pachalik: [localAdministration],
  caidat: [localAdministration],
  annexe: [localAdministration],
};

/**
 * The authority that supervises a case escalated to a unit of this kind: the governor's services
 * of a prefecture or province, the wali's of a region, the ministry (DGCT). Undefined for the
 * kinds an escalation never reaches (communes, arrondissements, the local administration).
 */
export function supervisingAuthority(kind: UnitKind): Authority | undefined {
  switch (kind) {
    case 'province':
    case 'prefecture':
    case 'arrondissements_prefecture':
      return governorServices;
    case 'region':
      return waliServices;
    case 'ministry':
      return ministry;
    case 'commune':
    case 'arrondissement':
    case 'pachalik':
    case 'caidat':
    case 'annexe':
      return undefined;
    default: {
      const never: never = kind;
      throw new Error(`unknown unit kind ${String(never)}`);
    }
  }
}

/**
 * Directory roles that only make sense at some kinds of unit: the council president sits at a
 * commune or an arrondissement, the governor's services at a prefecture or province. Other roles
 * (agent, supervisor, procedure roles) may be held anywhere.
 */
export const ROLE_UNIT_KINDS: Readonly<Record<string, readonly UnitKind[]>> = {
  commune_president: ['commune', 'arrondissement'],
  governor_services: ['province', 'prefecture', 'arrondissements_prefecture'],
};
