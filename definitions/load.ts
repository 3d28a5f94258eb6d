/**
 * Loads procedure definitions from YAML: parse, schema, whole-document rules, and (for several
 * files) one id+version defined twice. Returns every error found, never only the first.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DefinitionError } from './errors';
import { sortDefinitionErrors } from './errors';
import type { Position } from './parse';
import { locateProblems, parseProcedure } from './parse';
import type { Procedure } from './schema';
import { legalCeilingWarnings } from './legal-ceilings';
import type { ValidateOptions } from './validate';
import { validateProcedure } from './validate';

/** Options for loading: see `ValidateOptions` (pass `knownTemplates` wherever mail is sent). */
export type LoadOptions = ValidateOptions;

/** A valid procedure and where its `id` is written (to report the same id in two files). */
export interface LoadedProcedure {
  ok: true;
  file: string;
  procedure: Procedure;
  idPosition: Position;
  /** What is allowed but suspicious (e.g. a deadline above the law's ceiling): shown, never blocking. */
  warnings: DefinitionError[];
}

/** The outcome of loading one file. */
export type LoadResult = LoadedProcedure | { ok: false; file: string; errors: DefinitionError[] };

/** Parses and validates YAML `text`; `file` names it in errors. */
export function loadProcedureSource(text: string, file: string, options: LoadOptions = {}): LoadResult {
  const parsed = parseProcedure(text, file);
  if (!parsed.ok) return { ok: false, file, errors: sortDefinitionErrors(parsed.errors) };
  const problems = validateProcedure(parsed.procedure, options);
  if (problems.length > 0) {
    return { ok: false, file, errors: sortDefinitionErrors(locateProblems(problems, parsed.source, file)) };
  }
  const warnings = sortDefinitionErrors(locateProblems(legalCeilingWarnings(parsed.procedure), parsed.source, file));
  return { ok: true, file, procedure: parsed.procedure, idPosition: parsed.source.locate(['id']), warnings };
}

/** Reads and loads the file at `path`; `file` names it in errors (by default, `path` as given). */
export async function loadProcedureFile(path: string, options: LoadOptions = {}, file: string = path): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read file: ${String(err)}`;
    return { ok: false, file, errors: [{ file, line: 1, column: 1, path: '', message: reason }] };
  }
  return loadProcedureSource(text, file, options);
}

/** A file to load: its path, or its path and the name errors give it. */
export type ProcedureFileRef = string | { path: string; file: string };

/** The outcome of loading several files: each file's result, and all errors including duplicates. */
export interface LoadManyResult {
  ok: boolean;
  results: LoadResult[];
  /** The procedures of the files that loaded (both files of a duplicate id stay listed; `ok` is false). */
  procedures: Procedure[];
  errors: DefinitionError[];
}

/** Errors for an id+version defined by two files, reported at the second with the first's place. */
export function duplicateProcedures(loaded: readonly LoadResult[]): DefinitionError[] {
  const first = new Map<string, LoadedProcedure>();
  const errors: DefinitionError[] = [];
  for (const result of loaded) {
    if (!result.ok) continue;
    const key = `${result.procedure.id}@${result.procedure.version}`;
    const seen = first.get(key);
    if (!seen) {
      first.set(key, result);
      continue;
    }
    errors.push({
      file: result.file,
      ...result.idPosition,
      path: 'id',
      message: `procedure "${result.procedure.id}" version ${result.procedure.version} is already defined in ${seen.file}:${seen.idPosition.line}:${seen.idPosition.column}`,
      hint: 'bump version, or rename the id',
    });
  }
  return errors;
}

/** Loads several files (in the order given) and checks that no id+version is defined twice. */
export async function loadProcedureFiles(refs: readonly ProcedureFileRef[], options: LoadOptions = {}): Promise<LoadManyResult> {
  const results: LoadResult[] = [];
  for (const ref of refs) {
    const { path, file } = typeof ref === 'string' ? { path: ref, file: ref } : ref;
    results.push(await loadProcedureFile(path, options, file));
  }
  const duplicates = duplicateProcedures(results);
  // In the order the files were given, each file's errors together.
  const errors = results.flatMap((r) => (r.ok ? duplicates.filter((d) => d.file === r.file) : r.errors));
  return {
    ok: errors.length === 0,
    results,
    procedures: results.flatMap((r) => (r.ok ? [r.procedure] : [])),
    errors,
  };
}

/** The `.yaml` and `.yml` files of a directory (not recursive), sorted by name. */
export async function procedureFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Loads every procedure file of a directory, e.g. `definitions/procedures`. */
export async function loadProcedureDirectory(dir: string, options: LoadOptions = {}): Promise<LoadManyResult> {
  return loadProcedureFiles(await procedureFilesIn(dir), options);
}
