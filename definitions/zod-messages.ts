/**
 * Turns zod issues into the messages a definition author reads: `expected a number, got "abc"`,
 * `unknown key "lable"` with `did you mean "label"?`, `final state "refused" has no outcome`.
 * Walks the schema alongside the data to know which keys and values were allowed where.
 */
import type { z } from 'zod';
import type { KeyPath, Problem } from './errors';
import { Outcome } from './schema';
import { closest, didYouMean, humanList } from './suggest';

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;
type Def = { type: string } & Record<string, unknown>;

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

/** Strips wrappers (optional, default, lazy...) down to the schema that checks the value. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'lazy') current = (def.getter as () => Schema)();
    else if (['optional', 'default', 'nullable', 'readonly', 'prefault', 'catch', 'nonoptional'].includes(def.type)) {
      current = def.innerType as Schema;
    } else if (def.type === 'pipe') current = def.in as Schema;
    else return current;
  }
}

function shapeOf(schema: Schema): Record<string, Schema> | undefined {
  const def = defOf(unwrap(schema));
  return def.type === 'object' ? (def.shape as Record<string, Schema>) : undefined;
}

function literalValues(schema: Schema): unknown[] {
  const def = defOf(unwrap(schema));
  return def.type === 'literal' ? (def.values as unknown[]) : [];
}

/** For a discriminated union, the option the data's discriminator selects; otherwise `schema`. */
function resolveUnion(schema: Schema, data: unknown): Schema {
  const def = defOf(unwrap(schema));
  const discriminator = def.discriminator as string | undefined;
  if (def.type !== 'union' || !discriminator || !isObject(data)) return schema;
  const options = def.options as Schema[];
  return options.find((o) => literalValues(shapeOf(o)?.[discriminator] ?? o).includes(data[discriminator])) ?? schema;
}

/** The schema for one step down (`segment`) from `schema`, given the data at `schema`. */
function childSchema(schema: Schema, segment: string | number, data: unknown): Schema | undefined {
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case 'object':
      return (def.shape as Record<string, Schema>)[String(segment)];
    case 'record':
      return def.valueType as Schema;
    case 'array':
      return def.element as Schema;
    case 'union': {
      const resolved = resolveUnion(inner, data);
      const match = resolved !== inner ? resolved : (def.options as Schema[]).find((o) => shapeOf(o)?.[String(segment)]);
      return match ? childSchema(match, segment, data) : undefined;
    }
    default:
      return undefined;
  }
}

function schemaAt(root: Schema, path: KeyPath, data: unknown): Schema | undefined {
  let schema: Schema | undefined = root;
  let value = data;
  for (const segment of path) {
    if (!schema) return undefined;
    schema = childSchema(schema, segment, value);
    value = valueAt(value, [segment]);
  }
  return schema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(data: unknown, path: KeyPath): unknown {
  let value = data;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === 'number') value = value[segment];
    else if (isObject(value)) value = value[String(segment)];
    else return undefined;
  }
  return value;
}

/** `"abc"`, `12`, `a list`, `a mapping`, `nothing`: the value an author wrote, as they would say it. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

const quote = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : String(value));

/** A key that is required and absent; `state` is the value of the mapping that lacks it. */
function missingKey(path: KeyPath, state: unknown): Problem {
  const parent = path.slice(0, -1);
  const key = String(path[path.length - 1]);
  if (key === 'outcome' && parent.length === 2 && parent[0] === 'states' && isObject(state) && state.kind === 'final') {
    const name = String(parent[1]);
    const guess = Outcome.options.find((o) => o === name) ?? closest(name, Outcome.options);
    return {
      path: parent,
      at: 'key',
      message: `final state "${name}" has no outcome`,
      hint: guess ? `add outcome: ${guess}` : `add outcome: one of ${humanList(Outcome.options)}`,
    };
  }
  return { path: parent, at: 'key', message: `missing required key "${key}"` };
}

function oneOf(path: KeyPath, values: readonly unknown[], value: unknown): Problem {
  const names = values.map(String);
  const hint = typeof value === 'string' ? didYouMean(value, names) : undefined;
  const expected = values.length === 1 ? quote(values[0]) : `one of ${humanList(names)}`;
  const got = value === undefined ? 'nothing' : describeValue(value);
  return { path, at: 'value', message: `expected ${expected}, got ${got}`, ...(hint ? { hint } : {}) };
}

