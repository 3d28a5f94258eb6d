/** Suspending and resuming clocks: expected values worked out by hand on the 2025 calendar. */
import { loadCalendar } from '../../../definitions/calendar-file';
import { computeDue, remainingTime, remainingWorkingDays, resumeDue } from '../../../definitions/deadline';

const calendar = loadCalendar('ma-administration');

describe('remainingWorkingDays', () => {
  it('should count the working days after today up to the due date', () => {
    // From Wednesday 15 October: 16, 17, 20-24, 27-31 October and Monday 3 November.
    expect(remainingWorkingDays(calendar, new Date('2025-10-15T11:00:00+01:00'), new Date('2025-11-03T22:59:59.999Z'))).toBe(13);
  });

  it('should not count holidays in between', () => {
    // From Wednesday 5 November to Friday 21 November: 7, 10-14, 17, 19-21 (6 and 18 are holidays).
    expect(remainingWorkingDays(calendar, new Date('2025-11-05T10:00:00+01:00'), new Date('2025-11-21T22:59:59.999Z'))).toBe(10);
  });

  it('should be 0 on the due date itself and after it', () => {
    const due = new Date('2025-10-15T22:59:59.999Z');
    expect(remainingWorkingDays(calendar, new Date('2025-10-15T08:00:00+01:00'), due)).toBe(0);
    expect(remainingWorkingDays(calendar, new Date('2025-10-20T08:00:00+01:00'), due)).toBe(0);
  });
});

describe('suspend and resume', () => {
  it('should keep the remaining working days and count them again from the resumption', () => {
    const started = computeDue({ from: new Date('2025-10-06T10:00:00+01:00'), duration: '20 working days', calendar });
    expect(started.dueDate).toBe('2025-11-03');
    const kept = remainingTime(calendar, 'working_days', new Date('2025-10-15T11:00:00+01:00'), started.due);
    expect(kept.days).toBe(13);
    // Resumed Monday 10 November: 11-14 (4), 17 (5), 18 is Independence Day, 19-21 (8), 24-28 (13).
    const resumed = resumeDue(calendar, 'working_days', new Date('2025-11-10T09:00:00+01:00'), kept);
    expect(resumed.dueDate).toBe('2025-11-28');
    expect(resumed.due.toISOString()).toBe('2025-11-28T22:59:59.999Z');
    expect(resumed.skipped.map((s) => s.date)).toEqual(['2025-11-15', '2025-11-16', '2025-11-18', '2025-11-22', '2025-11-23']);
  });

  it('should give a clock suspended on its last day until the end of the resumption day', () => {
    const kept = remainingTime(calendar, 'working_days', new Date('2025-11-03T09:00:00+01:00'), new Date('2025-11-03T22:59:59.999Z'));
    expect(kept.days).toBe(0);
    expect(resumeDue(calendar, 'working_days', new Date('2025-11-12T15:00:00+01:00'), kept).due.toISOString()).toBe('2025-11-12T22:59:59.999Z');
  });

  it('should keep the remaining milliseconds of a calendar clock', () => {
    const kept = remainingTime(calendar, 'calendar', new Date('2025-10-16T22:59:59.999Z'), new Date('2025-10-26T22:59:59.999Z'));
    expect(kept).toEqual({ days: 10, ms: 10 * 86_400_000 });
    const resumed = resumeDue(calendar, 'calendar', new Date('2025-11-01T10:00:00Z'), kept);
    expect(resumed.due.toISOString()).toBe('2025-11-11T10:00:00.000Z');
    expect(resumed.dueDate).toBe('2025-11-11');
  });

  it('should resume a day-counted calendar clock on whole days, whatever the hour of resumption', () => {
    // Suspended Wednesday 15 April 2026 at 10:00, due Friday 5 June: 51 days remain.
    const kept = remainingTime(calendar, 'calendar', new Date('2026-04-15T10:00:00+01:00'), new Date('2026-06-05T23:59:59.999+01:00'));
    expect(kept.days).toBe(51);
    // Resumed a week later, a little later in the day than the suspension: 22 April + 51 days.
    const resumed = resumeDue(calendar, 'calendar', new Date('2026-04-22T10:00:05+01:00'), kept, { wholeDays: true });
    expect(resumed.dueDate).toBe('2026-06-12');
    expect(resumed.due.toISOString()).toBe('2026-06-12T22:59:59.999Z');
  });

  it('should keep nothing when suspended after the due instant', () => {
    expect(remainingTime(calendar, 'calendar', new Date('2025-10-27T10:00:00Z'), new Date('2025-10-26T22:59:59.999Z'))).toEqual({ days: 0, ms: 0 });
  });
});
