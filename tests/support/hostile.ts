/**
 * Generators of hostile input for property-style tests: a seeded random source (a failing seed
 * reproduces), text PostgreSQL cannot store by class, and random JSON documents with one such
 * text planted at a random place (a value or a key, at any depth), returning where it is.
 */

/** A small seeded generator (mulberry32): the same seed, the same sequence. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  return { next, int, pick };
}
export type Random = ReturnType<typeof random>;

/** Every class of text PostgreSQL's `text` and `jsonb` refuse, each as a generator of one instance. */
export const UNSTORABLE_CLASSES: Record<string, (r: Random) => string> = {
  nul: () => '\u0000',
  'lone high surrogate': (r) => String.fromCharCode(r.int(0xd800, 0xdbff)),
  'lone low surrogate': (r) => String.fromCharCode(r.int(0xdc00, 0xdfff)),
  'reversed pair': (r) => String.fromCharCode(r.int(0xdc00, 0xdfff), r.int(0xd800, 0xdbff)),
  'nul inside a pair-bearing text': () => '😀\u0000😀',
};

/** Text that looks odd but is storable: must never be refused. */
export const STORABLE_ODDITIES = ['مسار', '😀', '\uFFFD', '\u0001\u001f', 'a\tb\nc', '\u200f\u202e', '𝕏', ' ', ''];

const KEYS = ['a', 'address', 'name', 'x_1', 'liste', 'الاسم', 'k'];

function plainText(r: Random): string {
  const parts = ['Rue 12', 'Tanger', 'مسار', '😀', 'x', ' ', '-', '\u00e9', '0'];
  let s = '';
  for (let i = r.int(0, 4); i > 0; i--) s += r.pick(parts);
  return s;
}

/** A random JSON value (objects, arrays, strings, numbers, booleans, null) at most `depth` deep. */
export function jsonValue(r: Random, depth: number): unknown {
  const kind = depth <= 0 ? r.int(0, 3) : r.int(0, 5);
  switch (kind) {
    case 0:
      return plainText(r);
    case 1:
      return r.int(-1000, 1000);
    case 2:
      return r.pick([true, false, null]);
    case 3:
      return plainText(r);
    case 4:
      return Array.from({ length: r.int(0, 3) }, () => jsonValue(r, depth - 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(0, 3); i > 0; i--) o[r.pick(KEYS) + String(r.int(0, 9))] = jsonValue(r, depth - 1);
      return o;
    }
  }
}

interface Slot {
  path: string[];
  /** Replaces the text at this slot (a string value, or an object key) with `f(text)`. */
  set(f: (text: string) => string): void;
}

function slots(value: unknown, path: string[], out: Slot[], parent?: { set(v: unknown): void }): void {
  if (typeof value === 'string' && parent) {
    out.push({ path, set: (f) => parent.set(f(value)) });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => slots(item, [...path, String(i)], out, { set: (v) => (value[i] = v) }));
    return;
  }
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      out.push({
        path: [...path, key],
        set: (f) => {
          // Rebuild in order so only this key changes, and the path names the new key.
          const entries = Object.entries(o).map(([k, v]) => [k === key ? f(k) : k, v] as const);
          for (const k of Object.keys(o)) delete o[k];
          for (const [k, v] of entries) o[k] = v;
        },
      });
      slots(o[key], [...path, key], out, { set: (v) => (o[key] = v) });
    }
  }
}

/** Inserts `bad` at a random position of `text`. */
export function plant(r: Random, text: string, bad: string): string {
  let at = r.int(0, text.length);
  // Never between the halves of a pair: a planted low-high would pair up with them into valid text.
  if (at > 0 && at < text.length && /[\uD800-\uDBFF]/.test(text.charAt(at - 1))) at += 1;
  return text.slice(0, at) + bad + text.slice(at);
}

/**
 * Plants one unstorable text of class `cls` at a random string slot of `doc` (mutated in place).
 * @returns the dotted path of the slot after planting (a planted key is part of its own path).
 */
export function plantUnstorable(r: Random, doc: object, cls: string): string {
  const all: Slot[] = [];
  slots(doc, [], all);
  const slot = r.pick(all);
  const bad = (UNSTORABLE_CLASSES[cls] as (r: Random) => string)(r);
  let planted = '';
  slot.set((text) => (planted = plant(r, text, bad)));
  const path = [...slot.path];
  // A key slot's last step is the key itself, now planted.
  if (typeof getAt(doc, path) === 'undefined') path[path.length - 1] = planted;
  return path.join('.');
}

function getAt(doc: unknown, path: string[]): unknown {
  let v: unknown = doc;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[step];
  }
  return v;
}
