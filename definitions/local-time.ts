/**
 * Local dates (`YYYY-MM-DD`) and their conversion to and from absolute instants in an IANA time
 * zone. Pure: only `Intl` (no Node built-ins), so the workflow sandbox can import it.
 *
 * Offsets are never hard-coded: Africa/Casablanca is +01:00 most of the year and +00:00 during
 * Ramadan, and the dates of that switch move every year. Each conversion asks `Intl` for the
 * offset in force at the instant concerned.
 */

/** A calendar date without time or zone, `YYYY-MM-DD`. Compares correctly as a string. */
export type LocalDate = string;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Day names, indexed by `dayOfWeek` (0 = Sunday, as `Date#getUTCDay`). */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** True when `value` is a real date written `YYYY-MM-DD` (2025-02-30 is not). */
export function isLocalDate(value: string): boolean {
  const match = LOCAL_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function parts(date: LocalDate): [number, number, number] {
  if (!isLocalDate(date)) throw new Error(`local date "${date}": must be a real date written YYYY-MM-DD`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [y, m, d];
}

function format(utcMs: number): LocalDate {
  return new Date(utcMs).toISOString().slice(0, 10);
}

/** Milliseconds of `date` at 00:00 UTC: a day number for arithmetic, not an instant in any zone. */
function dayNumber(date: LocalDate): number {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d);
}

/** `date` plus `days` (negative to go back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  return format(dayNumber(date) + days * DAY_MS);
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((dayNumber(b) - dayNumber(a)) / DAY_MS);
}

/**
 * `date` plus whole calendar months, clamped to the last day of the target month:
 * 2025-01-31 + 1 month = 2025-02-28, 2024-01-31 + 1 month = 2024-02-29.
 */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const [y, m, d] = parts(date);
  const target = m - 1 + months;
  const lastDay = new Date(Date.UTC(y, target + 1, 0)).getUTCDate();
  return format(Date.UTC(y, target, Math.min(d, lastDay)));
}

/** Day of the week: 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(date: LocalDate): number {
  return new Date(dayNumber(date)).getUTCDay();
}

/** The weekday name of `date` (`monday`...). */
export function weekdayOf(date: LocalDate): Weekday {
  return WEEKDAYS[dayOfWeek(date)] as Weekday;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new Error(`time zone "${timeZone}": unknown to Intl; use an IANA name such as "Africa/Casablanca"`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock time of `instant` in `timeZone`, as if it were UTC (ms since epoch). */
function wallClockMs(instant: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') fields[p.type] = Number(p.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields;
  return Date.UTC(year, month - 1, day, hour, minute, second) + (instant - Math.floor(instant / 1000) * 1000);
}

/** Offset of `timeZone` from UTC at `instant`, in ms (+3,600,000 for +01:00). */
export function offsetAt(instant: Date, timeZone: string): number {
  const t = instant.getTime();
  return wallClockMs(t, timeZone) - t;
}

/** The local date of `instant` in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  return format(wallClockMs(instant.getTime(), timeZone));
}

/**
 * The instant at which the local wall-clock time `wallMs` (local time written as if UTC) occurs in
 * `timeZone`. The offset is looked up twice because the first guess may sit on the other side of
 * a change; a wall time skipped by a change resolves to the instant after the gap.
 */
function instantOfWallClock(wallMs: number, timeZone: string): number {
  const first = wallMs - (wallClockMs(wallMs, timeZone) - wallMs);
  const second = wallMs - (wallClockMs(first, timeZone) - first);
  if (wallClockMs(second, timeZone) === wallMs) return second;
  return Math.max(first, second);
}

/** The first instant of `date` in `timeZone` (local 00:00:00.000). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  return new Date(instantOfWallClock(dayNumber(date), timeZone));
}

/**
 * The last instant of `date` in `timeZone` (local 23:59:59.999): Masar's due instants. Computed as
 * one millisecond before the next local midnight, so it is right on days that are 23 or 25 hours.
 */
export function endOfLocalDay(date: LocalDate, timeZone: string): Date {
  return new Date(startOfLocalDay(addDays(date, 1), timeZone).getTime() - 1);
}

/**
 * Moves `instant` by whole local days and months, keeping its local wall-clock time
 * (10:00 on 22 Feb + 1 day = 10:00 on 23 Feb even across an offset change).
 */
export function shiftLocal(instant: Date, timeZone: string, move: { months?: number; days?: number }): Date {
  const wall = wallClockMs(instant.getTime(), timeZone);
  const timeOfDay = wall - Math.floor(wall / DAY_MS) * DAY_MS;
  let date = format(wall);
  if (move.months) date = addMonths(date, move.months);
  if (move.days) date = addDays(date, move.days);
  return new Date(instantOfWallClock(dayNumber(date) + timeOfDay, timeZone));
}

/**
 * The instant local `hours:minutes` occurs on `date` in `timeZone` (09:00 is 09:00 on the day of a
 * change too, not midnight plus nine hours); a time skipped by a change resolves after the gap.
 */
export function atLocalTime(date: LocalDate, timeZone: string, hours: number, minutes = 0): Date {
  return new Date(instantOfWallClock(dayNumber(date) + (hours * 60 + minutes) * 60_000, timeZone));
}
