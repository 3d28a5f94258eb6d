/**
 * Activities for workflow-tier tests: the real clock arithmetic on the shipped calendar, with
 * notifications and projection recorded in memory (the workflow is the unit under test here;
 * integration tests run the real ones).
 */
import { createClockActivities, type CalendarSource } from '../../activities/clocks';
import type { MasarActivities, NotifyInput, ProjectInput, ServiceCallInput } from '../../activities/types';
import type { Calendar } from '../../definitions/calendar';
import { loadCalendar } from '../../definitions/calendar-file';

export interface Recorded {
  notifications: NotifyInput[];
  projections: ProjectInput[];
  services: ServiceCallInput[];
}

export class MutableCalendarSource implements CalendarSource {
  constructor(public calendar: Calendar = loadCalendar()) {}
  async current(): Promise<Calendar> {
    return this.calendar;
  }
}

export function recordingActivities(
  options: { calendars?: CalendarSource; service?: (input: ServiceCallInput) => string } = {},
): { activities: MasarActivities; recorded: Recorded } {
  const recorded: Recorded = { notifications: [], projections: [], services: [] };
  const clocks = createClockActivities({ calendars: options.calendars ?? new MutableCalendarSource() });
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
    },
  };
}
