/**
 * Calendar operations: the days off of a year, a deadline as the law counts it (the same arithmetic
 * as the workflow's), and recording an announced religious holiday or an exceptional closure
 * (admins), after which running cases recompute their deadlines in the background.
 */
import { currentCalendar, saveCalendar } from '../db/calendars';
import { recordClosure, recordHoliday, religiousDateOf, type Calendar, type HolidayRecord } from '../definitions/calendar';
import type { ClosureInput } from '../definitions/calendar-schema';
import { computeDue, type Due } from '../definitions/deadline';
import { DurationError } from '../definitions/duration';
import type { Counting, EndOnNonWorkingDay } from '../definitions/schema';
import type { LocalDate } from '../definitions/local-time';
import { requireAdmin } from './access';
import type { UseCaseDeps } from './deps';
import { conflict, invalid, notFound } from './errors';
import type { Principal } from './principal';

/** A change to a calendar: an announced religious holiday, or an exceptional closure. */
export type CalendarChange = ({ kind: 'religious' } & HolidayRecord) | ({ kind: 'closure' } & ClosureInput);

/** The calendar in force, or not-found. */
export async function readCalendar(deps: Pick<UseCaseDeps, 'db'>, id: string): Promise<Calendar> {
  const calendar = await currentCalendar(deps.db, id);
  if (!calendar) throw notFound(`no calendar ${id}`);
  return calendar;
}

export interface DeadlineQuery {
  /** The triggering instant. */
  from: Date;
  /** As written in definitions: `20 working days`, `P60D`. */
  duration: string;
  extensions: string[];
  counting?: Counting | undefined;
  /** A period ending on a non-working day: `extend` or `keep` (default). */
  endOnNonWorkingDay?: EndOnNonWorkingDay | undefined;
}

/** When a deadline falls on calendar `id`; an uncountable duration is `invalid` at `duration`. */
export async function computeDeadline(deps: Pick<UseCaseDeps, 'db'>, id: string, query: DeadlineQuery): Promise<{ calendar: Calendar; due: Due }> {
  const calendar = await readCalendar(deps, id);
  try {
    const due = computeDue({
      calendar,
      from: query.from,
      duration: query.duration,
      extensions: query.extensions,
      endOnNonWorkingDay: query.endOnNonWorkingDay,
      ...(query.counting ? { counting: query.counting } : {}),
    });
    return { calendar, due };
  } catch (err) {
    if (err instanceof DurationError) throw invalid(err.message, [{ path: 'duration', message: err.message }]);
    throw err;
  }
}

/**
 * Applies a change to a calendar (pure): the next version, and the first date whose deadlines it
 * may move (a moved religious date touches deadlines from the earlier of its old and new start).
 * A change the calendar refuses is `invalid` at `start` or `date`.
 */
export function applyCalendarChange(calendar: Calendar, change: CalendarChange): { next: Calendar; from: LocalDate } {
  let next: Calendar;
  try {
    next =
      change.kind === 'religious'
        ? recordHoliday(calendar, { holiday: change.holiday, hijriYear: change.hijriYear, start: change.start, ...(change.status ? { status: change.status } : {}), ...(change.source ? { source: change.source } : {}) })
        : recordClosure(calendar, closureOf(change));
  } catch (err) {
    const message = (err as Error).message;
    const path = change.kind === 'religious' ? 'start' : / until /.test(message) ? 'until' : 'date';
    throw invalid(message, [{ path, message }]);
  }
  const changed = change.kind === 'religious' ? change.start : change.date;
  const replaced = change.kind === 'religious' ? religiousDateOf(calendar, change.holiday, change.hijriYear).start : changed;
  return { next, from: replaced < changed ? replaced : changed };
}

function closureOf(change: { kind: 'closure' } & ClosureInput): ClosureInput {
  const { kind: _kind, ...closure } = change;
  return Object.fromEntries(Object.entries(closure).filter(([, v]) => v !== undefined)) as ClosureInput;
}

/**
 * Units of a closure must be in the directory: a typo would silently close nobody. Each unknown
 * one is `invalid` at `units[i]`.
 */
async function checkClosureUnits(deps: Pick<UseCaseDeps, 'directory'>, units: readonly string[]): Promise<void> {
  const errors: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const [i, code] of units.entries()) {
    if (seen.has(code)) errors.push({ path: `units[${i}]`, message: `unit "${code}" is listed twice` });
    seen.add(code);
    if (!(await deps.directory.getUnit(code))) errors.push({ path: `units[${i}]`, message: `unit "${code}" is not in the directory (give the code of a province, prefecture, region or commune, e.g. 01.511)` });
  }
  const first = errors[0];
  if (first) throw invalid(`closure: ${first.message}`, errors);
}

/** Only admins record holidays and closures. */
export const authorizeCalendarChange = (p: Principal): void => requireAdmin(p, 'recording a holiday');

/**
 * Records a change in the calendar in force (admins) and starts the durable recomputation of the
 * running cases' deadlines (one workflow per calendar version). A concurrent change is a conflict.
 */
export async function recordCalendarChange(
  deps: Pick<UseCaseDeps, 'db' | 'engine' | 'directory'>,
  p: Principal,
  id: string,
  change: CalendarChange,
): Promise<{ calendar: Calendar; changed: LocalDate; recomputeWorkflowId: string }> {
  authorizeCalendarChange(p);
  if (change.kind === 'closure' && change.units) await checkClosureUnits(deps, change.units);
  const calendar = await readCalendar(deps, id);
  const { next, from } = applyCalendarChange(calendar, change);
  if (!(await saveCalendar(deps.db, next, calendar.version))) {
    throw conflict('calendar-changed', `calendar ${id} changed while recording (now past version ${calendar.version}); retry`);
  }
  // Running cases recompute their deadlines in the background, durably (one workflow per version).
  // A closure limited to units reaches only the cases filed in them or below them.
  const units = change.kind === 'closure' ? change.units : undefined;
  const recomputeWorkflowId = await deps.engine.calendarChanged({ calendarId: id, version: next.version, from, ...(units ? { units } : {}) });
  return { calendar: next, changed: change.kind === 'religious' ? change.start : change.date, recomputeWorkflowId };
}
