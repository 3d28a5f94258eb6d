/**
 * Deadline table: every expected value below was worked out by hand on a printed calendar, with
 * Morocco at +01:00 except during Ramadan 2025 (+00:00 from Sunday 23 February 03:00 local to
 * Sunday 6 April 02:00 local) and the shipped holidays (official Eid al-Fitr 31 March + 1 April 2025,
 * Eid al-Adha 7 + 8 June 2025, closure Monday 9 June 2025). Cases avoid provisional religious
 * dates, so recording an announced date later does not change them.
 */
import type { Calendar } from '../../../definitions/calendar';
import { recordHoliday } from '../../../definitions/calendar';
import { loadCalendar } from '../../../definitions/calendar-file';
import { computeDue } from '../../../definitions/deadline';
import type { Counting } from '../../../definitions/schema';

const calendar: Calendar = loadCalendar('ma-administration');

interface Case {
  name: string;
  from: string;
  duration: string;
  counting?: Counting;
  extensions?: string[];
  due: string;
  dueDate: string;
  /** Skipped dates, when the case is about them. */
  skipped?: string[];
}

const cases: Case[] = [
  // Law 31-13, ordinary request: 20 working days.
  {
    name: 'count 20 working days across the 11 and 14 January holidays (law 31-13 ordinary request)',
    from: '2025-01-06T10:00:00+01:00',
    duration: '20 working days',
    due: '2025-02-04T22:59:59.999Z',
    dueDate: '2025-02-04',
    skipped: ['2025-01-11', '2025-01-12', '2025-01-14', '2025-01-18', '2025-01-19', '2025-01-25', '2025-01-26', '2025-02-01', '2025-02-02'],
  },
  {
    name: 'add a 20 working day extension from the original due date, ending in Ramadan time (+00:00)',
    from: '2025-01-06T10:00:00+01:00',
    duration: '20 working days',
    extensions: ['20 working days'],
    due: '2025-03-04T23:59:59.999Z',
    dueDate: '2025-03-04',
  },
  {
    name: 'skip a plain weekend',
    from: '2025-10-08T09:00:00+01:00',
    duration: '5 working days',
    due: '2025-10-15T22:59:59.999Z',
    dueDate: '2025-10-15',
    skipped: ['2025-10-11', '2025-10-12'],
  },
  {
    name: 'not count the deposit day when the deposit is at 23:30 local on a Friday',
    from: '2025-10-10T23:30:00+01:00',
    duration: '1 working day',
    due: '2025-10-13T22:59:59.999Z',
    dueDate: '2025-10-13',
    skipped: ['2025-10-11', '2025-10-12'],
  },
  {
    name: 'take the local date, not the UTC one (Thursday 23:30 UTC is Friday 00:30 in Casablanca)',
    from: '2025-10-09T23:30:00Z',
    duration: '1 working day',
    due: '2025-10-13T22:59:59.999Z',
    dueDate: '2025-10-13',
  },
  {
    name: 'count from the Monday after a deposit on a Saturday',
    from: '2025-10-11T10:00:00+01:00',
    duration: '3 working days',
    due: '2025-10-15T22:59:59.999Z',
    dueDate: '2025-10-15',
    skipped: ['2025-10-12'],
  },
  {
    name: 'treat a deposit on Sunday 23:59 local as a Sunday deposit',
    from: '2025-10-12T23:59:00+01:00',
    duration: '1 working day',
    due: '2025-10-13T22:59:59.999Z',
    dueDate: '2025-10-13',
    skipped: [],
  },
  {
    name: 'treat a deposit at local midnight as a deposit on the new day',
    from: '2025-10-12T23:00:00Z',
    duration: '1 working day',
    due: '2025-10-14T22:59:59.999Z',
    dueDate: '2025-10-14',
  },
  {
    name: 'count from a deposit made on the first day of Eid al-Fitr 2025',
    from: '2025-03-31T10:00:00+00:00',
    duration: '3 working days',
    due: '2025-04-04T23:59:59.999Z',
    dueDate: '2025-04-04',
    skipped: ['2025-04-01'],
  },
  {
    name: 'skip both days of Eid al-Fitr 2025 and cross the switch back to +01:00',
    from: '2025-03-27T12:00:00+00:00',
    duration: '5 working days',
    due: '2025-04-07T22:59:59.999Z',
    dueDate: '2025-04-07',
    skipped: ['2025-03-29', '2025-03-30', '2025-03-31', '2025-04-01', '2025-04-05', '2025-04-06'],
  },
  {
    name: 'skip Eid al-Adha 2025 and the exceptional closure of Monday 9 June',
    from: '2025-06-05T10:00:00+01:00',
    duration: '2 working days',
    due: '2025-06-10T22:59:59.999Z',
    dueDate: '2025-06-10',
    skipped: ['2025-06-07', '2025-06-08', '2025-06-09'],
  },
  {
    name: 'cross the year end 2025 with the 1, 11 (a Sunday) and 14 January holidays',
    from: '2025-12-31T15:00:00+01:00',
    duration: '10 working days',
    due: '2026-01-16T22:59:59.999Z',
    dueDate: '2026-01-16',
    skipped: ['2026-01-01', '2026-01-03', '2026-01-04', '2026-01-10', '2026-01-11', '2026-01-14'],
  },
  {
    name: 'cross the year end 2024 with New Year on a Wednesday',
    from: '2024-12-31T16:00:00+01:00',
    duration: '5 working days',
    due: '2025-01-08T22:59:59.999Z',
    dueDate: '2025-01-08',
    skipped: ['2025-01-01', '2025-01-04', '2025-01-05'],
  },
  {
    name: 'end at local midnight +00:00 after the Ramadan switch of 23 February 2025',
    from: '2025-02-21T10:00:00+01:00',
    duration: '1 working day',
    due: '2025-02-24T23:59:59.999Z',
    dueDate: '2025-02-24',
    skipped: ['2025-02-22', '2025-02-23'],
  },
  {
    name: 'read 23:30 UTC during Ramadan time as 23:30 local the same day',
    from: '2025-03-10T23:30:00Z',
    duration: '1 working day',
    due: '2025-03-11T23:59:59.999Z',
    dueDate: '2025-03-11',
  },
  {
    name: 'end a calendar deadline on the 25-hour day of the switch to +00:00',
    from: '2025-02-20T10:00:00+01:00',
    duration: 'P3D',
    due: '2025-02-23T23:59:59.999Z',
    dueDate: '2025-02-23',
  },
  {
    name: 'count 20 calendar days without skipping anything',
    from: '2025-10-06T10:00:00+01:00',
    duration: '20 days',
    due: '2025-10-26T22:59:59.999Z',
    dueDate: '2025-10-26',
    skipped: [],
  },
  {
    name: 'count the same 20 as working days when the duration says so',
    from: '2025-10-06T10:00:00+01:00',
    duration: '20 working days',
    due: '2025-11-03T22:59:59.999Z',
    dueDate: '2025-11-03',
  },
  {
    name: 'count an ISO P20D as working days when the clock counts working days',
    from: '2025-10-06T10:00:00+01:00',
    duration: 'P20D',
    counting: 'working_days',
    due: '2025-11-03T22:59:59.999Z',
    dueDate: '2025-11-03',
  },
  {
    name: 'end an urgent 3-day request (law 31-13) on a Saturday when counted in calendar days',
    from: '2025-10-08T11:00:00+01:00',
    duration: '3 days',
    due: '2025-10-11T22:59:59.999Z',
    dueDate: '2025-10-11',
  },
  {
    name: 'end the same urgent request on Monday when counted in working days',
    from: '2025-10-08T11:00:00+01:00',
    duration: '3 working days',
    due: '2025-10-13T22:59:59.999Z',
    dueDate: '2025-10-13',
  },
  {
    name: 'extend an urgent 3-day request by 3 more days from its due date',
    from: '2025-10-08T11:00:00+01:00',
    duration: '3 days',
    extensions: ['3 days'],
    due: '2025-10-14T22:59:59.999Z',
    dueDate: '2025-10-14',
  },
  {
    name: 'count 60 days for an administrative act (law 55-19) started in Ramadan time',
    from: '2025-03-03T09:00:00+00:00',
    duration: 'P60D',
    due: '2025-05-02T22:59:59.999Z',
    dueDate: '2025-05-02',
  },
  {
    name: 'extend a 55-19 deadline once by P60D',
    from: '2025-03-03T09:00:00+00:00',
    duration: '60 days',
    extensions: ['P60D'],
    due: '2025-07-01T22:59:59.999Z',
    dueDate: '2025-07-01',
  },
  {
    name: 'count 60 days for a Chikaya complaint across the year end',
    from: '2025-11-20T14:00:00+01:00',
    duration: '60 days',
    due: '2026-01-19T22:59:59.999Z',
    dueDate: '2026-01-19',
  },
  {
    name: 'add two calendar months for a building permit (law 12-90), ending on a Sunday',
    from: '2025-04-15T10:00:00+01:00',
    duration: 'P2M',
    due: '2025-06-15T22:59:59.999Z',
    dueDate: '2025-06-15',
  },
  {
    name: 'clamp 31 January + P1M to 28 February (in Ramadan time)',
    from: '2025-01-31T10:00:00+01:00',
    duration: 'P1M',
    due: '2025-02-28T23:59:59.999Z',
    dueDate: '2025-02-28',
  },
  {
    name: 'clamp 31 January 2024 + P1M to 29 February in a leap year',
    from: '2024-01-31T10:00:00+01:00',
    duration: 'P1M',
    due: '2024-02-29T22:59:59.999Z',
    dueDate: '2024-02-29',
  },
  {
    name: 'clamp 29 February 2024 + P1Y to 28 February 2025',
    from: '2024-02-29T10:00:00+01:00',
    duration: 'P1Y',
    due: '2025-02-28T23:59:59.999Z',
    dueDate: '2025-02-28',
  },
  {
    name: 'count three weeks as 21 days',
    from: '2025-10-01T10:00:00+01:00',
    duration: 'P3W',
    due: '2025-10-22T22:59:59.999Z',
    dueDate: '2025-10-22',
  },
  {
    name: 'make PT30S an exact instant for demos',
    from: '2025-06-10T10:00:00+01:00',
    duration: 'PT30S',
    due: '2025-06-10T09:00:30.000Z',
    dueDate: '2025-06-10',
  },
  {
    name: 'let PT2H from 23:30 local end on the next local day',
    from: '2025-10-10T23:30:00+01:00',
    duration: 'PT2H',
    due: '2025-10-11T00:30:00.000Z',
    dueDate: '2025-10-11',
  },
  {
    name: 'keep PT2H exact across the switch back to +01:00',
    from: '2025-04-06T01:30:00Z',
    duration: 'PT2H',
    due: '2025-04-06T03:30:00.000Z',
    dueDate: '2025-04-06',
  },
  {
    name: 'keep the local wall-clock time for the day part of P1DT12H across the switch to +00:00',
    from: '2025-02-22T10:00:00+01:00',
    duration: 'P1DT12H',
    due: '2025-02-23T22:00:00.000Z',
    dueDate: '2025-02-23',
  },
  {
    name: 'skip the 14 August and the 20-21 August holidays',
    from: '2025-08-12T10:00:00+01:00',
    duration: '5 working days',
    due: '2025-08-22T22:59:59.999Z',
    dueDate: '2025-08-22',
    skipped: ['2025-08-14', '2025-08-16', '2025-08-17', '2025-08-20', '2025-08-21'],
  },
  {
    name: 'skip Green March and Independence Day in November',
    from: '2025-11-05T10:00:00+01:00',
    duration: '10 working days',
    due: '2025-11-21T22:59:59.999Z',
    dueDate: '2025-11-21',
    skipped: ['2025-11-06', '2025-11-08', '2025-11-09', '2025-11-15', '2025-11-16', '2025-11-18'],
  },
  {
    name: 'skip Labour Day',
    from: '2025-04-30T10:00:00+01:00',
    duration: '1 working day',
    due: '2025-05-02T22:59:59.999Z',
    dueDate: '2025-05-02',
    skipped: ['2025-05-01'],
  },
  {
    name: 'skip Throne Day',
    from: '2025-07-29T10:00:00+01:00',
    duration: '2 working days',
    due: '2025-08-01T22:59:59.999Z',
    dueDate: '2025-08-01',
    skipped: ['2025-07-30'],
  },
  {
    name: "count a governor's 3 working days for a reasoned opposition around 11 and 14 January",
    from: '2025-01-10T16:00:00+01:00',
    duration: '3 working days',
    due: '2025-01-16T22:59:59.999Z',
    dueDate: '2025-01-16',
    skipped: ['2025-01-11', '2025-01-12', '2025-01-14'],
  },
  {
    name: 'end 0 working days at the end of the deposit day',
    from: '2025-10-11T10:00:00+01:00',
    duration: '0 working days',
    due: '2025-10-11T22:59:59.999Z',
    dueDate: '2025-10-11',
    skipped: [],
  },
];