/** For a union no branch of which fits: the branch with fewest issues, or a list of the allowed forms. */
function describeUnion(issue: Issue & { code: 'invalid_union' }, schema: Schema, data: unknown, path: KeyPath): Problem[] {
  const value = valueAt(data, path);
  const own = schemaAt(schema, path, data);
  if (issue.errors.length === 0) {
    const discriminator = (issue as { discriminator?: string }).discriminator;
    const options = (issue as { options?: unknown[] }).options ?? [];
    if (discriminator && value === undefined) {
      return [{ ...missingKey(path, valueAt(data, path.slice(0, -1))), hint: `one of ${humanList(options.map(String))}` }];
    }
    return [oneOf(path, options, value)];
  }
  const fewest = Math.min(...issue.errors.map((branch) => branch.length));
  const best = issue.errors.map((branch, i) => ({ branch, i })).filter(({ branch }) => branch.length === fewest);
  const options = own ? ((defOf(unwrap(own)).options as Schema[] | undefined) ?? []) : [];
  if (best.length === 1 && best[0] && options[best[0].i]) {
    const option = options[best[0].i] as Schema;
    return describeIssues(best[0].branch, option, value, path);
  }
  if (!isObject(value)) return [{ path, at: 'value', message: `expected a mapping, got ${describeValue(value)}` }];
  const forms = options
    .map((o) => shapeOf(o))
    .filter((shape): shape is Record<string, Schema> => shape !== undefined)
    .map((shape) => Object.keys(shape).filter((k) => !/optional|default/.test(defOf(shape[k] as Schema).type)))
    .map((keys) => (keys.length === 1 ? `key ${keys[0]}` : `keys ${humanList(keys, 'and')}`));
  return [{ path, at: 'key', message: `must have either ${forms.join(', or ')}` }];
}

function describeIssue(issue: Issue, schema: Schema, data: unknown, prefix: KeyPath): Problem[] {
  const relative: KeyPath = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const path: KeyPath = [...prefix, ...relative];
  const value = valueAt(data, relative);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const own = schemaAt(schema, relative, data) ?? schema;
      const allowed = Object.keys(shapeOf(resolveUnion(own, value)) ?? {});
      return issue.keys.map((key) => {
        const hint = didYouMean(key, allowed) ?? (allowed.length ? `allowed keys: ${allowed.join(', ')}` : undefined);
        return { path: [...path, key], at: 'key' as const, message: `unknown key "${key}"`, ...(hint ? { hint } : {}) };
      });
    }
    case 'invalid_type':
      if (value === undefined) return [missingKey(path, valueAt(data, relative.slice(0, -1)))];
      return [{ path, at: 'value', message: `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(value)}` }];
    case 'invalid_union':
      return describeUnion(issue, schema, data, relative).map((p) => ({ ...p, path: [...prefix, ...p.path] }));
    case 'invalid_value':
      if (value === undefined) return [missingKey(path, valueAt(data, relative.slice(0, -1)))];
      return [oneOf(path, issue.values, value)];
    case 'invalid_format':
      return [{ path, at: 'value', message: `${describeValue(value)} ${issue.message.startsWith('must') ? issue.message : `is invalid: ${issue.message}`}` }];
    case 'invalid_key': {
      const key = String(relative[relative.length - 1]);
      const reason = issue.issues[0]?.message ?? 'is not allowed';
      return [{ path, at: 'key', message: `key "${key}" ${reason.startsWith('must') ? reason : `is invalid: ${reason}`}` }];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const inclusive = issue.inclusive !== false;
      const n = Number(bound);
      if (issue.origin === 'array') {
        if (issue.code === 'too_small' && n === 1) return [{ path, at: 'value', message: 'must list at least one item' }];
        return [{ path, at: 'value', message: `must list ${issue.code === 'too_small' ? 'at least' : 'at most'} ${n} items` }];
      }
      if (issue.origin === 'string') {
        if (issue.code === 'too_small' && n === 1) return [{ path, at: 'value', message: 'must not be empty' }];
        return [{ path, at: 'value', message: `must be ${issue.code === 'too_small' ? 'at least' : 'at most'} ${n} characters long` }];
      }
      const comparison = issue.code === 'too_small' ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
      return [{ path, at: 'value', message: `must be ${comparison} ${n}, got ${describeValue(value)}` }];
    }
    default:
      return [{ path, at: 'value', message: issue.message }];
  }
}

/**
 * Human problems for zod `issues` raised by `schema` on `data`, paths prefixed by `prefix`
 * (the position of `data` in the whole document).
 */
export function describeIssues(issues: readonly Issue[], schema: Schema, data: unknown, prefix: KeyPath = []): Problem[] {
  return issues.flatMap((issue) => describeIssue(issue, schema, data, prefix));
}
