import { loadProcedureSource } from '../../../definitions/load';
import { SIMPLE } from '../../support/procedures';

/** SIMPLE with its decision clock replaced: `clock` is the YAML of the clock's extra keys. */
const withClock = (duration: string, extra = ''): string =>
  SIMPLE.replace('    duration: 10 working days\n', `    duration: ${duration}\n${extra}`);

describe('deadlines above the 60-day ceiling of law 55-19', () => {
  // [duration, extra clock keys, warned]
  const table: [string, string, boolean][] = [
    ['10 working days', '', false],
    ['60 days', '', false],
    ['P60D', '', false],
    ['61 days', '', true],
    ['P2M', '', true],
    ['P1Y', '', true],
    ['43 working days', '', true],
    ['42 working days', '', false],
    ['30 working days', '    extension: { by: 20 working days }\n', true],
    ['20 working days', '    extension: { by: 20 working days }\n', false],
    ['30 days', '    extension: { by: 20 days, max: 2 }\n', true],
    ['P3M', '    basis: Loi 12-90, art. 48\n', false],
    ['90 working days', '    basis: "Décret 2-17-265"\n', false],
  ];
  it.each(table)('should warn about %s %j: %s', (duration, extra, warned) => {
    const loaded = loadProcedureSource(withClock(duration, extra), 'inline.yaml');
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
    expect(loaded.warnings.length > 0).toBe(warned);
    if (warned) {
      expect(loaded.warnings[0]).toEqual(expect.objectContaining({ path: 'clocks.decision.duration', line: expect.any(Number) }));
      expect(loaded.warnings[0]?.message).toMatch(/above the 60-day ceiling of law 55-19/);
      expect(loaded.warnings[0]?.hint).toMatch(/basis/);
    }
  });
});
