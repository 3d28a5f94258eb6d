/**
 * The working-day calendar: which local dates are working days, why the others are not, and the
 * pure changes an administrator makes (an announced religious holiday, an exceptional closure).
 * Pure and sandbox-safe; the file is read by `calendar-file.ts`.
 *
 * A calendar is never mutated: every change returns a new calendar with `version + 1`, so a
 * running clock can tell whether its due date was computed on the current calendar.
 */
import type { Calendar, Closure, ClosureCause, ClosureInput, HolidayStatus, ReligiousDate } from './calendar-schema';
import { Closure as ClosureSchema, closureProblem, closuresOverlap } from './calendar-schema';
import { provisionalHolidayStart, hijriYearsOverlapping } from './islamic-dates';
import type { LocalDate, Weekday } from './local-time';
import { addDays, daysBetween, isLocalDate, weekdayOf } from './local-time';
import type { Label, Language } from './schema';

export type { Calendar } from './calendar-schema';

/** Why a local date is not a working day. */
export type NonWorkingReason =
  | { kind: 'weekend'; weekday: Weekday; name: Label }
  | {
      kind: 'holiday';
      /** Key under `fixedHolidays` or `religiousHolidays`. */
      holiday: string;
      name: Label;
      /** Fixed holidays are official; religious ones are provisional until announced. */
      status: HolidayStatus;
      /** Day number within a multi-day holiday (Eid al-Fitr day 2), and its length. */
      day: number;
      days: number;
      hijriYear?: number;
    }
  | {
      kind: 'closure';
      name: Label;
      /** An exceptional day off, or force majeure. */
      cause: ClosureCause;
      /** The units it was recorded for, when not national. */
      units?: string[];
    };

const WEEKDAY_NAMES: Record<Weekday, Label> = {
  monday: { fr: 'lundi', ar: 'الإثنين' },
  tuesday: { fr: 'mardi', ar: 'الثلاثاء' },
  wednesday: { fr: 'mercredi', ar: 'الأربعاء' },
  thursday: { fr: 'jeudi', ar: 'الخميس' },
  friday: { fr: 'vendredi', ar: 'الجمعة' },
  saturday: { fr: 'samedi', ar: 'السبت' },
  sunday: { fr: 'dimanche', ar: 'الأحد' },
};

type YearIndex = Map<LocalDate, NonWorkingReason>;
// Calendars are immutable, so an index built once per calendar object and year stays right.
const indexes = new WeakMap<Calendar, Map<number, YearIndex>>();

/** The religious date in force for a holiday and Hijri year: recorded, or else computed provisionally. */
export function religiousDateOf(calendar: Calendar, holiday: string, hijriYear: number): ReligiousDate {
  const recorded = calendar.religiousDates.find((d) => d.holiday === holiday && d.hijriYear === hijriYear);
  if (recorded) return recorded;
  const def = calendar.religiousHolidays[holiday];
  if (!def) throw new Error(`calendar ${calendar.id}: unknown religious holiday "${holiday}" (known: ${Object.keys(calendar.religiousHolidays).join(', ')})`);
  return {
    holiday,
    hijriYear,
    start: provisionalHolidayStart(def.hijri, hijriYear, calendar.provisional.offsetDays),
    status: 'provisional',
    source: `computed: Umm al-Qura + ${calendar.provisional.offsetDays} day(s)`,
  };
}

function buildYear(calendar: Calendar, year: number): YearIndex {
  const index: YearIndex = new Map();
  const inYear = (date: LocalDate): boolean => date.startsWith(`${String(year).padStart(4, '0')}-`);
  for (const [holiday, def] of Object.entries(calendar.fixedHolidays)) {
    if ((def.since !== undefined && year < def.since) || (def.until !== undefined && year > def.until)) continue;
    const date = `${String(year).padStart(4, '0')}-${def.date}`;
    if (!isLocalDate(date)) continue; // 02-29 outside leap years
    index.set(date, { kind: 'holiday', holiday, name: def.name, status: 'official', day: 1, days: 1 });
  }
  // A holiday that starts late in December of the year before can spill into this one.
  const hijriYears = hijriYearsOverlapping(year);
  const firstHijri = hijriYears[0];
  if (firstHijri !== undefined) hijriYears.unshift(firstHijri - 1);
  for (const [holiday, def] of Object.entries(calendar.religiousHolidays)) {
    for (const hijriYear of hijriYears) {
      const dated = religiousDateOf(calendar, holiday, hijriYear);
      for (let day = 1; day <= def.days; day++) {
        const date = addDays(dated.start, day - 1);
        if (!inYear(date) || index.has(date)) continue;
        index.set(date, { kind: 'holiday', holiday, name: def.name, status: dated.status, day, days: def.days, hijriYear });
      }
    }
  }
  // Closures limited to units count only in the calendar of those units (`calendarForUnits`).
  for (const closure of calendar.closures as ScopedClosure[]) {
    if (closure.units) continue;
    for (let date = closure.date; date <= (closure.until ?? closure.date); date = addDays(date, 1)) {
      if (inYear(date) && !index.has(date)) index.set(date, { kind: 'closure', name: closure.name, cause: closure.cause, ...(closure.scope ? { units: closure.scope } : {}) });
    }
  }
  return index;
}

