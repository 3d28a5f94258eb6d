/** One argument parser for every command: the same errors, naming the option, with the usage and exit 2. */
import { oneOf, parseCommandArgs } from '../../../cli/args';
import { UsageError } from '../../../cli/command';
import { masar } from './capture';

describe('parseCommandArgs', () => {
  const options = { out: { type: 'string', short: 'o' }, json: { type: 'boolean', default: false } } as const;

  it('should give typed values and positionals', () => {
    const parsed = parseCommandArgs(['a.yaml', '-o', 'x', '--json'], options, { name: 'one file', min: 1 });
    expect(parsed).toEqual({ values: { out: 'x', json: true }, positionals: ['a.yaml'] });
    expect(parseCommandArgs(['--out=-5'], options).values.out).toBe('-5');
  });

  it.each([
    [['--bogus'], 'unknown option "--bogus"'],
    [['-x'], 'unknown option "-x"'],
    [['--out'], '--out needs a value'],
    [['--json=yes'], '--json takes no value'],
    [['--out', '-5'], '--out: a value starting with "-" is written --out=<value>'],
    [['stray'], 'unexpected argument "stray"'],
  ])('should refuse %j saying %s', (args, message) => {
    expect(() => parseCommandArgs(args, options)).toThrow(new UsageError(message));
  });

  it('should count positional arguments', () => {
    expect(() => parseCommandArgs([], options, { name: 'one procedure file', min: 1 })).toThrow(new UsageError('name one procedure file'));
    expect(() => parseCommandArgs(['a', 'b'], options, { name: 'one procedure file', min: 1 })).toThrow(
      new UsageError('one procedure file only, got "a", "b"'),
    );
    expect(parseCommandArgs(['a', 'b', 'c'], options, { name: 'files', min: 1, max: Infinity }).positionals).toHaveLength(3);
  });

  it('should name the option and the choices of a value outside its list', () => {
    expect(oneOf('format', 'svg', ['mermaid', 'svg'] as const)).toBe('svg');
    expect(() => oneOf('format', 'png', ['mermaid', 'svg'])).toThrow(new UsageError('--format "png": must be one of mermaid, svg'));
  });
});

describe('every masar command', () => {
  it.each([
    ['validate'],
    ['compile'],
    ['diagram'],
    ['simulate'],
    ['deadline'],
    ['token'],
    ['migrate'],
    ['render-templates'],
    ['calendar', 'show'],
    ['directory', 'import'],
    ['directory', 'seed'],
    ['journal', 'verify'],
  ])('should refuse an unknown option the same way: masar %s', async (...command) => {
    const { code, err } = await masar([...command, 'x.yaml', '--no-such-option'], { env: {} });
    expect(code).toBe(2);
    expect(err[0]).toBe(`masar ${command[0]}: unknown option "--no-such-option"`);
    expect(err[1]).toMatch(/^usage: masar /);
  });
});
