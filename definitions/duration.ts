/**
 * Durations as written in definitions (`DurationSpec` in `schema.ts`): ISO 8601 (`P60D`, `P2M`,
 * `P1Y2M3DT4H5M6S`, `PT30S`, `P3W`) or words (`20 working days`, `1 working day`, `60 days`,
 * `30 calendar days`). Pure.
 *
 * Parsing says what was written; `effectiveDuration` then applies a clock's `counting`, which can
 * turn an ISO `P20D` into 20 working days.
 */
import type { Counting } from './schema';

/** Working days on a calendar: weekends, holidays and closures are not counted. */
export interface WorkingDaysDuration {
  kind: 'working_days';
  days: number;
}

/** Calendar time: every day counts. Date parts move local dates; time parts are exact. */
export interface CalendarDuration {
  kind: 'calendar';
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export type Duration = WorkingDaysDuration | CalendarDuration;

/** A duration spec that cannot be parsed, or cannot be counted the way its clock asks. */
export class DurationError extends Error {
  override name = 'DurationError';
}

/**
 * The longest duration Masar counts: ten years of calendar time, or 2,600 working days (ten years of
 * them). Legal deadlines run days to months; the bound keeps a typo or a hostile request from
 * walking the calendar day by day for millions of days (the API, the worker and the CLI share this
 * arithmetic, and it runs on their event loop).
 */
export const MAX_DURATION_DAYS = 3_660;
/** See {@link MAX_DURATION_DAYS}. */
export const MAX_WORKING_DAYS = 2_600;
/** How the bounds read in messages and in the OpenAPI document. */
export const DURATION_BOUND_TEXT = `at most ${MAX_WORKING_DAYS} working days, or ${MAX_DURATION_DAYS} days (ten years) of calendar time`;

/** Approximate length in days of a calendar duration, long months and leap years counted long. */
function spanDays(d: CalendarDuration): number {
  return d.years * 366 + d.months * 31 + d.weeks * 7 + d.days + d.hours / 24 + d.minutes / 1_440 + d.seconds / 86_400;
}

function bounded(spec: string, d: Duration): Duration {
  const tooLong = d.kind === 'working_days' ? d.days > MAX_WORKING_DAYS : spanDays(d) > MAX_DURATION_DAYS;
  if (tooLong) throw new DurationError(`duration "${spec}": too long; a duration is ${DURATION_BOUND_TEXT}`);
  return d;
}

const ISO = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const WORDS = /^(\d+) (working |calendar )?days?$/;
const FORMS = 'an ISO 8601 duration (P60D, P2M, P3W, PT30S) or "N working days", "N days", "N calendar days"';

/** The zero calendar duration, to spread over. */
const ZERO: CalendarDuration = { kind: 'calendar', years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };

/**
 * Parses a duration spec. `N days` and `N calendar days` are calendar days; `N working days`
 * (or `1 working day`) are working days; ISO durations are calendar time.
 * @throws DurationError naming the spec and the accepted forms, or the bound it exceeds.
 */
export function parseDuration(spec: string): Duration {
  const trimmed = spec.trim();
  const words = WORDS.exec(trimmed);
  if (words) {
    const days = Number(words[1]);
    return bounded(spec, words[2] === 'working ' ? { kind: 'working_days', days } : { ...ZERO, days });
  }
  const iso = ISO.exec(trimmed);
  if (iso) {
    const [years, months, weeks, days, hours, minutes, seconds] = iso.slice(1).map((v) => (v ? Number(v) : 0)) as number[];
    return bounded(spec, {
      kind: 'calendar',
      years: years ?? 0,
      months: months ?? 0,
      weeks: weeks ?? 0,
      days: days ?? 0,
      hours: hours ?? 0,
      minutes: minutes ?? 0,
      seconds: seconds ?? 0,
    });
  }
  throw new DurationError(`duration "${spec}": not understood; write ${FORMS}${hint(trimmed)}`);
}

function hint(spec: string): string {
  if (/^\d+(d|D)$/.test(spec)) return ` (did you mean "P${spec.slice(0, -1)}D" or "${spec.slice(0, -1)} days"?)`;
  if (/^p/.test(spec)) return ' (ISO durations are upper case: P60D)';
  if (/^P\d+[HS]$/.test(spec)) return ` (hours, minutes and seconds follow a T: "PT${spec.slice(1)}")`;
  if (/^\d+ (working|business|jours?|ouvrables?)/.test(spec)) return ' (write "N working days")';
  if (/\d+\.\d+/.test(spec)) return ' (only whole numbers are allowed)';
  return '';
}

/** True when a calendar duration has an hour, minute or second part. */
export function hasTimePart(d: CalendarDuration): boolean {
  return d.hours > 0 || d.minutes > 0 || d.seconds > 0;
}

/**
 * Why `spec` cannot be counted with `counting`, or `undefined` when it can. Working-day counting
 * takes only whole days: `N working days`, `N days` or `PnD`. For validating definitions.
 */
export function countingProblem(spec: string, counting: Counting | undefined): string | undefined {
  let parsed: Duration;
  try {
    parsed = parseDuration(spec);
  } catch (err) {
    return (err as Error).message;
  }
  if (counting === undefined) return undefined;
  if (counting === 'calendar') {
    return parsed.kind === 'working_days'
      ? `duration "${spec}" counts working days but the clock says counting: calendar; write "${parsed.days} days" or drop counting`
      : undefined;
  }
  if (parsed.kind === 'working_days') return undefined;
  if (/calendar/.test(spec)) {
    return `duration "${spec}" says calendar days but the clock says counting: working_days; write "${parsed.days} working days" or counting: calendar`;
  }
  const { years, months, weeks } = parsed;
  if (years || months || weeks || hasTimePart(parsed)) {
    return `duration "${spec}" cannot be counted in working days: only whole days are (write "N working days" or PnD), or set counting: calendar`;
  }
  return undefined;
}

/**
 * Why `spec` cannot be counted at runtime with `counting`, or `undefined` when it can: it must
 * parse, suit the counting (`countingProblem`) and stay under ten years. `counting` is the clock's
 * effective counting; `undefined` for durations that count as written (timeouts, intervals).
 */
export function durationProblem(spec: string, counting: Counting | undefined): string | undefined {
  const problem = countingProblem(spec, counting);
  if (problem) return problem;
  const parsed = parseDuration(spec);
  const d = counting === 'working_days' && parsed.kind === 'calendar' ? { kind: 'working_days' as const, days: parsed.days } : parsed;
  if (d.kind === 'working_days') {
    return d.days > MAX_WORKING_DAYS ? `duration "${spec}" is too long: a duration is ${DURATION_BOUND_TEXT}; check the number` : undefined;
  }
  return spanDays(d) > MAX_DURATION_DAYS ? `duration "${spec}" is too long: a duration is ${DURATION_BOUND_TEXT}; check the number` : undefined;
}

/**
 * The duration a clock actually counts: `spec` parsed, then forced to working days when the clock
 * says `counting: working_days`.
 * @throws DurationError when the spec is bad or cannot be counted that way (see `countingProblem`).
 */
export function effectiveDuration(spec: string, counting?: Counting): Duration {
  const problem = countingProblem(spec, counting);
  if (problem) throw new DurationError(problem);
  const parsed = parseDuration(spec);
  if (counting === 'working_days' && parsed.kind === 'calendar') return { kind: 'working_days', days: parsed.days };
  return parsed;
}

/** The duration written back in definition form, for messages (`20 working days`, `P2M`). */
export function formatDuration(d: Duration): string {
  if (d.kind === 'working_days') return `${d.days} working ${d.days === 1 ? 'day' : 'days'}`;
  const date = `${d.years ? `${d.years}Y` : ''}${d.months ? `${d.months}M` : ''}${d.weeks ? `${d.weeks}W` : ''}${d.days ? `${d.days}D` : ''}`;
  const time = `${d.hours ? `${d.hours}H` : ''}${d.minutes ? `${d.minutes}M` : ''}${d.seconds ? `${d.seconds}S` : ''}`;
  if (!date && !time) return 'P0D';
  return `P${date}${time ? `T${time}` : ''}`;
}