/** A closure made national inside the calendar of the units it concerns, remembering its units. */
type ScopedClosure = Closure & { scope?: string[] };

// Per calendar object, the derived calendars of the unit chains asked for (a few thousand at most:
// cases share their chains), so indexes are built once per chain and calendar version.
const byUnits = new WeakMap<Calendar, Map<string, Calendar>>();

/**
 * The calendar as it applies to a case filed at `units[0]`, whose ancestors are the rest of
 * `units` (the unit, its commune, prefecture/province, region, ministry): national days off, plus
 * the closures recorded for any of those units. Without units, or when no closure is limited to
 * units, the calendar itself.
 */
export function calendarForUnits(calendar: Calendar, units: readonly string[] | undefined): Calendar {
  if (!units || units.length === 0 || !calendar.closures.some((c) => c.units)) return calendar;
  const key = units.join('>');
  let derived = byUnits.get(calendar);
  if (!derived) byUnits.set(calendar, (derived = new Map()));
  const hit = derived.get(key);
  if (hit) return hit;
  const closures: ScopedClosure[] = [];
  for (const closure of calendar.closures) {
    if (!closure.units) closures.push(closure);
    else if (closure.units.some((u) => units.includes(u))) {
      const { units: scope, ...national } = closure;
      closures.push({ ...national, scope });
    }
  }
  const view: Calendar = { ...calendar, closures };
  derived.set(key, view);
  return view;
}

function yearIndex(calendar: Calendar, year: number): YearIndex {
  let byYear = indexes.get(calendar);
  if (!byYear) indexes.set(calendar, (byYear = new Map()));
  let index = byYear.get(year);
  if (!index) byYear.set(year, (index = buildYear(calendar, year)));
  return index;
}

/**
 * Why `date` is not a working day, or `undefined` when it is one. A holiday wins over a closure,
 * and both over the weekend (Eid al-Adha day 2 on Sunday 8 June 2025 reads as Eid al-Adha).
 */
export function nonWorkingReason(calendar: Calendar, date: LocalDate): NonWorkingReason | undefined {
  if (!isLocalDate(date)) throw new Error(`calendar ${calendar.id}: "${date}" is not a date written YYYY-MM-DD`);
  const reason = yearIndex(calendar, Number(date.slice(0, 4))).get(date);
  if (reason) return reason;
  const weekday = weekdayOf(date);
  if (calendar.weekend.includes(weekday)) return { kind: 'weekend', weekday, name: WEEKDAY_NAMES[weekday] };
  return undefined;
}

/** True when administrations are open on the local date `date`. */
export function isWorkingDay(calendar: Calendar, date: LocalDate): boolean {
  return nonWorkingReason(calendar, date) === undefined;
}

/** Holidays and closures of a Gregorian year (weekends left out), in date order. */
export function daysOffInYear(calendar: Calendar, year: number): { date: LocalDate; reason: NonWorkingReason }[] {
  return [...yearIndex(calendar, year).entries()]
    .map(([date, reason]) => ({ date, reason }))
    .sort((a, b) => a.date.localeCompare(b.date));
}

/** An announced (or corrected) date for one religious holiday in one Hijri year. */
export interface HolidayRecord {
  holiday: string;
  hijriYear: number;
  /** First day, local date. */
  start: LocalDate;
  /** @default 'official' */
  status?: HolidayStatus | undefined;
  /** Where it was announced. */
  source?: string | undefined;
}

/** How far (in days) a recorded date may sit from the computed one before it is taken for a typo. */
const MAX_DRIFT_DAYS = 3;

