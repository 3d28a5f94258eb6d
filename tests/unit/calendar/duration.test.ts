import { countingProblem, DurationError, effectiveDuration, formatDuration, parseDuration } from '../../../definitions/duration';

const zero = { kind: 'calendar', years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 } as const;

describe('parseDuration', () => {
  it.each([
    ['P60D', { ...zero, days: 60 }],
    ['P2M', { ...zero, months: 2 }],
    ['P3W', { ...zero, weeks: 3 }],
    ['PT30S', { ...zero, seconds: 30 }],
    ['P1Y2M3DT4H5M6S', { kind: 'calendar', years: 1, months: 2, weeks: 0, days: 3, hours: 4, minutes: 5, seconds: 6 }],
    ['PT1H30M', { ...zero, hours: 1, minutes: 30 }],
    ['20 working days', { kind: 'working_days', days: 20 }],
    ['1 working day', { kind: 'working_days', days: 1 }],
    ['60 days', { ...zero, days: 60 }],
    ['1 day', { ...zero, days: 1 }],
    ['30 calendar days', { ...zero, days: 30 }],
  ])('should read %s', (spec, expected) => {
    expect(parseDuration(spec)).toEqual(expected);
  });

  it.each([
    ['', /duration "": not understood/],
    ['P', /not understood/],
    ['PT', /not understood/],
    ['P1.5D', /not understood/],
    ['20 workdays', /not understood; write an ISO 8601 duration/],
    ['60d', /did you mean "P60D" or "60 days"\?/],
    ['p60d', /ISO durations are upper case/],
    ['P30S', /follow a T: "PT30S"/],
    ['-1 days', /not understood/],
    ['20 jours ouvrables', /not understood/],
  ])('should reject %j with a message naming it and the accepted forms', (spec, message) => {
    expect(() => parseDuration(spec)).toThrow(DurationError);
    expect(() => parseDuration(spec)).toThrow(message);
  });
});

describe('countingProblem', () => {
  it('should accept whole days under working-day counting', () => {
    expect(countingProblem('P20D', 'working_days')).toBeUndefined();
    expect(countingProblem('20 days', 'working_days')).toBeUndefined();
    expect(countingProblem('20 working days', 'working_days')).toBeUndefined();
  });

  it('should accept anything parseable when the clock does not say how it counts', () => {
    expect(countingProblem('PT30S', undefined)).toBeUndefined();
    expect(countingProblem('20 working days', undefined)).toBeUndefined();
  });

  it.each([
    ['PT30S', 'working_days', /"PT30S" cannot be counted in working days/],
    ['P2M', 'working_days', /cannot be counted in working days/],
    ['P3W', 'working_days', /cannot be counted in working days/],
    ['P1DT2H', 'working_days', /cannot be counted in working days/],
    ['30 calendar days', 'working_days', /says calendar days but the clock says counting: working_days/],
    ['20 working days', 'calendar', /write "20 days" or drop counting/],
    ['20 workdays', 'calendar', /not understood/],
  ] as const)('should report %s counted as %s', (spec, counting, message) => {
    expect(countingProblem(spec, counting)).toMatch(message);
  });
});

describe('effectiveDuration', () => {
  it('should turn an ISO P20D into 20 working days on a working-day clock', () => {
    expect(effectiveDuration('P20D', 'working_days')).toEqual({ kind: 'working_days', days: 20 });
  });

  it('should keep P20D in calendar days otherwise', () => {
    expect(effectiveDuration('P20D')).toEqual({ ...zero, days: 20 });
    expect(effectiveDuration('P20D', 'calendar')).toEqual({ ...zero, days: 20 });
  });

  it('should throw the counting problem as a DurationError', () => {
    expect(() => effectiveDuration('PT30S', 'working_days')).toThrow(DurationError);
  });
});

describe('formatDuration', () => {
  it('should write durations back in definition form', () => {
    expect(formatDuration(parseDuration('1 working day'))).toBe('1 working day');
    expect(formatDuration(parseDuration('20 working days'))).toBe('20 working days');
    expect(formatDuration(parseDuration('60 days'))).toBe('P60D');
    expect(formatDuration(parseDuration('P1Y2M3DT4H5M6S'))).toBe('P1Y2M3DT4H5M6S');
    expect(formatDuration(parseDuration('PT30S'))).toBe('PT30S');
    expect(formatDuration(parseDuration('0 days'))).toBe('P0D');
  });
});
