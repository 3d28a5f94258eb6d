/**
 * The one argument parser of `masar` commands: node:util `parseArgs` in strict mode, with its
 * errors rewritten as `UsageError`s that name the option and the fix (printed with the command's
 * usage, exit 2), and the count of positional arguments checked in one place.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';

/** Declared options, as `parseArgs` takes them: `{ out: { type: 'string' }, json: { type: 'boolean', default: false } }`. */
export type OptionsSpec = NonNullable<ParseArgsConfig['options']>;

type Config<O extends OptionsSpec> = { args: string[]; options: O; strict: true; allowPositionals: true };

/** The typed values of `O`: a string option is `string | undefined` unless it has a default. */
export type OptionValues<O extends OptionsSpec> = ReturnType<typeof parseArgs<Config<O>>>['values'];

/** How many positional arguments a command takes, and what to call them in errors. */
export interface PositionalsSpec {
  /** e.g. `one procedure file (or shipped procedure id)`. */
  name: string;
  /** @default 0 */
  min?: number;
  /** @default min */
  max?: number;
}

export interface ParsedArgs<O extends OptionsSpec> {
  values: OptionValues<O>;
  positionals: string[];
}

/** node's message for each parse error, rewritten: what is wrong with which option, and the fix. */
function usageMessage(err: Error & { code?: string }): string {
  // node quotes the option first: 'Unknown option '--x'', 'Option '-o, --out <value>' argument missing'.
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const name = /--[\w-]+/.exec(quoted)?.[0] ?? quoted.split(/[ ,]/)[0] ?? quoted;
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option "${quoted}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/ambiguous/.test(err.message)) return `${name}: a value starting with "-" is written ${name}=<value>`;
      if (/does not take an argument/.test(err.message)) return `${name} takes no value`;
      return `${name} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}"`;
    default:
      return err.message;
  }
}

/**
 * Parses `args` against `options` (strict: unknown options are errors) and checks the number of
 * positional arguments against `positionals` (none when omitted).
 * @throws UsageError naming the option or argument at fault.
 */
export function parseCommandArgs<const O extends OptionsSpec>(
  args: readonly string[],
  options: O,
  positionals: PositionalsSpec = { name: 'arguments', max: 0 },
): ParsedArgs<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true } as Config<O>);
  } catch (err) {
    throw new UsageError(usageMessage(err as Error & { code?: string }));
  }
  const min = positionals.min ?? 0;
  const max = positionals.max ?? min;
  const got = parsed.positionals;
  if (got.length < min) throw new UsageError(`name ${positionals.name}`);
  if (got.length > max) {
    throw new UsageError(max === 0 ? `unexpected argument "${got[0]}"` : `${positionals.name} only, got ${got.map((p) => `"${p}"`).join(', ')}`);
  }
  return { values: parsed.values, positionals: got };
}

/** `value` when it is one of `allowed`, else a usage error naming the option and the choices. */
export function oneOf<const T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${option} "${value}": must be one of ${allowed.join(', ')}`);
}