/**
 * Records a religious holiday's date: replaces the entry for the same holiday and Hijri year
 * (an official date replaces the provisional one) and returns a new calendar, version + 1.
 * @throws Error when the holiday is unknown, the date is not near the expected one (wrong Hijri
 * year?), or a provisional date would overwrite an official one.
 */
export function recordHoliday(calendar: Calendar, record: HolidayRecord): Calendar {
  const where = `calendar ${calendar.id}: ${record.holiday} ${record.hijriYear}`;
  const def = calendar.religiousHolidays[record.holiday];
  if (!def) {
    throw new Error(`${where}: unknown religious holiday (known: ${Object.keys(calendar.religiousHolidays).join(', ')})`);
  }
  if (!isLocalDate(record.start)) throw new Error(`${where}: start "${record.start}" must be a real date written YYYY-MM-DD`);
  const status = record.status ?? 'official';
  const expected = provisionalHolidayStart(def.hijri, record.hijriYear, calendar.provisional.offsetDays);
  if (Math.abs(daysBetween(expected, record.start)) > MAX_DRIFT_DAYS) {
    throw new Error(`${where}: ${record.start} is too far from the expected ${expected}; check the date and the Hijri year`);
  }
  const current = calendar.religiousDates.find((d) => d.holiday === record.holiday && d.hijriYear === record.hijriYear);
  if (current?.status === 'official' && status === 'provisional') {
    throw new Error(`${where}: already official (${current.start}); record the correction with status official`);
  }
  const entry: ReligiousDate = { holiday: record.holiday, hijriYear: record.hijriYear, start: record.start, status };
  if (record.source) entry.source = record.source;
  const religiousDates = calendar.religiousDates
    .filter((d) => d !== current)
    .concat(entry)
    .sort((a, b) => a.start.localeCompare(b.start) || a.holiday.localeCompare(b.holiday));
  return { ...calendar, version: calendar.version + 1, religiousDates };
}

/**
 * Records a closure (an exceptional day off decided by the Head of Government, or force majeure),
 * national or limited to units, of one day or `date` to `until`, and returns a new calendar,
 * version + 1.
 * @throws Error when a date is invalid, the span too long, or the same units already closed then.
 */
export function recordClosure(calendar: Calendar, input: ClosureInput): Calendar {
  // The stored calendar is validated again when read: refuse here what it would refuse then.
  const parsed = ClosureSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || 'closure';
    throw new Error(`calendar ${calendar.id}: closure ${field}: ${issue?.message ?? 'invalid'}`);
  }
  const closure: Closure = parsed.data;
  const problem = closureProblem(closure);
  if (problem) throw new Error(`calendar ${calendar.id}: closure ${problem.message}`);
  const clash = calendar.closures.find((c) => closuresOverlap(c, closure));
  if (clash) {
    const where = closure.units ? `units ${closure.units.join(', ')}` : 'the whole country';
    throw new Error(`calendar ${calendar.id}: ${clash.date}${clash.until ? ` to ${clash.until}` : ''} is already a closure for ${where}`);
  }
  const closures = [...calendar.closures, closure].sort((a, b) => a.date.localeCompare(b.date));
  return { ...calendar, version: calendar.version + 1, closures };
}

/**
 * The one wording of a non-working day, for the CLI and the due-date activities:
 * `weekend (samedi / السبت)`, `Aïd al-Fitr / عيد الفطر, day 1 of 2 [provisional]`,
 * `exceptional closure: Fermeture exceptionnelle / عطلة استثنائية`. `languages` picks the names shown.
 */
export function describeNonWorkingDay(reason: NonWorkingReason, languages: readonly Language[] = ['fr', 'ar']): string {
  const name = languages.map((lang) => reason.name[lang]).join(' / ');
  switch (reason.kind) {
    case 'weekend':
      return `weekend (${name})`;
    case 'holiday':
      return `${name}${reason.days > 1 ? `, day ${reason.day} of ${reason.days}` : ''} [${reason.status}]`;
    case 'closure': {
      const what = reason.cause === 'force_majeure' ? 'closure (force majeure)' : 'exceptional closure';
      return `${what}: ${name}${reason.units ? ` [units ${reason.units.join(', ')}]` : ''}`;
    }
    default: {
      const never: never = reason;
      return JSON.stringify(never);
    }
  }
}
