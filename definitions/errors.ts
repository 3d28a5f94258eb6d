/**
 * The one shape every problem found in a definition file takes, from a YAML syntax error to an
 * unreachable state, and the one way it is printed:
 * `procedures/permis.yaml:42:13: states.review.actions.approve.to: unknown state "aproved" (did you mean "approved"?)`.
 */

/** One problem in a definition file, located where the author has to look. */
export interface DefinitionError {
  /** The file as the caller named it (relative paths print best). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** Dotted path of the offending key, e.g. `states.review.actions.approve.to`; empty for the whole file. */
  path: string;
  /** What is wrong, in English, naming the offending value. */
  message: string;
  /** How to fix it, printed in parentheses: `did you mean "approved"?`. */
  hint?: string;
}

/** A key path as zod and the validator report it: map keys and list indexes. */
export type KeyPath = readonly (string | number)[];

/** `states.review.actions.approve.to`; list indexes print as `.0` (`notifications.0.template`). */
export function formatPath(path: KeyPath): string {
  return path.map(String).join('.');
}

/** `file:line:column: path: message (hint)`, the path left out when the problem concerns the whole file. */
export function formatDefinitionError(error: DefinitionError): string {
  const where = `${error.file}:${error.line}:${error.column}`;
  const path = error.path ? ` ${error.path}:` : '';
  const hint = error.hint ? ` (${error.hint})` : '';
  return `${where}:${path} ${error.message}${hint}`;
}

/** Sorts errors by file, then position, so output reads top to bottom. */
export function sortDefinitionErrors(errors: readonly DefinitionError[]): DefinitionError[] {
  return [...errors].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}

/**
 * A problem before it is located: the key path it concerns, and whether to point at the key
 * itself (`states.draft:` for an unreachable state) or at its value (`to: aproved`).
 */
export interface Problem {
  path: KeyPath;
  at: 'key' | 'value';
  message: string;
  hint?: string;
}
