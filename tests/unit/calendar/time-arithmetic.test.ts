/**
 * Time arithmetic in one place: due dates count forward and reminders count back by the same
 * rules (calendar months that clamp at month ends, leap days, local days of 23 or 25 hours around
 * the Ramadan clock changes in Africa/Casablanca). Morocco was at +01:00 except from Sunday
 * 23 February 2025 03:00 local (to +00:00) to Sunday 6 April 2025 02:00 local (back to +01:00).
 */
import type { Calendar } from '../../../definitions/calendar';
import { loadCalendar } from '../../../definitions/calendar-file';
import { computeDue, reminderInstant } from '../../../definitions/deadline';
import { addDays, atLocalTime, endOfLocalDay, localDateOf } from '../../../definitions/local-time';
import { createClockActivities } from '../../../activities/clocks';
import { untilInstant, waitTarget } from '../../../cli/simulate/run';

const calendar: Calendar = loadCalendar('ma-administration');
const zone = calendar.timeZone;

/** The end of a local day in Casablanca, as an ISO instant (local-time.test.ts checks it on both offsets). */
const endOf = (date: string): string => endOfLocalDay(date, zone).toISOString();

describe('calendar deadlines, forward', () => {
  it.each([
    ['31 January + 1 month ends on 28 February', '2025-01-31T10:00:00+01:00', 'P1M', endOf('2025-02-28')],
    ['31 January + 1 month ends on 29 February in a leap year', '2024-01-31T10:00:00+01:00', 'P1M', endOf('2024-02-29')],
    ['31 March + 1 month ends on 30 April', '2025-03-31T10:00:00+00:00', 'P1M', endOf('2025-04-30')],
    ['29 February + 1 year ends on 28 February', '2024-02-29T10:00:00+01:00', 'P1Y', endOf('2025-02-28')],
    ['28 February + 1 year ends on 28 February of the leap year', '2027-02-28T10:00:00+01:00', 'P1Y', endOf('2028-02-28')],
    ['a day across the change to +00:00 ends at local midnight', '2025-02-22T10:00:00+01:00', 'P1D', '2025-02-23T23:59:59.999Z'],
    ['a week across the change back to +01:00 ends at local midnight', '2025-04-01T10:00:00+00:00', 'P1W', '2025-04-08T22:59:59.999Z'],
    ['hours are elapsed time across the change', '2025-02-23T01:00:00+01:00', 'PT3H', '2025-02-23T03:00:00.000Z'],
  ])('%s', (_name, from, duration, due) => {
    expect(computeDue({ calendar, from: new Date(from), duration }).due.toISOString()).toBe(due);
  });
});

