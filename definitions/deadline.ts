/**
 * Deadline arithmetic on a working-day calendar. Pure and deterministic: the same inputs give the
 * same due instant, so it can run in an activity (recorded in history) or in the workflow sandbox.
 *
 * The convention (docs/calendar.md):
 * - the day of the triggering event is never counted, whatever time it happened;
 * - `N working days` end at the end (23:59:59.999 local) of the Nth working day after that day;
 * - day, week, month and year durations counted in calendar time end at the end of the local day
 *   reached (months clamp: 31 January + P1M = end of 28/29 February); weekends and holidays are
 *   not skipped;
 * - a duration with an hour, minute or second part is exact: the local date moves by its date
 *   part keeping the wall-clock time, then the time part is added as elapsed time (demos, PT30S);
 * - an extension counts its duration from the due date it extends, by the same rules;
 * - a period counted in days that ends on a non-working day ends at the end of the next working
 *   day when its rule is `extend` (`endOnNonWorkingDay`), and stays where it is with `keep` (the
 *   default here, as for procedures compiled before the rule existed); durations with a time part
 *   end at their exact instant either way;
 * - a deadline that a provisional religious date could move lists those dates (`provisional`).
 */
import type { Calendar, NonWorkingReason } from './calendar';
import { nonWorkingReason } from './calendar';
import type { Duration } from './duration';
import { DURATION_BOUND_TEXT, DurationError, effectiveDuration, hasTimePart, MAX_DURATION_DAYS, MAX_WORKING_DAYS } from './duration';
import type { LocalDate } from './local-time';
import { addDays, addMonths, daysBetween, endOfLocalDay, localDateOf, shiftLocal } from './local-time';
import type { Counting, EndOnNonWorkingDay } from './schema';

/** A non-working day jumped over while counting working days. */
export interface SkippedDay {
  date: LocalDate;
  reason: NonWorkingReason;
}

/** A computed deadline. */
export interface Due {
  /** The absolute due instant: on time means at or before it. */
  due: Date;
  /** The local date of `due` in the calendar's time zone. */
  dueDate: LocalDate;
  /** Non-working days jumped over (working-day counting, or the end moved by `extend`), in order. */
  skipped: SkippedDay[];
  /**
   * Provisional religious holiday days the due date depends on: skipped ones, and those next to the
   * counted span (on the trigger day or the day after the due date), which the announced date,
   * often a day off the computed one, may bring into it. Empty when no provisional date matters.
   */
  provisional: LocalDate[];
  /** The due date as counted, when `extend` moved the end past non-working days. */
  extendedFrom?: LocalDate;
}

export interface DueRequest {
  /** The triggering event (deposit, receipt, start of the clock). */
  from: Date;
  /** A spec as written in definitions (`20 working days`, `P60D`) or an already parsed duration. */
  duration: string | Duration;
  /** The clock's counting; forces `P20D` to 20 working days when `working_days`. */
  counting?: Counting | undefined;
  /** Extensions granted, in order; each counts from the due date before it. */
  extensions?: (string | Duration)[] | undefined;
  /** A period ending on a non-working day: `extend` to the next working day, or `keep`. @default 'keep' */
  endOnNonWorkingDay?: EndOnNonWorkingDay | undefined;
  calendar: Calendar;
}

const HOUR_MS = 3_600_000;
/** Guard against a calendar without working days: ten years of walking is a data error. */
const MAX_WALK_DAYS = 3660;
/** Most extensions one deadline takes (each bounded as a duration). */
export const MAX_EXTENSIONS = 10;
/** Farthest due date `remainingWorkingDays` walks to: a longest duration with ten longest extensions. */
const MAX_SPAN_DAYS = MAX_DURATION_DAYS * 11;

function resolve(duration: string | Duration, counting: Counting | undefined): Duration {
  return typeof duration === 'string' ? effectiveDuration(duration, counting) : duration;
}

/** Walks `days` working days after the local date of `from`. */
function addWorkingDays(calendar: Calendar, from: Date, days: number): Due {
  if (!Number.isInteger(days) || days < 0) throw new Error(`working days must be a whole number >= 0 (got ${days})`);
  if (days > MAX_WORKING_DAYS) throw new DurationError(`${days} working days: too long; a duration is ${DURATION_BOUND_TEXT}`);
  let date = localDateOf(from, calendar.timeZone);
  const skipped: SkippedDay[] = [];
  let counted = 0;
  for (let walked = 0; counted < days; walked++) {
    if (walked > MAX_WALK_DAYS + days) {
      throw new Error(`calendar ${calendar.id}: no working day found in ten years after ${date}; check its weekend and closures`);
    }
    date = addDays(date, 1);
    const reason = nonWorkingReason(calendar, date);
    if (reason) skipped.push({ date, reason });
    else counted++;
  }
  return { due: endOfLocalDay(date, calendar.timeZone), dueDate: date, skipped, provisional: [] };
}

