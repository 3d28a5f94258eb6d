/**
 * The working-day calendar file (`definitions/calendars/<id>.yaml`): its zod schema, parsing with
 * precise errors, and serialization back to YAML. Pure (no file access: see `calendar-file.ts`).
 */
import { Document, isMap, isSeq, parseDocument, visit } from 'yaml';
import { z } from 'zod';
import { isLocalDate, WEEKDAYS } from './local-time';
import { IDENTIFIER, Label, LegalBasis } from './schema';

/** Calendar ids are kebab-case, as in file names and case inputs (`ma-administration`). */
export const CALENDAR_ID = /^[a-z][a-z0-9-]*$/;

const identifier = z.string().regex(IDENTIFIER, 'must be lower_snake_case (a-z, 0-9, _), starting with a letter');
const localDate = z.string().refine(isLocalDate, 'must be a real date written YYYY-MM-DD (e.g. 2025-03-31)');
const monthDay = z
  .string()
  .refine((v) => /^\d{2}-\d{2}$/.test(v) && isLocalDate(`2024-${v}`), 'must be a day of the year written MM-DD (e.g. 01-11)');

/** `official`: announced by the authority and recorded; `provisional`: computed, to be confirmed. */
export const HolidayStatus = z.enum(['official', 'provisional']);
export type HolidayStatus = z.infer<typeof HolidayStatus>;

export const FixedHoliday = z.strictObject({
  /** Day of the year, `MM-DD`. */
  date: monthDay,
  name: Label,
  /** First Gregorian year the holiday applies (14 January: 2024). */
  since: z.number().int().optional(),
  /** Last Gregorian year it applies, if abolished. */
  until: z.number().int().optional(),
  /** The text that makes it a holiday of the public administrations (decree 2.77.169 as amended). */
  source: z.string().optional(),
});
export type FixedHoliday = z.infer<typeof FixedHoliday>;

export const ReligiousHoliday = z.strictObject({
  name: Label,
  /** Its first day in the Hijri calendar (Eid al-Fitr: month 10, day 1). */
  hijri: z.strictObject({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(30) }),
  /** Consecutive days off, from the first. */
  days: z.number().int().min(1).max(7),
});
export type ReligiousHoliday = z.infer<typeof ReligiousHoliday>;

/** The Gregorian first day of one religious holiday in one Hijri year. */
export const ReligiousDate = z.strictObject({
  holiday: identifier,
  hijriYear: z.number().int().min(1300).max(1600),
  start: localDate,
  status: HolidayStatus,
  /** Where an official date was announced (communiqué, bulletin), or how a provisional one was computed. */
  source: z.string().optional(),
});
export type ReligiousDate = z.infer<typeof ReligiousDate>;

/**
 * Why administrations close on a day that is neither a weekend nor a holiday of the calendar:
 * `holiday`: an exceptional day off decided by the Head of Government (decree 2.05.916, art. 2);
 * `force_majeure`: offices closed by an event (flood, earthquake, epidemic), by the authority's decision.
 */
export const ClosureCause = z.enum(['holiday', 'force_majeure']);
export type ClosureCause = z.infer<typeof ClosureCause>;

/** Unit codes as the directory writes them (`01`, `01.511`, `01.511.01.03`, `DGCT`). */
const unitCode = z.string().regex(/^(\d{2}(\.\d{3}(\.(\d{2}|PA|CA|AN)\.\d{2})?)?|[A-Z]{2,12})$/, 'must be a unit code of the directory (e.g. 01.511 or 01.511.01.03)');

/**
 * A closure: one day, or `date` to `until` inclusive. National when `units` is absent; otherwise
 * only cases filed in those units or below them (a province, a region, a commune) count it.
 */
export const Closure = z.strictObject({
  date: localDate,
  /** Last day of a closure of several days (inclusive). */
  until: localDate.optional(),
  name: Label,
  /**
   * The kind of closure (named `cause`: in the API a change's `kind` already says it is a closure).
   * @default 'holiday'
   */
  cause: ClosureCause.default('holiday'),
  /** The units whose cases it concerns, with their descendants; absent: the whole country. */
  units: z.array(unitCode).min(1).max(200).optional(),
  source: z.string().optional(),
});
export type Closure = z.infer<typeof Closure>;
export type ClosureInput = z.input<typeof Closure>;

/** Longest closure recorded at once: a longer one is a typo in `until`. */
export const MAX_CLOSURE_DAYS = 31;