describe('reminders, backward by the same rules', () => {
  it.each([
    // Each row names what the old arithmetic (30-day months, 365-day years, 24-hour days) gave.
    ['P1M before the end of 31 March is the end of 28 February (not 1 March)', endOf('2025-03-31'), 'P1M', endOf('2025-02-28')],
    ['P1M before the end of 31 March 2024 is the end of 29 February (not 1 March)', endOf('2024-03-31'), 'P1M', endOf('2024-02-29')],
    ['P1M before the end of 30 April is the end of 30 March (not 31 March)', endOf('2025-04-30'), 'P1M', endOf('2025-03-30')],
    ['P1Y before the end of 28 February 2025 is the end of 28 February 2024 (not 29)', endOf('2025-02-28'), 'P1Y', endOf('2024-02-28')],
    ['P1Y before the end of 29 February 2028 is the end of 28 February 2027 (not 1 March)', endOf('2028-02-29'), 'P1Y', endOf('2027-02-28')],
    ['P2D across the change to +00:00 is the end of a local day (not 00:59 the next)', '2025-02-24T23:59:59.999Z', 'P2D', '2025-02-22T22:59:59.999Z'],
    ['P1W across the change back to +01:00 is the end of a local day (not 22:59)', '2025-04-08T22:59:59.999Z', 'P1W', '2025-04-01T23:59:59.999Z'],
    ['PT2H is exactly two hours earlier, across the change too', '2025-04-06T02:30:00.000Z', 'PT2H', '2025-04-06T00:30:00.000Z'],
    ['P1DT2H moves a local day, then two hours', '2025-02-24T12:00:00.000Z', 'P1DT2H', '2025-02-23T10:00:00.000Z'],
  ])('%s', (_name, due, spec, at) => {
    expect(reminderInstant(calendar, new Date(due), spec, 'calendar').toISOString()).toBe(at);
  });

  it('should remind N working days before at the end of a working day, so N full working days remain', () => {
    // Due Tuesday 4 February 2025: 1 working day before is Monday 3 February, 5 is Tuesday 28 January.
    const due = endOfLocalDay('2025-02-04', zone);
    expect(reminderInstant(calendar, due, '1 working day', 'working_days').toISOString()).toBe('2025-02-03T22:59:59.999Z');
    expect(reminderInstant(calendar, due, '5 working days', 'working_days').toISOString()).toBe('2025-01-28T22:59:59.999Z');
    // P5D on a working-day clock counts working days too.
    expect(reminderInstant(calendar, due, 'P5D', 'working_days').toISOString()).toBe('2025-01-28T22:59:59.999Z');
  });

  it('should undo a deadline of N days: the reminder lands at the end of the filing day, on every day of 2025', () => {
    for (let date = '2025-01-01'; date < '2026-01-01'; date = addDays(date, 1)) {
      const from = atLocalTime(date, zone, 10);
      for (const spec of ['P1D', 'P10D', 'P3W', '45 days']) {
        const due = computeDue({ calendar, from, duration: spec }).due;
        const back = reminderInstant(calendar, due, spec, 'calendar');
        expect(`${date} ${spec} ${back.toISOString()}`).toBe(`${date} ${spec} ${endOfLocalDay(localDateOf(from, zone), zone).toISOString()}`);
      }
    }
  });

  it('should be what the due-date activity hands the workflow', async () => {
    const clocks = createClockActivities({ calendars: { current: async () => calendar } });
    const r = await clocks.computeDue({ calendarId: calendar.id, from: '2025-01-31T09:00:00Z', duration: 'P2M', counting: 'calendar', reminders: ['P1M', 'P1D'] });
    // Due the end of 31 March (+00:00, Ramadan time): reminded at the end of 28 February and 30 March.
    expect(r.due).toBe('2025-03-31T23:59:59.999Z');
    expect(r.reminders).toEqual(['2025-02-28T23:59:59.999Z', '2025-03-30T23:59:59.999Z']);
  });
});

describe('local times in the simulation', () => {
  it('should put "until a date" at 09:00 local, on the day of a clock change too', () => {
    expect(untilInstant(calendar, '2025-02-23').toISOString()).toBe('2025-02-23T09:00:00.000Z');
    expect(untilInstant(calendar, '2025-04-06').toISOString()).toBe('2025-04-06T08:00:00.000Z');
    expect(untilInstant(calendar, '2025-02-22').toISOString()).toBe('2025-02-22T08:00:00.000Z');
  });

  it('should land a wait at the same local time, across a clock change', () => {
    // 10:00 local (+01:00) on Saturday 22 February, 2 days later: 10:00 local (+00:00) on Monday 24.
    expect(waitTarget(calendar, new Date('2025-02-22T09:00:00Z'), 'P2D').toISOString()).toBe('2025-02-24T10:00:00.000Z');
    // 10:00 local (+00:00) on Friday 4 April, 1 working day later: 10:00 local (+01:00) on Monday 7 April.
    expect(waitTarget(calendar, new Date('2025-04-04T10:00:00Z'), '1 working day').toISOString()).toBe('2025-04-07T09:00:00.000Z');
  });
});
