import type { Calendar } from '../../../definitions/calendar';
import { daysOffInYear, isWorkingDay, nonWorkingReason, recordClosure, recordHoliday, religiousDateOf } from '../../../definitions/calendar';
import { loadCalendar } from '../../../definitions/calendar-file';
import { provisionalHolidayStart } from '../../../definitions/islamic-dates';

const calendar: Calendar = loadCalendar('ma-administration');

describe('isWorkingDay and nonWorkingReason', () => {
  it('should open Monday to Friday and close the weekend', () => {
    expect(isWorkingDay(calendar, '2025-10-13')).toBe(true); // Monday
    expect(isWorkingDay(calendar, '2025-10-17')).toBe(true); // Friday
    expect(nonWorkingReason(calendar, '2025-10-18')).toEqual({ kind: 'weekend', weekday: 'saturday', name: { fr: 'samedi', ar: 'السبت' } });
    expect(nonWorkingReason(calendar, '2025-10-19')?.kind).toBe('weekend');
  });

  it.each([
    ['2025-01-01', 'new_year'],
    ['2025-01-11', 'independence_manifesto'],
    ['2025-01-14', 'amazigh_new_year'],
    ['2025-05-01', 'labour_day'],
    ['2025-07-30', 'throne_day'],
    ['2025-08-14', 'oued_eddahab'],
    ['2025-08-20', 'revolution_day'],
    ['2025-08-21', 'youth_day'],
    ['2025-11-06', 'green_march'],
    ['2025-11-18', 'independence_day'],
  ])('should close on the fixed holiday %s (%s)', (date, holiday) => {
    expect(nonWorkingReason(calendar, date)).toEqual(expect.objectContaining({ kind: 'holiday', holiday, status: 'official' }));
  });

  it('should apply the Amazigh New Year only from 2024', () => {
    // 14 January 2026 is a Wednesday, 14 January 2022 a Friday.
    expect(nonWorkingReason(calendar, '2026-01-14')).toEqual(expect.objectContaining({ holiday: 'amazigh_new_year' }));
    expect(isWorkingDay(calendar, '2022-01-14')).toBe(true);
  });

  it('should close both official days of Eid al-Fitr 2025 and open the day after', () => {
    expect(nonWorkingReason(calendar, '2025-03-31')).toEqual(
      expect.objectContaining({ kind: 'holiday', holiday: 'eid_al_fitr', status: 'official', day: 1, days: 2, hijriYear: 1446 }),
    );
    expect(nonWorkingReason(calendar, '2025-04-01')).toEqual(expect.objectContaining({ holiday: 'eid_al_fitr', day: 2 }));
    expect(isWorkingDay(calendar, '2025-04-02')).toBe(true);
    expect(isWorkingDay(calendar, '2025-03-28')).toBe(true);
  });

  it('should report the exceptional closure of Monday 9 June 2025', () => {
    expect(nonWorkingReason(calendar, '2025-06-09')).toEqual(expect.objectContaining({ kind: 'closure' }));
  });

  it('should mark computed religious holidays as provisional', () => {
    const fitr2027 = religiousDateOf(calendar, 'eid_al_fitr', 1448);
    expect(fitr2027.status).toBe('provisional');
    expect(nonWorkingReason(calendar, fitr2027.start)).toEqual(expect.objectContaining({ holiday: 'eid_al_fitr', status: 'provisional', day: 1 }));
  });

  it('should compute provisional dates for years the file does not list', () => {
    // Umm al-Qura puts 1 Shawwal 1455 on 2033-12-23 (a Friday); Morocco's provisional rule adds a day.
    expect(religiousDateOf(calendar, 'eid_al_fitr', 1455)).toEqual(expect.objectContaining({ start: '2033-12-24', status: 'provisional' }));
    expect(nonWorkingReason(calendar, '2033-12-25')).toEqual(expect.objectContaining({ holiday: 'eid_al_fitr', day: 2 }));
  });

  it('should reject a date that is not YYYY-MM-DD', () => {
    expect(() => isWorkingDay(calendar, '2025-02-30')).toThrow('"2025-02-30" is not a date written YYYY-MM-DD');
  });

  it('should list the holidays and closures of a year in order', () => {
    const days = daysOffInYear(calendar, 2025).filter((d) => d.date.startsWith('2025-06'));
    expect(days.map((d) => d.date)).toEqual(expect.arrayContaining(['2025-06-07', '2025-06-08', '2025-06-09']));
    const dates = daysOffInYear(calendar, 2025).map((d) => d.date);
    expect(dates).toEqual([...dates].sort());
  });
});

