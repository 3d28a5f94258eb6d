/**
 * Reading and writing calendar files. The only module of the calendar that touches the file
 * system: keep it out of the workflow sandbox (import `calendar.ts` and `deadline.ts` there).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Calendar } from './calendar-schema';
import { CALENDAR_ID, CalendarError, parseCalendar, serializeCalendar } from './calendar-schema';

/** Folder of the shipped calendars (`definitions/calendars`). */
export const CALENDARS_DIR = join(__dirname, 'calendars');

/** The calendar shipped with Masar for Moroccan public administrations. */
export const DEFAULT_CALENDAR_ID = 'ma-administration';

function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/**
 * Reads and validates a calendar file.
 * @throws CalendarError naming the file and every problem (including a missing file).
 */
export function loadCalendarFile(path: string): Calendar {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CalendarError([`${displayName(path)}: cannot read calendar file (${code ?? String(err)})`]);
  }
  const calendar = parseCalendar(text, displayName(path));
  const expected = basename(path).replace(/\.ya?ml$/, '');
  if (CALENDAR_ID.test(expected) && calendar.id !== expected) {
    throw new CalendarError([`${displayName(path)}: id: "${calendar.id}" does not match the file name; rename the file to ${calendar.id}.yaml or fix the id`]);
  }
  return calendar;
}

/**
 * Resolves `--calendar` style references: a path (contains `/` or ends in `.yaml`) or the id of a
 * shipped calendar, then loads it.
 */
export function loadCalendar(reference: string = DEFAULT_CALENDAR_ID): Calendar {
  const isPath = reference.includes('/') || /\.ya?ml$/.test(reference);
  if (!isPath && !CALENDAR_ID.test(reference)) {
    throw new CalendarError([`calendar "${reference}": not a calendar id (kebab-case, e.g. ${DEFAULT_CALENDAR_ID}) nor a path to a .yaml file`]);
  }
  return loadCalendarFile(isPath ? reference : join(CALENDARS_DIR, `${reference}.yaml`));
}

/** Writes a calendar to `path` atomically (temporary file, then rename). */
export function writeCalendarFile(path: string, calendar: Calendar): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, serializeCalendar(calendar), 'utf8');
  renameSync(temporary, path);
}
