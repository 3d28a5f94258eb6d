/**
 * Due-date activities: the calendar's arithmetic (pure, `definitions/deadline.ts`) run against the
 * calendar version in force now. As activities their results are recorded in history, so a replay
 * never recomputes a deadline with a calendar that changed since.
 */
import type { Calendar, NonWorkingReason } from '../definitions/calendar';
import { computeDue as computeDeadline, remainingTime as remainingOf, resumeDue as resumeDeadline, type Due } from '../definitions/deadline';
import { effectiveDuration, hasTimePart } from '../definitions/duration';
import { addDays, endOfLocalDay, localDateOf } from '../definitions/local-time';
import { nonWorkingReason } from '../definitions/calendar';
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

/**
 * The instant a reminder `spec` before `due` fires. Working days: at the end of the Nth working
 * day before the due day, so N full working days remain; calendar time: exactly `spec` earlier.
 */
export function reminderInstant(calendar: Calendar, due: Date, spec: string, counting: Counting): Date {
  const d = effectiveDuration(spec, counting);
  if (d.kind === 'working_days') {
    let date = localDateOf(due, calendar.timeZone);
    for (let counted = 0, guard = 0; counted < d.days && guard < 3660; guard++) {
      date = addDays(date, -1);
      if (!nonWorkingReason(calendar, date)) counted++;
    }
    return endOfLocalDay(date, calendar.timeZone);
  }
  const ms =
    ((((d.years * 365 + d.months * 30 + d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60 + d.seconds) * 1000;
  return new Date(due.getTime() - ms);
}

function result(calendar: Calendar, due: Due, reminders: string[] | undefined, counting: Counting): DueResult {
  return {
    due: due.due.toISOString(),
    dueDate: due.dueDate,
    calendarVersion: calendar.version,
    skipped: due.skipped.map((s) => ({ date: s.date, reason: describe(s.reason) })),
    reminders: (reminders ?? []).map((spec) => reminderInstant(calendar, due.due, spec, counting).toISOString()),
  };
}

function describe(reason: NonWorkingReason): string {
  switch (reason.kind) {
    case 'holiday':
      return `${reason.name.fr}${reason.days > 1 ? ` (day ${reason.day} of ${reason.days})` : ''}${reason.status === 'provisional' ? ', provisional date' : ''}`;
    default:
      return reason.name.fr;
  }
}

export function createClockActivities({ calendars }: { calendars: CalendarSource }) {
  return {
    async computeDue(input: DueInput): Promise<DueResult> {
      const calendar = await calendars.current(input.calendarId, input.minCalendarVersion);
      const due = computeDeadline({
        calendar,
        from: new Date(input.from),
        duration: input.duration,
        counting: input.counting,
        extensions: input.extensions ?? [],
      });
      return result(calendar, due, input.reminders, input.counting);
    },

    async remainingTime(input: RemainingInput): Promise<RemainingResult> {
      const calendar = await calendars.current(input.calendarId);
      return remainingOf(calendar, input.counting, new Date(input.at), new Date(input.due));
    },

    async resumeDue(input: ResumeInput): Promise<DueResult> {
      const calendar = await calendars.current(input.calendarId, input.minCalendarVersion);
      const spec = input.duration ? effectiveDuration(input.duration, input.counting) : undefined;
      const wholeDays = spec?.kind === 'calendar' && !hasTimePart(spec);
      let due = resumeDeadline(calendar, input.counting, new Date(input.at), input.remaining, { wholeDays });
      for (const extension of input.extensions ?? []) {
        const next = computeDeadline({ calendar, from: due.due, duration: extension, counting: input.counting });
        due = { ...next, skipped: [...due.skipped, ...next.skipped] };
      }
      return result(calendar, due, input.reminders, input.counting);
    },
  };
}
