/**
 * Parses a procedure definition from YAML text: YAML syntax, duplicate keys, then the zod
 * `Procedure` schema, every problem located at its line and column in the file. Whole-document
 * rules (unknown states, unreachable states...) are `validate.ts`'s; `load.ts` runs both.
 */
import type { Document, Node, Pair } from 'yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { DefinitionError, KeyPath, Problem } from './errors';
import { formatPath } from './errors';
import { Procedure } from './schema';
import { describeIssues } from './zod-messages';

/** A 1-based position in a file. */
export interface Position {
  line: number;
  column: number;
}

/** Finds where a key path sits in the parsed YAML, for reporting problems found later. */
export class SourceMap {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /**
   * The position of the key at `path` (`at: 'key'`) or of its value (`at: 'value'`). A path that
   * goes further than the YAML (a missing key, a value filled in by a default) points at the
   * deepest key that exists, so the author still lands on the right block.
   */
  locate(path: KeyPath, at: 'key' | 'value' = 'value'): Position {
    let node: unknown = this.doc.contents;
    let key: Node | undefined;
    for (const segment of path) {
      const next = childOf(node, segment);
      if (!next) return this.position(key ?? node);
      node = next.value;
      key = next.key ?? (hasRange(next.value) ? (next.value as Node) : key);
    }
    if (at === 'key' && key) return this.position(key);
    const empty = isScalar(node) && node.value === null && node.source === '';
    return this.position(empty || !hasRange(node) ? key : node);
  }

  /** The position where a YAML node starts (line 1, column 1 for a node without a range). */
  position(node: unknown): Position {
    const offset = hasRange(node) ? node.range[0] : 0;
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

function hasRange(node: unknown): node is { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
}

function keyName(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/** The pair (or list item) at one step of a path; the last of duplicate keys, as `toJS` keeps it. */
function childOf(node: unknown, segment: string | number): { key?: Node; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = [...node.items].reverse().find((p) => keyName(p) === String(segment));
    return pair ? { key: pair.key as Node, value: pair.value } : undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

/** Every key defined twice in the same mapping, reported at the second with the first's position. */
function duplicateKeys(doc: Document.Parsed, source: SourceMap, file: string): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      const first = new Map<string, Position>();
      for (const pair of node.items) {
        const name = keyName(pair);
        if (name === undefined) continue;
        const here = source.position(pair.key);
        const seen = first.get(name);
        if (seen) {
          errors.push({
            file,
            ...here,
            path: formatPath([...path, name]),
            message: `duplicate key "${name}"`,
            hint: `first defined at line ${seen.line}, column ${seen.column}`,
          });
        } else first.set(name, here);
        walk(pair.value, [...path, name]);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
  };
  walk(doc.contents, []);
  return errors;
}

/** Places located problems in the file. */
export function locateProblems(problems: readonly Problem[], source: SourceMap, file: string): DefinitionError[] {
  return problems.map(({ path, at, message, hint }) => ({
    file,
    ...source.locate(path, at),
    path: formatPath(path),
    message,
    ...(hint ? { hint } : {}),
  }));
}

/** Alias expansions a definition may make: a few anchors are handy, thousands are an attack. */
export const MAX_ALIAS_COUNT = 100;

/** A parsed procedure with the map back to its YAML, or every problem found on the way. */
export type ParseResult =
  | { ok: true; procedure: Procedure; source: SourceMap }
  | { ok: false; errors: DefinitionError[] };

/**
 * Parses YAML `text` (named `file` in errors) into a `Procedure`: syntax errors stop there;
 * otherwise duplicate keys and every schema problem are reported together.
 */
export function parseProcedure(text: string, file: string): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const source = new SourceMap(doc, lines);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { file, line, column: col, path: '', message: `invalid YAML: ${yamlMessage(error.message)}` };
      }),
    };
  }
  const duplicates = duplicateKeys(doc, source, file);
  let data: unknown;
  try {
    // yaml refuses documents whose aliases expand past maxAliasCount (a "billion laughs" bomb).
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return { ok: false, errors: [{ file, line: 1, column: 1, path: '', message: `invalid YAML: ${yamlMessage((err as Error).message)} (at most ${MAX_ALIAS_COUNT} alias expansions)` }] };
  }
  const parsed = Procedure.safeParse(data);
  const schemaErrors = parsed.success ? [] : locateProblems(describeIssues(parsed.error.issues, Procedure, data), source, file);
  const errors = [...duplicates, ...schemaErrors];
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  return { ok: true, procedure: parsed.data, source };
}

/** The yaml library's messages start with a capital and may end with a period: fit them after a colon. */
function yamlMessage(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.charAt(0).toLowerCase() + firstLine.slice(1).replace(/\.$/, '');
}