describe('computeDue', () => {
  it.each(cases)('should $name', (c) => {
    const result = computeDue({ from: new Date(c.from), duration: c.duration, counting: c.counting, extensions: c.extensions, calendar });
    expect(result.due.toISOString()).toBe(c.due);
    expect(result.dueDate).toBe(c.dueDate);
    if (c.skipped) expect(result.skipped.map((s) => s.date)).toEqual(c.skipped);
  });

  it('should give the reason of each skipped day, a holiday winning over the weekend', () => {
    const { skipped } = computeDue({ from: new Date('2025-06-05T10:00:00+01:00'), duration: '2 working days', calendar });
    expect(skipped.map((s) => s.reason)).toEqual([
      expect.objectContaining({ kind: 'holiday', holiday: 'eid_al_adha', status: 'official', day: 1, days: 2, hijriYear: 1446 }),
      expect.objectContaining({ kind: 'holiday', holiday: 'eid_al_adha', status: 'official', day: 2, days: 2 }),
      expect.objectContaining({ kind: 'closure' }),
    ]);
    const weekend = computeDue({ from: new Date('2025-10-10T10:00:00+01:00'), duration: '1 working day', calendar }).skipped[0];
    expect(weekend?.reason).toEqual({ kind: 'weekend', weekday: 'saturday', name: { fr: 'samedi', ar: 'السبت' } });
  });

  it('should list the skipped days of the original period and of the extension together', () => {
    const { skipped } = computeDue({
      from: new Date('2025-01-06T10:00:00+01:00'),
      duration: '20 working days',
      extensions: ['20 working days'],
      calendar,
    });
    // 9 in the first period, then 8, 9, 15, 16, 22, 23 February and 1, 2 March.
    expect(skipped).toHaveLength(17);
    expect(skipped.slice(9).map((s) => s.date)).toEqual([
      '2025-02-08', '2025-02-09', '2025-02-15', '2025-02-16', '2025-02-22', '2025-02-23', '2025-03-01', '2025-03-02',
    ]);
  });

  it('should move a due date when an announced religious holiday replaces a provisional one', () => {
    // Mawlid 1447 dated Friday 5 + Saturday 6 September 2025, then corrected to Thursday 4 + Friday 5.
    const first = recordHoliday(calendar, { holiday: 'mawlid', hijriYear: 1447, start: '2025-09-05' });
    const from = new Date('2025-09-03T10:00:00+01:00');
    expect(computeDue({ from, duration: '2 working days', calendar: first }).dueDate).toBe('2025-09-08');
    const corrected = recordHoliday(first, { holiday: 'mawlid', hijriYear: 1447, start: '2025-09-04' });
    expect(computeDue({ from, duration: '2 working days', calendar: corrected }).dueDate).toBe('2025-09-09');
  });

  it('should refuse a sub-day duration on a working-day clock', () => {
    expect(() => computeDue({ from: new Date('2025-10-06T10:00:00Z'), duration: 'PT30S', counting: 'working_days', calendar })).toThrow(
      /cannot be counted in working days/,
    );
  });
});