export const CalendarSchema = z
  .strictObject({
    id: z.string().regex(CALENDAR_ID, 'must be kebab-case (a-z, 0-9, -), starting with a letter'),
    /** Bumped on every change, so running clocks know their due dates must be recomputed. */
    version: z.number().int().positive(),
    title: Label,
    /** The texts that ground the calendar (decrees on the holidays and on the working week). */
    legalBasis: z.array(LegalBasis).default([]),
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone known to Intl (e.g. Africa/Casablanca)'),
    weekend: z.array(z.enum(WEEKDAYS)).max(6),
    fixedHolidays: z.record(identifier, FixedHoliday).default({}),
    religiousHolidays: z.record(identifier, ReligiousHoliday).default({}),
    /** How dates missing from `religiousDates` are computed: Umm al-Qura plus `offsetDays`. */
    provisional: z.strictObject({ method: z.literal('umm-al-qura'), offsetDays: z.number().int().min(-3).max(3) }),
    religiousDates: z.array(ReligiousDate).default([]),
    closures: z.array(Closure).default([]),
  })
  .superRefine((calendar, ctx) => {
    const seen = new Map<string, number>();
    calendar.religiousDates.forEach((entry, i) => {
      if (!calendar.religiousHolidays[entry.holiday]) {
        const known = Object.keys(calendar.religiousHolidays).join(', ') || 'none';
        ctx.addIssue({
          code: 'custom',
          path: ['religiousDates', i, 'holiday'],
          message: `unknown religious holiday "${entry.holiday}" (declared under religiousHolidays: ${known})`,
        });
      }
      const key = `${entry.holiday}/${entry.hijriYear}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['religiousDates', i],
          message: `${entry.holiday} ${entry.hijriYear} is already dated at religiousDates[${first}]; keep one entry per holiday and Hijri year`,
        });
      } else seen.set(key, i);
    });
    calendar.closures.forEach((closure, i) => {
      const problem = closureProblem(closure);
      if (problem) ctx.addIssue({ code: 'custom', path: ['closures', i, problem.path], message: problem.message });
      const first = calendar.closures.findIndex((other, j) => j < i && closuresOverlap(other, closure));
      if (first >= 0) {
        ctx.addIssue({ code: 'custom', path: ['closures', i, 'date'], message: `${closure.date} is already a closure for the same units at closures[${first}]` });
      }
    });
  });

/** What is wrong with one closure on its own (`until` before `date`, too long), if anything. */
export function closureProblem(closure: Pick<Closure, 'date' | 'until'>): { path: 'until'; message: string } | undefined {
  if (closure.until === undefined) return undefined;
  if (closure.until < closure.date) return { path: 'until', message: `until ${closure.until} is before date ${closure.date}` };
  const days = Math.round((Date.parse(closure.until) - Date.parse(closure.date)) / 86_400_000) + 1;
  if (days > MAX_CLOSURE_DAYS) return { path: 'until', message: `${days} days from ${closure.date} to ${closure.until}: a closure is at most ${MAX_CLOSURE_DAYS} days (record a longer one in parts, or check the dates)` };
  return undefined;
}

/** Two closures for the same units (both national, or the same set of units) on a common day. */
export function closuresOverlap(a: Pick<Closure, 'date' | 'until' | 'units'>, b: Pick<Closure, 'date' | 'until' | 'units'>): boolean {
  const sameUnits = [...(a.units ?? [])].sort().join(',') === [...(b.units ?? [])].sort().join(',');
  return sameUnits && a.date <= (b.until ?? b.date) && b.date <= (a.until ?? a.date);
}

/** A validated working-day calendar. Treat as immutable: changes go through `calendar.ts`. */
export type Calendar = z.infer<typeof CalendarSchema>;
export type CalendarInput = z.input<typeof CalendarSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A calendar file that does not parse or validate; `issues` has one `file: path: problem` line each. */
export class CalendarError extends Error {
  override name = 'CalendarError';
  constructor(readonly issues: string[]) {
    super(issues.join('\n'));
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(root)';
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; see docs/calendar.md)`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `missing (${issue.expected} required)`;
  return issue.message;
}

/**
 * Parses and validates a calendar's YAML text.
 * @param file the name used in error messages (e.g. `calendars/ma-administration.yaml`).
 * @throws CalendarError listing every problem, each as `file: path: problem`.
 */
export function parseCalendar(text: string, file: string): Calendar {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new CalendarError(doc.errors.map((e) => `${file}: line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`));
  }
  return validateCalendar(doc.toJS(), file);
}

/** Validates calendar data already read (from YAML or JSON). @throws CalendarError */
export function validateCalendar(data: unknown, file: string): Calendar {
  const result = CalendarSchema.safeParse(data);
  if (!result.success) {
    throw new CalendarError(result.error.issues.map((issue) => `${file}: ${formatPath(issue.path)}: ${issueMessage(issue)}`));
  }
  return result.data;
}

const HEADER = ' Working-day calendar: see docs/calendar.md. Written by serializeCalendar; version bumps on every change.';

/** The calendar as YAML text, in a stable layout (`parseCalendar` reads it back unchanged). */
export function serializeCalendar(calendar: Calendar): string {
  const ordered = {
    id: calendar.id,
    version: calendar.version,
    title: calendar.title,
    legalBasis: calendar.legalBasis,
    timeZone: calendar.timeZone,
    weekend: calendar.weekend,
    fixedHolidays: calendar.fixedHolidays,
    religiousHolidays: calendar.religiousHolidays,
    provisional: calendar.provisional,
    religiousDates: [...calendar.religiousDates].sort((a, b) => a.start.localeCompare(b.start) || a.holiday.localeCompare(b.holiday)),
    closures: [...calendar.closures].sort((a, b) => a.date.localeCompare(b.date)),
  };
  const doc = new Document(ordered);
  doc.commentBefore = HEADER;
  // Short leaves (labels, Hijri day, weekend) on one line each keep the file readable.
  visit(doc, {
    Map(_, node) {
      const keys = node.items.map((pair) => String((pair.key as { value?: unknown }).value ?? pair.key)).join(',');
      if (keys === 'fr,ar' || keys === 'month,day' || keys === 'method,offsetDays') node.flow = true;
    },
    Seq(_, node) {
      if (node.items.every((item) => !isMap(item) && !isSeq(item))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
