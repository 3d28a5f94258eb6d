/** The level test logs print at: warn unless LOG_LEVEL (the services' pino names) says otherwise. */
import { printedLevel } from '../../support/test-logs';

describe('printedLevel', () => {
  it.each([
    [undefined, 'WARN'],
    ['', 'WARN'],
    ['warn', 'WARN'],
    ['nonsense', 'WARN'],
    ['info', 'INFO'],
    [' DEBUG ', 'DEBUG'],
    ['trace', 'TRACE'],
    ['error', 'ERROR'],
    ['fatal', 'ERROR'],
    ['silent', 'SILENT'],
  ])('should print LOG_LEVEL=%j at %s', (level, expected) => {
    expect(printedLevel(level)).toBe(expected);
  });
});
