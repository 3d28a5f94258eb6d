/**
 * Finds the procedure a command names: a YAML file (relative to the working directory) or the id
 * of a shipped procedure (`acces-information` for `definitions/procedures/acces-information.yaml`),
 * then validates and compiles it as the registry does.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileProcedure } from '../../definitions/compile';
import type { CompiledProcedure } from '../../definitions/compiled';
import { formatDefinitionError } from '../../definitions/errors';
import { loadProcedureFile } from '../../definitions/load';
import { PROCEDURE_ID } from '../../definitions/schema';
import { ROOT_DIR, shippedTemplateNames } from '../commands/validate';

/** Folder of the shipped procedures. */
export const PROCEDURES_DIR = join(ROOT_DIR, 'definitions', 'procedures');

export type ProcedureSource = { ok: true; file: string; procedure: CompiledProcedure } | { ok: false; errors: string[] };

/** The file a reference names: an existing path, else a shipped procedure id. */
export function procedurePath(reference: string, cwd: string): string | undefined {
  const asPath = resolve(cwd, reference);
  if (existsSync(asPath)) return asPath;
  if (PROCEDURE_ID.test(reference)) {
    const shipped = join(PROCEDURES_DIR, `${reference}.yaml`);
    if (existsSync(shipped)) return shipped;
  }
  return undefined;
}

/** Loads, validates and compiles; errors are printable lines (`file:line:column: path: message`). */
export async function loadCompiledProcedure(reference: string, cwd: string): Promise<ProcedureSource> {
  const path = procedurePath(reference, cwd);
  if (!path) {
    return {
      ok: false,
      errors: [`${reference}: no such file, nor a shipped procedure id (see definitions/procedures/: e.g. acces-information)`],
    };
  }
  const loaded = await loadProcedureFile(path, { knownTemplates: shippedTemplateNames() }, reference.endsWith('.yaml') || reference.endsWith('.yml') ? reference : path);
  if (!loaded.ok) return { ok: false, errors: loaded.errors.map(formatDefinitionError) };
  return { ok: true, file: path, procedure: compileProcedure(loaded.procedure) };
}