function addCalendarTime(calendar: Calendar, from: Date, d: Exclude<Duration, { kind: 'working_days' }>): Due {
  const months = d.years * 12 + d.months;
  const days = d.weeks * 7 + d.days;
  const zone = calendar.timeZone;
  if (hasTimePart(d)) {
    const moved = months || days ? shiftLocal(from, zone, { months, days }) : from;
    const due = new Date(moved.getTime() + d.hours * HOUR_MS + d.minutes * 60_000 + d.seconds * 1000);
    return { due, dueDate: localDateOf(due, zone), skipped: [], provisional: [] };
  }
  const dueDate = addDays(addMonths(localDateOf(from, zone), months), days);
  return { due: endOfLocalDay(dueDate, zone), dueDate, skipped: [], provisional: [] };
}

/** True when the duration ends at the end of a local day (not at an exact instant). */
function endsOnADay(duration: Duration): boolean {
  return duration.kind === 'working_days' || !hasTimePart(duration);
}

/** Moves a due date that falls on a non-working day to the end of the next working day. */
function extendToWorkingDay(calendar: Calendar, due: Due): Due {
  let date = due.dueDate;
  const skipped: SkippedDay[] = [];
  for (let reason = nonWorkingReason(calendar, date); reason; reason = nonWorkingReason(calendar, date)) {
    if (skipped.length > MAX_WALK_DAYS) throw new Error(`calendar ${calendar.id}: no working day found in ten years after ${due.dueDate}; check its weekend and closures`);
    skipped.push({ date, reason });
    date = addDays(date, 1);
  }
  if (skipped.length === 0) return due;
  return { due: endOfLocalDay(date, calendar.timeZone), dueDate: date, skipped: [...due.skipped, ...skipped], provisional: [], extendedFrom: due.dueDate };
}

const isProvisional = (reason: NonWorkingReason | undefined): boolean => reason?.kind === 'holiday' && reason.status === 'provisional';

/**
 * The provisional holiday days a computed due date depends on (see `Due.provisional`). A period
 * counted in calendar days and kept where it ends depends on none: holidays do not count for it.
 */
function provisionalDays(calendar: Calendar, from: Date, due: Due, countsHolidays: boolean): LocalDate[] {
  if (!countsHolidays) return [];
  const days = new Set<LocalDate>();
  for (const s of due.skipped) if (isProvisional(s.reason)) days.add(s.date);
  const trigger = localDateOf(from, calendar.timeZone);
  const after = addDays(due.dueDate, 1);
  for (const date of [trigger, after]) if (isProvisional(nonWorkingReason(calendar, date))) days.add(date);
  return [...days].sort();
}

/**
 * Applies the end-of-period rule and lists the provisional dates the result depends on: the last
 * step of every deadline computation (`computeDue`, `resumeDue`).
 */
function finish(calendar: Calendar, from: Date, due: Due, dayCounted: boolean, workingDays: boolean, rule: EndOnNonWorkingDay | undefined): Due {
  const extend = rule === 'extend' && dayCounted;
  const result = extend ? extendToWorkingDay(calendar, due) : due;
  return { ...result, provisional: provisionalDays(calendar, from, result, workingDays || extend) };
}

