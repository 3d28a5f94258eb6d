/**
 * Zod pieces for the values every route parses from a query string, a path or a body: integers
 * that fit the column they are compared with, and dates and instants that exist on the calendar.
 * The bounds are exported so the OpenAPI document states exactly what is enforced.
 *
 * Why not `z.coerce.number()` and `Date.parse`: the first accepts `1e400`, ` 12` and `0x1F`; the
 * second rolls `2026-02-30` over to March 2 and accepts year 0, which PostgreSQL then refuses
 * with an error the caller would see as a 500.
 */
import { z } from 'zod';

/** The largest PostgreSQL `integer` (versions, journal sequences). */
export const PG_INT_MAX = 2_147_483_647;
/** Years a date or an instant may fall in (PostgreSQL has no year 0; four digits keep ISO text plain). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** Whether year-month-day names a day that exists (no February 30), within the accepted years. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return false;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= last;
}

function realDateOf(text: string, pattern: RegExp): boolean {
  const m = pattern.exec(text);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `YYYY-MM-DD`, a day that exists, years {@link MIN_YEAR} to {@link MAX_YEAR}. */
export const isoDate = () =>
  z
    .string()
    .max(10)
    .regex(DATE, 'must be a date YYYY-MM-DD')
    .refine((v) => realDateOf(v, DATE), `is not a real date (years ${MIN_YEAR} to ${MAX_YEAR})`);

/** An ISO 8601 instant with its offset (`2027-02-22T10:00:00+01:00`), on a day that exists. */
export const isoInstant = () =>
  z
    .string()
    .max(40)
    .regex(INSTANT, 'must be an ISO 8601 instant with an offset, such as 2027-02-22T10:00:00+01:00')
    .refine((v) => realDateOf(v, INSTANT), `is not a real date (years ${MIN_YEAR} to ${MAX_YEAR})`);

/** A date (`YYYY-MM-DD`) or an instant, as list filters accept. */
export const isoDateOrInstant = () =>
  z
    .string()
    .max(40)
    .refine((v) => DATE.test(v) || INSTANT.test(v), 'must be a date (YYYY-MM-DD) or an ISO instant with an offset')
    .refine((v) => realDateOf(v, DATE) || realDateOf(v, INSTANT), `is not a real date (years ${MIN_YEAR} to ${MAX_YEAR})`);

/**
 * A whole number from a query string: digits only, within `[min, max]` (by default what a
 * PostgreSQL `integer` holds), so no comparison in SQL can overflow.
 */
export const intQuery = (min: number, max = PG_INT_MAX) =>
  z
    .string()
    .max(12)
    .regex(/^-?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** A whole number in a JSON body, within `[min, max]` (by default what a PostgreSQL `integer` holds). */
export const intBody = (min: number, max = PG_INT_MAX) =>
  z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
