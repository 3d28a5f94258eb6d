/**
 * Closures national or limited to units (a province, a region, a commune and its arrondissements),
 * for force majeure as well as exceptional days off; and the shipped calendar's sourced days off.
 */
import type { Calendar } from '../../../definitions/calendar';
import { calendarForUnits, daysOffInYear, isWorkingDay, nonWorkingReason, recordClosure } from '../../../definitions/calendar';
import { loadCalendar } from '../../../definitions/calendar-file';
import { CalendarError, validateCalendar } from '../../../definitions/calendar-schema';
import { computeDue } from '../../../definitions/deadline';
import { addDays } from '../../../definitions/local-time';

const shipped: Calendar = loadCalendar('ma-administration');
const flood = { date: '2027-02-08', until: '2027-02-10', name: { fr: 'Inondations', ar: 'فيضانات' }, cause: 'force_majeure' as const, units: ['01.511'] };
const closed = recordClosure(shipped, flood);
// A case at an arrondissement of Tanger: its commune, prefecture, region and the ministry.
const tangerMedina = ['01.511.01.11', '01.511.01.01', '01.511', '01', 'DGCT'];
const asilah = ['01.511.01.03', '01.511', '01', 'DGCT'];
const alHaouz = ['07.041.01.01', '07.041', '07', 'DGCT'];

describe('closures limited to units', () => {
  it('should close the days for the units below the province and nowhere else', () => {
    for (let date = '2027-02-08'; date <= '2027-02-10'; date = addDays(date, 1)) {
      for (const units of [tangerMedina, asilah]) {
        expect(nonWorkingReason(calendarForUnits(closed, units), date)).toEqual({ kind: 'closure', cause: 'force_majeure', name: flood.name, units: ['01.511'] });
      }
      expect(isWorkingDay(calendarForUnits(closed, alHaouz), date)).toBe(true);
      expect(isWorkingDay(closed, date)).toBe(true);
    }
    expect(isWorkingDay(calendarForUnits(closed, asilah), '2027-02-11')).toBe(true);
  });

  it('should move a deadline of a case in the province by the three days, and no other', () => {
    const from = new Date('2027-02-01T10:00:00+01:00');
    const duration = '10 working days';
    const plain = computeDue({ calendar: calendarForUnits(closed, alHaouz), from, duration });
    const moved = computeDue({ calendar: calendarForUnits(closed, tangerMedina), from, duration });
    expect(plain.dueDate).toBe('2027-02-15');
    expect(moved.dueDate).toBe('2027-02-18');
    expect(moved.skipped.filter((s) => s.reason.kind === 'closure').map((s) => s.date)).toEqual(['2027-02-08', '2027-02-09', '2027-02-10']);
  });

  it('should reach the arrondissements of a commune closed on its own', () => {
    const commune = recordClosure(shipped, { date: '2027-02-08', name: flood.name, units: ['01.511.01.01'] });
    expect(isWorkingDay(calendarForUnits(commune, tangerMedina), '2027-02-08')).toBe(false);
    expect(isWorkingDay(calendarForUnits(commune, asilah), '2027-02-08')).toBe(true);
  });

  it('should keep national closures national, with the holiday cause by default', () => {
    const national = recordClosure(shipped, { date: '2027-02-08', name: { fr: 'Congé', ar: 'عطلة' } });
    for (const units of [tangerMedina, alHaouz, undefined]) {
      expect(nonWorkingReason(calendarForUnits(national, units), '2027-02-08')).toMatchObject({ kind: 'closure', cause: 'holiday' });
    }
  });

  it('should refuse the same units closed twice on a common day, but not other units', () => {
    expect(() => recordClosure(closed, { ...flood, date: '2027-02-10', until: '2027-02-12' })).toThrow('2027-02-08 to 2027-02-10 is already a closure for units 01.511');
    expect(isWorkingDay(calendarForUnits(recordClosure(closed, { ...flood, units: ['07.041'] }), alHaouz), '2027-02-09')).toBe(false);
  });

  it.each([
    [{ ...flood, until: '2027-02-01' }, 'closure until 2027-02-01 is before date 2027-02-08'],
    [{ ...flood, until: '2027-04-30' }, 'a closure is at most 31 days'],
    [{ ...flood, units: ['Tanger'] }, 'closure units[0]: must be a unit code of the directory'],
    [{ ...flood, units: [] }, 'closure units'],
    [{ ...flood, cause: 'flood' as 'holiday' }, 'closure cause'],
    [{ ...flood, date: '2027-02-30' }, 'closure date'],
  ])('should refuse a bad closure (%o), saying what', (closure, message) => {
    expect(() => recordClosure(shipped, closure)).toThrow(message);
  });

  it('should write a limited closure to the file and read it back the same', () => {
    const text = JSON.parse(JSON.stringify(closed)) as unknown;
    expect(validateCalendar(text, 'x.yaml').closures).toEqual(closed.closures);
    expect(() => validateCalendar({ ...(text as object), closures: [{ ...flood, units: ['x'] }] }, 'x.yaml')).toThrow(CalendarError);
  });
});

describe('the shipped calendar', () => {
  it('should have 31 October (Aïd Al Wahda) from 2026 only, with its decree', () => {
    expect(nonWorkingReason(shipped, '2026-10-30')).toBeUndefined();
    expect(nonWorkingReason(shipped, '2026-10-31')).toMatchObject({ kind: 'holiday', holiday: 'aid_al_wahda', status: 'official' }); // a Saturday, still a holiday
    expect(nonWorkingReason(shipped, '2025-10-31')).toBeUndefined();
    expect(nonWorkingReason(shipped, '2029-10-31')).toMatchObject({ holiday: 'aid_al_wahda' });
    expect(shipped.fixedHolidays.aid_al_wahda?.source).toContain('2.25.1140');
    expect(shipped.legalBasis.map((b) => b.law).join(' ')).toMatch(/2-77-169.*2-05-916/);
  });

  it('should record every religious holiday before today as official with a source, except those marked unconfirmed', () => {
    const past = shipped.religiousDates.filter((d) => d.start < '2026-11-28');
    expect(past.length).toBeGreaterThanOrEqual(12);
    for (const d of past) {
      expect(d.source).toBeTruthy();
      if (d.status === 'provisional') expect(d.source).toContain('NOT CONFIRMED');
    }
    expect(past.filter((d) => d.status === 'official').map((d) => `${d.holiday} ${d.start}`)).toEqual(
      expect.arrayContaining(['eid_al_fitr 2024-04-10', 'islamic_new_year 2024-07-07', 'eid_al_fitr 2025-03-31', 'eid_al_adha 2025-06-07']),
    );
  });

  it('should close Friday 12 April 2024 and Monday 9 June 2025 with their sources', () => {
    const off = daysOffInYear(shipped, 2024).map((d) => `${d.date} ${d.reason.kind}`);
    expect(off).toEqual(expect.arrayContaining(['2024-04-10 holiday', '2024-04-11 holiday', '2024-04-12 closure']));
    expect(nonWorkingReason(shipped, '2025-06-09')).toMatchObject({ kind: 'closure', cause: 'holiday' });
    for (const c of shipped.closures) expect(c.source).toMatch(/2\.05\.916/);
  });
});