function addDuration(calendar: Calendar, from: Date, duration: Duration): Due {
  switch (duration.kind) {
    case 'working_days':
      return addWorkingDays(calendar, from, duration.days);
    case 'calendar':
      return addCalendarTime(calendar, from, duration);
    default: {
      const never: never = duration;
      throw new Error(`unknown duration kind in ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The due instant of a deadline of `duration` triggered at `from`, extended by `extensions`.
 * @throws DurationError when a spec is bad or cannot be counted with `counting`.
 */
export function computeDue(request: DueRequest): Due {
  const { calendar, counting } = request;
  const extensions = request.extensions ?? [];
  if (extensions.length > MAX_EXTENSIONS) throw new DurationError(`${extensions.length} extensions: at most ${MAX_EXTENSIONS} are counted`);
  const first = resolve(request.duration, counting);
  let result = addDuration(calendar, request.from, first);
  let last = first;
  for (const extension of extensions) {
    last = resolve(extension, counting);
    const next = addDuration(calendar, result.due, last);
    result = { ...next, skipped: [...result.skipped, ...next.skipped] };
  }
  return finish(calendar, request.from, result, endsOnADay(last), first.kind === 'working_days', request.endOnNonWorkingDay);
}

/**
 * The instant a reminder `spec` before `due` fires: the deadline rules run backwards, so a
 * reminder and the deadline it announces agree on what a month or a day is.
 * - working days: the end of the Nth working day before the due day (N full working days remain);
 * - days, weeks, months, years: the same local time that many local days and calendar months
 *   earlier (months clamp: P1M before the end of 31 March is the end of 28/29 February; a day is
 *   a local day, 23 or 25 hours long around a clock change);
 * - a time part is then taken off as elapsed time (PT2H: exactly two hours earlier).
 * @throws DurationError when the spec is bad or cannot be counted with `counting`.
 */
export function reminderInstant(calendar: Calendar, due: Date, spec: string | Duration, counting?: Counting): Date {
  const d = resolve(spec, counting);
  const zone = calendar.timeZone;
  switch (d.kind) {
    case 'working_days': {
      let date = localDateOf(due, zone);
      for (let counted = 0, walked = 0; counted < d.days; walked++) {
        if (walked > MAX_WALK_DAYS + d.days) {
          throw new Error(`calendar ${calendar.id}: no working day found in ten years before ${date}; check its weekend and closures`);
        }
        date = addDays(date, -1);
        if (!nonWorkingReason(calendar, date)) counted++;
      }
      return endOfLocalDay(date, zone);
    }
    case 'calendar': {
      const months = d.years * 12 + d.months;
      const days = d.weeks * 7 + d.days;
      const moved = months || days ? shiftLocal(due, zone, { months: -months, days: -days }) : due;
      return new Date(moved.getTime() - (d.hours * HOUR_MS + d.minutes * 60_000 + d.seconds * 1000));
    }
    default: {
      const never: never = d;
      throw new Error(`unknown duration kind in ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Working days left between `from` and `due`: those after the local date of `from`, up to and
 * including the local date of `due`. 0 when the due date is today or past.
 */
export function remainingWorkingDays(calendar: Calendar, from: Date, due: Date): number {
  const start = localDateOf(from, calendar.timeZone);
  const end = localDateOf(due, calendar.timeZone);
  // A due instant comes from a bounded duration plus bounded extensions; anything further away is
  // not a deadline, and walking to it day by day would block the process.
  if (daysBetween(start, end) > MAX_SPAN_DAYS) {
    throw new DurationError(`${end} is more than ${MAX_SPAN_DAYS} days after ${start}: not a deadline Masar counts to`);
  }
  let count = 0;
  for (let date = addDays(start, 1); date <= end; date = addDays(date, 1)) {
    if (!nonWorkingReason(calendar, date)) count++;
  }
  return count;
}

/** What a suspended clock keeps (the shape of `ClockView.remaining`). */
export interface RemainingTime {
  /** Working days (working-day clocks) or whole local days (calendar clocks) left; never negative. */
  days: number;
  /** Milliseconds left until the due instant; never negative. */
  ms: number;
}

/**
 * The time a clock has left when it is suspended at `at`. Working-day clocks keep
 * `remainingWorkingDays(at, due)`; calendar clocks keep the milliseconds to the due instant.
 */
export function remainingTime(calendar: Calendar, counting: Counting, at: Date, due: Date): RemainingTime {
  const ms = Math.max(0, due.getTime() - at.getTime());
  const days =
    counting === 'working_days'
      ? remainingWorkingDays(calendar, at, due)
      : Math.max(0, daysBetween(localDateOf(at, calendar.timeZone), localDateOf(due, calendar.timeZone)));
  return { days, ms };
}

/**
 * The new due instant of a clock resumed at `resumedAt` with `remaining` kept at suspension.
 * Working-day clocks: `remaining.days` working days counted from the day after the resumption,
 * ending at the end of a day as any working-day deadline (0 days left: end of the resumption day).
 * Calendar clocks counted in days (`wholeDays`): `remaining.days` days after the resumption day,
 * ending at the end of that day. Clocks with a time part (`PT30S`): `resumedAt + remaining.ms`.
 */
export function resumeDue(
  calendar: Calendar,
  counting: Counting,
  resumedAt: Date,
  remaining: RemainingTime,
  options: { wholeDays?: boolean; endOnNonWorkingDay?: EndOnNonWorkingDay | undefined } = {},
): Due {
  const rule = options.endOnNonWorkingDay;
  if (counting === 'working_days') return finish(calendar, resumedAt, addWorkingDays(calendar, resumedAt, remaining.days), true, true, rule);
  if (options.wholeDays) {
    // Day-counted clocks end at the end of a day: resuming keeps whole days, not milliseconds,
    // or a resumption later in the day than the suspension would push the deadline a day further.
    const dueDate = addDays(localDateOf(resumedAt, calendar.timeZone), remaining.days);
    return finish(calendar, resumedAt, { due: endOfLocalDay(dueDate, calendar.timeZone), dueDate, skipped: [], provisional: [] }, true, false, rule);
  }
  const due = new Date(resumedAt.getTime() + remaining.ms);
  return { due, dueDate: localDateOf(due, calendar.timeZone), skipped: [], provisional: [] };
}
