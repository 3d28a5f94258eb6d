/**
 * The end of a period (`endOnNonWorkingDay`) and the provisional dates a deadline depends on, on a
 * small inline calendar: weekend Saturday-Sunday, a fixed holiday on 1 May, a two-day religious
 * holiday recorded provisional from Monday 24 March 2031 and an official one from Wednesday 7 May 2031.
 */
import type { Calendar } from '../../../definitions/calendar';
import { isWorkingDay } from '../../../definitions/calendar';
import { validateCalendar } from '../../../definitions/calendar-schema';
import { computeDue, resumeDue } from '../../../definitions/deadline';
import { addDays } from '../../../definitions/local-time';

const calendar: Calendar = validateCalendar(
  {
    id: 'test-end',
    version: 1,
    title: { fr: 'Test', ar: 'اختبار' },
    timeZone: 'Africa/Casablanca',
    weekend: ['saturday', 'sunday'],
    fixedHolidays: { labour_day: { date: '05-01', name: { fr: 'Fête du Travail', ar: 'عيد الشغل' } } },
    religiousHolidays: {
      eid_al_fitr: { name: { fr: 'Aïd al-Fitr', ar: 'عيد الفطر' }, hijri: { month: 10, day: 1 }, days: 2 },
      eid_al_adha: { name: { fr: 'Aïd al-Adha', ar: 'عيد الأضحى' }, hijri: { month: 12, day: 10 }, days: 2 },
    },
    provisional: { method: 'umm-al-qura', offsetDays: 1 },
    religiousDates: [
      { holiday: 'eid_al_fitr', hijriYear: 1452, start: '2031-03-24', status: 'provisional', source: 'test' },
      { holiday: 'eid_al_adha', hijriYear: 1452, start: '2031-05-31', status: 'official', source: 'test' },
    ],
  },
  'test-end.yaml',
);

const at = (local: string): Date => new Date(`${local}T10:00:00+01:00`);

describe('endOnNonWorkingDay', () => {
  it('should keep a calendar-day period that ends on a Saturday where it ends, or move it to the end of Monday', () => {
    // Tuesday 4 February 2031 + 4 days = Saturday 8 February.
    const keep = computeDue({ calendar, from: at('2031-02-04'), duration: '4 days', endOnNonWorkingDay: 'keep' });
    expect(keep).toMatchObject({ dueDate: '2031-02-08', skipped: [] });
    expect(keep.extendedFrom).toBeUndefined();
    const extend = computeDue({ calendar, from: at('2031-02-04'), duration: '4 days', endOnNonWorkingDay: 'extend' });
    expect(extend).toMatchObject({ dueDate: '2031-02-10', extendedFrom: '2031-02-08', due: new Date('2031-02-10T22:59:59.999Z') });
    expect(extend.skipped.map((s) => [s.date, s.reason.kind])).toEqual([
      ['2031-02-08', 'weekend'],
      ['2031-02-09', 'weekend'],
    ]);
  });

  it('should default to keep, as procedures compiled before the rule did', () => {
    expect(computeDue({ calendar, from: at('2031-02-04'), duration: 'P4D' }).dueDate).toBe('2031-02-08');
  });

  it('should jump a holiday and the weekend after it (Thursday 1 May 2031, then Saturday and Sunday)', () => {
    const due = computeDue({ calendar, from: at('2031-04-01'), duration: 'P1M', endOnNonWorkingDay: 'extend' });
    expect(due.dueDate).toBe('2031-05-02');
    const onHoliday = computeDue({ calendar, from: at('2031-04-30'), duration: '1 day', endOnNonWorkingDay: 'extend' });
    expect(onHoliday).toMatchObject({ dueDate: '2031-05-02', extendedFrom: '2031-05-01' });
    const friday = computeDue({ calendar, from: at('2031-05-01'), duration: '2 days', endOnNonWorkingDay: 'extend' });
    expect(friday).toMatchObject({ dueDate: '2031-05-05', extendedFrom: '2031-05-03' });
  });

  it('should end every day-counted period on a working day with extend, and move it only when keep ends on a day off', () => {
    for (let start = '2031-01-01'; start < '2031-03-01'; start = addDays(start, 1)) {
      for (const days of [1, 2, 5, 7, 10, 15, 30, 60]) {
        const keep = computeDue({ calendar, from: at(start), duration: `${days} days`, endOnNonWorkingDay: 'keep' });
        const extend = computeDue({ calendar, from: at(start), duration: `${days} days`, endOnNonWorkingDay: 'extend' });
        expect(isWorkingDay(calendar, extend.dueDate)).toBe(true);
        if (isWorkingDay(calendar, keep.dueDate)) expect(extend.dueDate).toBe(keep.dueDate);
        else expect(extend.dueDate > keep.dueDate && extend.extendedFrom === keep.dueDate).toBe(true);
      }
    }
  });

  it('should change nothing for working-day periods, which end on a working day by construction', () => {
    for (let start = '2031-03-01'; start < '2031-06-15'; start = addDays(start, 3)) {
      for (const days of [1, 3, 20]) {
        const keep = computeDue({ calendar, from: at(start), duration: `${days} working days`, endOnNonWorkingDay: 'keep' });
        const extend = computeDue({ calendar, from: at(start), duration: `${days} working days`, endOnNonWorkingDay: 'extend' });
        expect(extend.due).toEqual(keep.due);
      }
    }
  });

  it('should leave a period with a time part at its exact instant', () => {
    const from = new Date('2031-02-07T23:59:50+01:00'); // Friday evening; 30 seconds later is Saturday
    for (const rule of ['keep', 'extend'] as const) {
      expect(computeDue({ calendar, from, duration: 'PT30S', endOnNonWorkingDay: rule }).due).toEqual(new Date(from.getTime() + 30_000));
    }
  });

  it('should move the end of a day-counted period resumed after a suspension, and of its extensions', () => {
    // Resumed Wednesday 5 February 2031 with 3 days left: Saturday 8, moved to Monday 10.
    const resumed = resumeDue(calendar, 'calendar', at('2031-02-05'), { days: 3, ms: 0 }, { wholeDays: true, endOnNonWorkingDay: 'extend' });
    expect(resumed).toMatchObject({ dueDate: '2031-02-10', extendedFrom: '2031-02-08' });
    expect(resumeDue(calendar, 'calendar', at('2031-02-05'), { days: 3, ms: 0 }, { wholeDays: true }).dueDate).toBe('2031-02-08');
    // 4 days to Saturday 8, extended by 7 days from there to Saturday 15, moved to Monday 17.
    const extended = computeDue({ calendar, from: at('2031-02-04'), duration: '4 days', extensions: ['7 days'], endOnNonWorkingDay: 'extend' });
    expect(extended).toMatchObject({ dueDate: '2031-02-17', extendedFrom: '2031-02-15' });
  });
});

