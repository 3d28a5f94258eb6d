import { gregorianToHijri, hijriToGregorian, hijriYearsOverlapping } from '../../../definitions/islamic-dates';
import { addMonths, endOfLocalDay, isLocalDate, localDateOf, offsetAt, startOfLocalDay } from '../../../definitions/local-time';

const zone = 'Africa/Casablanca';

describe('Africa/Casablanca conversions', () => {
  it('should know the offset is +01:00, then +00:00 during Ramadan 2025', () => {
    expect(offsetAt(new Date('2025-02-23T01:59:59Z'), zone)).toBe(3_600_000);
    expect(offsetAt(new Date('2025-02-23T02:00:00Z'), zone)).toBe(0);
    expect(offsetAt(new Date('2025-04-06T01:59:59Z'), zone)).toBe(0);
    expect(offsetAt(new Date('2025-04-06T02:00:00Z'), zone)).toBe(3_600_000);
  });

  it('should give the local date of an instant near midnight', () => {
    expect(localDateOf(new Date('2025-10-09T23:30:00Z'), zone)).toBe('2025-10-10');
    expect(localDateOf(new Date('2025-03-10T23:30:00Z'), zone)).toBe('2025-03-10');
  });

  it('should find local midnight on either side of a change', () => {
    expect(startOfLocalDay('2025-02-22', zone).toISOString()).toBe('2025-02-21T23:00:00.000Z');
    expect(startOfLocalDay('2025-03-10', zone).toISOString()).toBe('2025-03-10T00:00:00.000Z');
    expect(startOfLocalDay('2025-04-07', zone).toISOString()).toBe('2025-04-06T23:00:00.000Z');
  });

  it('should end the 25-hour and the 23-hour days at local 23:59:59.999', () => {
    // 23 February 2025 starts at +01:00 and ends at +00:00; 6 April the other way round.
    expect(endOfLocalDay('2025-02-23', zone).toISOString()).toBe('2025-02-23T23:59:59.999Z');
    expect(endOfLocalDay('2025-04-06', zone).toISOString()).toBe('2025-04-06T22:59:59.999Z');
  });

  it('should reject an unknown time zone with the fix', () => {
    expect(() => localDateOf(new Date(), 'Africa/Casablance')).toThrow('time zone "Africa/Casablance": unknown to Intl');
  });
});

describe('local dates', () => {
  it('should accept only real dates', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2025-02-29')).toBe(false);
    expect(isLocalDate('2025-4-1')).toBe(false);
  });

  it('should clamp month arithmetic to the end of the month', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
  });
});

describe('Umm al-Qura dates', () => {
  it('should convert known dates both ways', () => {
    // Saudi Arabia (Umm al-Qura) celebrated Eid al-Fitr 1446 on 30 March 2025, Eid al-Adha on 6 June 2025.
    expect(hijriToGregorian({ year: 1446, month: 10, day: 1 })).toBe('2025-03-30');
    expect(hijriToGregorian({ year: 1446, month: 12, day: 10 })).toBe('2025-06-06');
    expect(hijriToGregorian({ year: 1400, month: 1, day: 1 })).toBe('1979-11-21');
    expect(gregorianToHijri('2025-03-30')).toEqual({ year: 1446, month: 10, day: 1 });
  });

  it('should list the Hijri years overlapping a Gregorian year', () => {
    expect(hijriYearsOverlapping(2025)).toEqual([1446, 1447]);
  });

  it('should reject an impossible Hijri date', () => {
    expect(() => hijriToGregorian({ year: 1446, month: 13, day: 1 })).toThrow('month must be 1-12');
  });
});
