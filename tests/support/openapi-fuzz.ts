/**
 * Requests derived from the OpenAPI document, for the fuzz tier: for every documented operation,
 * path parameters, query parameters and a JSON body drawn from their schemas, mixing values the
 * schema allows (and values known to exist, so requests get past the 404s) with values just past
 * its bounds and plainly hostile ones. Seeded (`random`): a failing run prints its seed.
 */
import { jsonValue, type Random, UNSTORABLE_CLASSES } from './hostile';

type Json = Record<string, unknown>;

export interface Operation {
  method: string;
  path: string;
  op: Json;
}

export interface FuzzRequest {
  method: string;
  /** The path with parameters filled in and the query string appended. */
  url: string;
  body?: string;
  contentType?: string;
}

/** Every operation of the document. */
export function operations(doc: Json): Operation[] {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  return Object.entries(paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));
}

/** Strings no schema wants: unstorable text, percent signs, very long, odd Unicode, SQL and path tricks. */
function hostileString(r: Random): string {
  const pool = [
    () => (UNSTORABLE_CLASSES[r.pick(Object.keys(UNSTORABLE_CLASSES))] as (r: Random) => string)(r),
    () => 'x'.repeat(r.pick([101, 201, 501, 5_000])),
    () => "' OR 1=1 --",
    () => '../../etc/passwd',
    () => '%',
    () => '%ED%A0%80',
    () => '😀'.repeat(r.int(1, 60)),
    () => '\u202e\u0001',
    () => '',
    () => ' ',
    () => '2026-02-30',
    () => '0000-01-01T00:00:00Z',
    () => 'P99999999999999999999D',
    () => '99999999999999999999',
    () => '-1',
    () => 'null',
    () => '[]',
    () => '__proto__',
  ];
  return r.pick(pool)();
}

/** Known-good values by parameter name, so some requests reach the database and the engine. */
export type Known = Record<string, string[]>;

function fromSchema(r: Random, schema: Json | undefined, name: string, known: Known, depth = 0): unknown {
  const roll = r.next();
  if (known[name] && roll < 0.45) return r.pick(known[name] as string[]);
  if (roll > 0.85 || !schema) return r.next() < 0.7 ? hostileString(r) : jsonValue(r, 2);
  if (Array.isArray(schema.enum)) return r.pick(schema.enum as unknown[]);
  if ('const' in schema) return schema.const;
  const variants = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  if (variants) return fromSchema(r, r.pick(variants), name, known, depth);
  const type = Array.isArray(schema.type) ? r.pick(schema.type as string[]) : (schema.type as string | undefined);
  switch (type) {
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -1000;
      const max = typeof schema.maximum === 'number' ? schema.maximum : 1000;
      return r.pick([min, max, min - 1, max + 1, r.int(Math.max(min, -1e6), Math.min(max, 1e6)), 2 ** 31, 2 ** 53 + 2, 1.5, 0]);
    }
    case 'boolean':
      return r.next() < 0.5;
    case 'array': {
      const items = schema.items as Json | undefined;
      const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : 3;
      return Array.from({ length: r.int(0, Math.min(maxItems + 1, 12)) }, () => fromSchema(r, items, name, known, depth + 1));
    }
    case 'object': {
      if (depth > 4) return {};
      const props = (schema.properties ?? {}) as Record<string, Json>;
      const required = new Set((schema.required ?? []) as string[]);
      const out: Json = {};
      for (const [key, sub] of Object.entries(props)) {
        if (required.has(key) ? r.next() < 0.95 : r.next() < 0.5) out[key] = fromSchema(r, sub, key, known, depth + 1);
      }
      if (r.next() < 0.1) out[`extra${r.int(0, 9)}`] = jsonValue(r, 2);
      return out;
    }
    case 'string': {
      const max = typeof schema.maxLength === 'number' ? schema.maxLength : 40;
      if (schema.format === 'date-time') return r.pick(['2027-02-22T10:00:00+01:00', '2028-02-29T00:00:00Z', '2027-02-30T10:00:00Z', '9999-12-31T23:59:59Z']);
      return r.pick(['Tanger', 'مسار', 'x'.repeat(max), 'x'.repeat(max + 1), 'a-b', String(r.int(0, 99))]);
    }
    default:
      return jsonValue(r, 2);
  }
}

const resolve = (doc: Json, schema: Json | undefined): Json | undefined => {
  const ref = schema?.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  return ((doc.components as Json).schemas as Record<string, Json>)[name];
};

/** Percent-encodes as a client would; a lone surrogate becomes the (invalid) UTF-8 bytes a sloppy client sends. */
function encode(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i += 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(text[i] as string);
    }
  }
  return out.replace(/%25ED%25A0%2580/g, '%ED%A0%80');
}

/** One request for `operation`, from its documented parameters and body. */
export function fuzzRequest(r: Random, doc: Json, operation: Operation, known: Known): FuzzRequest {
  const params = (operation.op.parameters ?? []) as Json[];
  let url = operation.path;
  const query: string[] = [];
  for (const p of params) {
    const name = p.name as string;
    // An empty segment would make another route's URL (`/cases/` is the list): never empty.
    if (p.in === 'path') url = url.replace(`{${name}}`, encode(fromSchema(r, p.schema as Json, name, known)) || '%20');
    if (p.in === 'query' && (p.required || r.next() < 0.4)) {
      const value = fromSchema(r, p.schema as Json, name, known);
      if (Array.isArray(value)) for (const v of value) query.push(`${name}=${encode(v)}`);
      else query.push(`${name}=${encode(value)}`);
    }
  }
  if (r.next() < 0.05) query.push(`${hostileString(r).slice(0, 20) || 'x'}=1`);
  const fuzzed: FuzzRequest = { method: operation.method, url: query.length ? `${url}?${query.join('&')}` : url };
  const content = ((operation.op.requestBody as Json | undefined)?.content ?? undefined) as Record<string, Json> | undefined;
  if (content) {
    const types = Object.keys(content);
    const type = r.pick(types);
    const schema = resolve(doc, content[type]?.schema as Json | undefined);
    if (type === 'application/yaml') {
      fuzzed.contentType = type;
      fuzzed.body = r.pick([known.yaml?.[0] ?? 'id: x', 'a: &a [1]\nb: [*a, *a]', hostileString(r), '{{{', 'id: x\nversion: 99999999999']);
    } else {
      fuzzed.contentType = 'application/json';
      const body = r.next() < 0.08 ? jsonValue(r, 3) : fromSchema(r, schema, '', known);
      fuzzed.body = JSON.stringify(body) ?? 'null';
    }
  }
  return fuzzed;
}
