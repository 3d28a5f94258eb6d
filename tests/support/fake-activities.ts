/**
 * Activities for workflow-tier tests: the real clock arithmetic on the shipped calendar, with
 * notifications and projection recorded in memory (the workflow is the unit under test here;
 * integration tests run the real ones).
 */
import { createClockActivities, type CalendarSource } from '../../activities/clocks';
import type { AttentionRecord, CalendarMove, MasarActivities, NotifyInput, ProjectInput, ServiceCallInput } from '../../activities/types';
import type { Calendar } from '../../definitions/calendar';
import { loadCalendar } from '../../definitions/calendar-file';

export interface Recorded {
  notifications: NotifyInput[];
  projections: ProjectInput[];
  services: ServiceCallInput[];
  attention: AttentionRecord[];
}

/**
 * The recorded notifications of `event` once at least `count` were sent. A notification is a
 * regular activity, dispatched after the action's answer or the timer's work, so a test reading
 * right after an action or a time skip waits for it.
 */
export async function notified(recorded: Recorded, event: string, count = 1, timeoutMs = 10_000): Promise<NotifyInput[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sent = recorded.notifications.filter((n) => n.event === event);
    if (sent.length >= count) return sent;
    if (Date.now() > deadline) throw new Error(`${sent.length} "${event}" notifications, not ${count}, within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export class MutableCalendarSource implements CalendarSource {
  constructor(public calendar: Calendar = loadCalendar()) {}
  async current(): Promise<Calendar> {
    return this.calendar;
  }
}

export function recordingActivities(
  options: {
    calendars?: CalendarSource;
    service?: (input: ServiceCallInput) => string;
    /** The moves a calendar pass made in the read model, as `calendarState` reports them to a case. */
    moves?: (caseId: string, since: number) => CalendarMove[];
  } = {},
): { activities: MasarActivities; recorded: Recorded } {
  const recorded: Recorded = { notifications: [], projections: [], services: [], attention: [] };
  const calendars = options.calendars ?? new MutableCalendarSource();
  const clocks = createClockActivities({ calendars });
  return {
    recorded,
    activities: {
      ...clocks,
      async notify(input) {
        recorded.notifications.push(input);
        return { messages: [] };
      },
      async project(input) {
        recorded.projections.push(input);
      },
      async callService(input) {
        recorded.services.push(input);
        return { outcome: options.service ? options.service(input) : 'done' };
      },
      async recordAttention(input) {
        recorded.attention.push(input);
      },
      async calendarState({ caseId, calendarId, since }) {
        return { version: (await calendars.current(calendarId)).version, moves: options.moves?.(caseId, since) ?? [] };
      },
    },
  };
}