describe('provisional dates a deadline depends on', () => {
  it('should list a provisional holiday skipped by a working-day count', () => {
    const due = computeDue({ calendar, from: at('2031-03-20'), duration: '5 working days' });
    expect(due.provisional).toEqual(['2031-03-24', '2031-03-25']);
  });

  it('should list a provisional holiday on the day after the due date, which an announcement a day earlier brings in', () => {
    // A working-day clock resumed on Sunday 23 March with nothing left ends that day; the holiday
    // computed for Monday 24 could be announced for Sunday, which changes nothing, or be the trigger.
    const edge = resumeDue(calendar, 'working_days', at('2031-03-23'), { days: 0, ms: 0 });
    expect(edge).toMatchObject({ dueDate: '2031-03-23', provisional: ['2031-03-24'] });
    // Three working days from Tuesday 18 March end Friday 21: the next day is a Saturday.
    expect(computeDue({ calendar, from: at('2031-03-18'), duration: '3 working days' }).provisional).toEqual([]);
  });

  it('should list none for a calendar-day period kept where it ends, holidays or not', () => {
    expect(computeDue({ calendar, from: at('2031-03-20'), duration: '5 days', endOnNonWorkingDay: 'keep' }).provisional).toEqual([]);
  });

  it('should list the provisional days an extended end jumps over', () => {
    const due = computeDue({ calendar, from: at('2031-03-20'), duration: '4 days', endOnNonWorkingDay: 'extend' });
    expect(due).toMatchObject({ dueDate: '2031-03-26', extendedFrom: '2031-03-24', provisional: ['2031-03-24', '2031-03-25'] });
  });

  it('should list none when the holidays crossed are official, and none once the provisional one is announced', () => {
    expect(computeDue({ calendar, from: at('2031-05-28'), duration: '5 working days' }).provisional).toEqual([]);
    const announced: Calendar = { ...calendar, version: 2, religiousDates: calendar.religiousDates.map((d) => ({ ...d, status: 'official' as const })) };
    expect(computeDue({ calendar: announced, from: at('2031-03-20'), duration: '5 working days' }).provisional).toEqual([]);
  });
});
