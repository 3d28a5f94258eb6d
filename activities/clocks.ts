/**
 * Due-date activities: the calendar's arithmetic (pure, `definitions/deadline.ts`: due instants and
 * reminder instants alike) run against the calendar version in force now. As activities their
 * results are recorded in history, so a replay never recomputes a deadline with a calendar that
 * changed since, nor with arithmetic that changed since (reminders used to count 30-day months:
 * running cases keep the instants they were given, only new computations follow the calendar).
 */
import type { Calendar } from '../definitions/calendar';
import { calendarForUnits, describeNonWorkingDay } from '../definitions/calendar';
import {
  computeDue as computeDeadline,
  reminderInstant,
  remainingTime as remainingOf,
  resumeDue as resumeDeadline,
  type Due,
} from '../definitions/deadline';
import { effectiveDuration, hasTimePart } from '../definitions/duration';
import type { Counting } from '../definitions/schema';
import type { DueInput, DueResult, RemainingInput, RemainingResult, ResumeInput } from './types';

/** Where activities find the calendar in force: the database in production, files in tests. */
export interface CalendarSource {
  /**
   * The current version of calendar `id`, and at least `minVersion` when given (a source that caches
   * must read again rather than answer an older copy). Throws when it does not exist.
   */
  current(id: string, minVersion?: number): Promise<Calendar>;
}

function result(calendar: Calendar, due: Due, reminders: string[] | undefined, counting: Counting): DueResult {
  return {
    due: due.due.toISOString(),
    dueDate: due.dueDate,
    calendarVersion: calendar.version,
    skipped: due.skipped.map((s) => ({ date: s.date, reason: describeNonWorkingDay(s.reason, ['fr']) })),
    reminders: (reminders ?? []).map((spec) => reminderInstant(calendar, due.due, spec, counting).toISOString()),
    ...(due.provisional.length > 0 ? { provisional: due.provisional } : {}),
    ...(due.extendedFrom ? { extendedFrom: due.extendedFrom } : {}),
  };
}

/** A due instant on `calendar` (already narrowed to the case's units): `computeDue`'s arithmetic. */
export function dueOn(calendar: Calendar, input: Omit<DueInput, 'calendarId' | 'minCalendarVersion'>): DueResult {
  const due = computeDeadline({
    calendar,
    from: new Date(input.from),
    duration: input.duration,
    counting: input.counting,
    extensions: input.extensions ?? [],
    endOnNonWorkingDay: input.endOnNonWorkingDay,
  });
  return result(calendar, due, input.reminders, input.counting);
}

/** A resumed clock's due instant on `calendar` (already narrowed to the case's units): `resumeDue`'s arithmetic. */
export function resumedOn(calendar: Calendar, input: Omit<ResumeInput, 'calendarId' | 'minCalendarVersion'>): DueResult {
  const spec = input.duration ? effectiveDuration(input.duration, input.counting) : undefined;
  const wholeDays = spec?.kind === 'calendar' && !hasTimePart(spec);
  const rule = input.endOnNonWorkingDay;
  let due = resumeDeadline(calendar, input.counting, new Date(input.at), input.remaining, { wholeDays, endOnNonWorkingDay: rule });
  for (const extension of input.extensions ?? []) {
    const next = computeDeadline({ calendar, from: due.due, duration: extension, counting: input.counting, endOnNonWorkingDay: rule });
    due = { ...next, skipped: [...due.skipped, ...next.skipped], provisional: [...new Set([...due.provisional, ...next.provisional])].sort() };
  }
  return result(calendar, due, input.reminders, input.counting);
}

export function createClockActivities({ calendars }: { calendars: CalendarSource }) {
  return {
    async computeDue(input: DueInput): Promise<DueResult> {
      return dueOn(calendarForUnits(await calendars.current(input.calendarId, input.minCalendarVersion), input.units), input);
    },

    async remainingTime(input: RemainingInput): Promise<RemainingResult> {
      const calendar = calendarForUnits(await calendars.current(input.calendarId), input.units);
      return remainingOf(calendar, input.counting, new Date(input.at), new Date(input.due));
    },

    async resumeDue(input: ResumeInput): Promise<DueResult> {
      return resumedOn(calendarForUnits(await calendars.current(input.calendarId, input.minCalendarVersion), input.units), input);
    },
  };
}