describe('the shipped ma-administration calendar', () => {
  it('should use the Casablanca time zone and the Saturday-Sunday weekend', () => {
    expect(calendar.timeZone).toBe('Africa/Casablanca');
    expect(calendar.weekend).toEqual(['saturday', 'sunday']);
  });

  it('should date every religious holiday of 2024 to 2030 explicitly', () => {
    for (let year = 2024; year <= 2030; year++) {
      const holidays = calendar.religiousDates.filter((d) => d.start.startsWith(`${year}-`)).map((d) => d.holiday);
      expect({ year, holidays: [...new Set(holidays)].sort() }).toEqual({
        year,
        holidays: ['eid_al_adha', 'eid_al_fitr', 'islamic_new_year', 'mawlid'],
      });
    }
  });

  it('should keep each provisional date equal to the Umm al-Qura date plus the calendar offset', () => {
    for (const entry of calendar.religiousDates.filter((d) => d.status === 'provisional')) {
      const def = calendar.religiousHolidays[entry.holiday];
      expect(def).toBeDefined();
      if (!def) continue;
      expect({ entry: `${entry.holiday} ${entry.hijriYear}`, start: entry.start }).toEqual({
        entry: `${entry.holiday} ${entry.hijriYear}`,
        start: provisionalHolidayStart(def.hijri, entry.hijriYear, calendar.provisional.offsetDays),
      });
    }
  });

  it('should record the official 2025 Eid dates', () => {
    expect(calendar.religiousDates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ holiday: 'eid_al_fitr', hijriYear: 1446, start: '2025-03-31', status: 'official' }),
        expect.objectContaining({ holiday: 'eid_al_adha', hijriYear: 1446, start: '2025-06-07', status: 'official' }),
      ]),
    );
  });
});

describe('recordHoliday', () => {
  it('should replace the provisional date with the announced one and bump the version', () => {
    const before = religiousDateOf(calendar, 'eid_al_adha', 1447);
    const after = recordHoliday(calendar, { holiday: 'eid_al_adha', hijriYear: 1447, start: '2026-05-27', source: 'communiqué' });
    expect(after.version).toBe(calendar.version + 1);
    expect(after.religiousDates).toHaveLength(calendar.religiousDates.length);
    expect(religiousDateOf(after, 'eid_al_adha', 1447)).toEqual({
      holiday: 'eid_al_adha',
      hijriYear: 1447,
      start: '2026-05-27',
      status: 'official',
      source: 'communiqué',
    });
    expect(nonWorkingReason(after, '2026-05-27')).toEqual(expect.objectContaining({ holiday: 'eid_al_adha', status: 'official', day: 1 }));
    // The original calendar is untouched.
    expect(religiousDateOf(calendar, 'eid_al_adha', 1447)).toEqual(before);
  });

  it('should free the provisional day that the announcement moved away from', () => {
    // Provisional Eid al-Adha 1447: Thursday 28 + Friday 29 May 2026. Announced: Wednesday 27.
    expect(religiousDateOf(calendar, 'eid_al_adha', 1447).start).toBe('2026-05-28');
    const after = recordHoliday(calendar, { holiday: 'eid_al_adha', hijriYear: 1447, start: '2026-05-27' });
    expect(isWorkingDay(calendar, '2026-05-27')).toBe(true);
    expect(isWorkingDay(after, '2026-05-28')).toBe(false);
    expect(isWorkingDay(after, '2026-05-29')).toBe(true);
  });

  it('should add an entry for a Hijri year the file did not list', () => {
    const after = recordHoliday(calendar, { holiday: 'islamic_new_year', hijriYear: 1453, start: '2031-04-24' });
    expect(after.religiousDates).toHaveLength(calendar.religiousDates.length + 1);
    expect(nonWorkingReason(after, '2031-04-24')).toEqual(expect.objectContaining({ holiday: 'islamic_new_year', status: 'official' }));
  });

  it('should refuse to overwrite an official date with a provisional one', () => {
    expect(() => recordHoliday(calendar, { holiday: 'eid_al_fitr', hijriYear: 1446, start: '2025-03-30', status: 'provisional' })).toThrow(
      'calendar ma-administration: eid_al_fitr 1446: already official (2025-03-31); record the correction with status official',
    );
  });

  it('should name the known holidays when the holiday is unknown', () => {
    expect(() => recordHoliday(calendar, { holiday: 'eid_el_fitr', hijriYear: 1447, start: '2026-03-21' })).toThrow(
      'unknown religious holiday (known: islamic_new_year, mawlid, eid_al_fitr, eid_al_adha)',
    );
  });

  it('should refuse a date far from the expected one, as for a wrong Hijri year', () => {
    expect(() => recordHoliday(calendar, { holiday: 'eid_al_fitr', hijriYear: 1448, start: '2026-03-21' })).toThrow(
      /2026-03-21 is too far from the expected 2027-03-10; check the date and the Hijri year/,
    );
  });
});

describe('recordClosure', () => {
  it('should close the day and bump the version', () => {
    const after = recordClosure(calendar, { date: '2025-12-26', name: { fr: 'Fermeture exceptionnelle', ar: 'عطلة استثنائية' } });
    expect(after.version).toBe(calendar.version + 1);
    expect(nonWorkingReason(after, '2025-12-26')).toEqual({ kind: 'closure', cause: 'holiday', name: { fr: 'Fermeture exceptionnelle', ar: 'عطلة استثنائية' } });
    expect(isWorkingDay(calendar, '2025-12-26')).toBe(true);
  });

  it('should refuse a day that is already a closure', () => {
    expect(() => recordClosure(calendar, { date: '2025-06-09', name: { fr: 'x', ar: 'x' } })).toThrow('2025-06-09 is already a closure for the whole country');
  });

  it('should refuse an impossible date', () => {
    expect(() => recordClosure(calendar, { date: '2025-13-01', name: { fr: 'x', ar: 'x' } })).toThrow('must be a real date written YYYY-MM-DD');
  });
});
