/**
 * Provisional Gregorian dates of Islamic holidays, from the Umm al-Qura calendar that the ICU
 * data of Node's `Intl` carries (`islamic-umalqura`). Pure: no Node built-ins.
 *
 * Morocco fixes its religious holidays by moon sighting (Ministry of Habous), usually one day
 * after Umm al-Qura (2025: Eid al-Fitr 31 March where Umm al-Qura gives 30 March; Eid al-Adha
 * 7 June where it gives 6 June). Hence a calendar's `provisional.offsetDays` (1 for Morocco).
 * These dates are only ever recorded as `provisional`; an administrator records the announced one.
 */
import type { LocalDate } from './local-time';
import { addDays } from './local-time';

/** A date in the Hijri calendar; month 1 = Muharram ... 12 = Dhu al-Hijja. */
export interface HijriDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;
/** 1 Muharram 1 AH (16 July 622, Julian reckoning) as a proleptic Gregorian UTC day. */
const HIJRI_EPOCH_MS = Date.UTC(622, 6, 19);
const MEAN_YEAR_DAYS = 354.367;
const MEAN_MONTH_DAYS = 29.5306;

let hijriFormat: Intl.DateTimeFormat | undefined;

function umalqura(): Intl.DateTimeFormat {
  hijriFormat ??= new Intl.DateTimeFormat('en-u-ca-islamic-umalqura-nu-latn', {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  });
  return hijriFormat;
}

/** The Umm al-Qura date of a Gregorian local date. */
export function gregorianToHijri(date: LocalDate): HijriDate {
  const fields: Record<string, number> = {};
  // Noon UTC keeps the day clear of any boundary.
  for (const p of umalqura().formatToParts(new Date(`${date}T12:00:00Z`))) {
    if (p.type === 'year' || p.type === 'month' || p.type === 'day') fields[p.type] = Number.parseInt(p.value, 10);
  }
  const { year, month, day } = fields;
  if (year === undefined || month === undefined || day === undefined) {
    throw new Error(`Intl could not convert ${date} to the islamic-umalqura calendar (ICU data missing?)`);
  }
  return { year, month, day };
}

function compare(a: HijriDate, b: HijriDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/**
 * The Gregorian date of a Hijri (Umm al-Qura) date: a mean-length estimate, then a walk of a few
 * days to the exact match.
 */
export function hijriToGregorian(target: HijriDate): LocalDate {
  if (target.month < 1 || target.month > 12 || target.day < 1 || target.day > 30) {
    throw new Error(`Hijri date ${target.year}-${target.month}-${target.day}: month must be 1-12 and day 1-30`);
  }
  const estimate =
    HIJRI_EPOCH_MS +
    Math.round((target.year - 1) * MEAN_YEAR_DAYS + (target.month - 1) * MEAN_MONTH_DAYS + (target.day - 1)) * DAY_MS;
  let date = new Date(estimate).toISOString().slice(0, 10);
  for (let step = 0; step < 40; step++) {
    const diff = compare(gregorianToHijri(date), target);
    if (diff === 0) return date;
    date = addDays(date, diff > 0 ? -1 : 1);
  }
  throw new Error(`Hijri date ${target.year}-${target.month}-${target.day} does not exist in the Umm al-Qura calendar`);
}

/**
 * The provisional first day of a holiday in a Hijri year: Umm al-Qura plus `offsetDays`.
 * @param offsetDays days added to the Umm al-Qura date. @default 0
 */
export function provisionalHolidayStart(hijri: { month: number; day: number }, hijriYear: number, offsetDays = 0): LocalDate {
  return addDays(hijriToGregorian({ year: hijriYear, month: hijri.month, day: hijri.day }), offsetDays);
}

/** The Hijri years that overlap a Gregorian year (two, sometimes three). */
export function hijriYearsOverlapping(gregorianYear: number): number[] {
  const first = gregorianToHijri(`${String(gregorianYear).padStart(4, '0')}-01-01`).year;
  const last = gregorianToHijri(`${String(gregorianYear).padStart(4, '0')}-12-31`).year;
  const years: number[] = [];
  for (let y = first; y <= last; y++) years.push(y);
  return years;
}
