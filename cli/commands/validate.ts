/**
 * `masar validate <files or directories...>`: checks procedure definitions and prints every
 * error of every file as `file:line:column: path: message (hint)`, then a summary line.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { INTERNAL_TEMPLATES, PROCEDURE_TEMPLATE_NAMES } from '../../activities/notifications/render';
import { parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';
import { formatDefinitionError } from '../../definitions/errors';
import { loadProcedureFiles, procedureFilesIn } from '../../definitions/load';

/** Repository root, where `activities/notifications/templates/` lives. */
export const ROOT_DIR = resolve(__dirname, '..', '..');

/** The shipped template names a procedure may name, from the renderer that owns them. */
export const SHIPPED_TEMPLATE_NAMES: readonly string[] = PROCEDURE_TEMPLATE_NAMES;

/**
 * Names of the shipped notification templates: the sub-directories of
 * `activities/notifications/templates/` (those starting with `_`, like `_partials`, are not
 * templates, and Masar's own, like `undeliverable`, are not for procedures), or the fixed list when
 * the directory holds none yet.
 */
export function shippedTemplateNames(root: string = ROOT_DIR): ReadonlySet<string> {
  const dir = join(root, 'activities', 'notifications', 'templates');
  let names: string[] = [];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && !INTERNAL_TEMPLATES.includes(entry.name))
      .map((entry) => entry.name);
  } catch {
    // No templates directory yet: fall back to the names it will hold.
  }
  return new Set(names.length > 0 ? names : SHIPPED_TEMPLATE_NAMES);
}

/** Expands directories into their procedure files; paths print relative to the working directory. */
export async function expandPaths(args: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    const absolute = resolve(cwd, arg);
    let isDirectory = false;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch {
      // A missing file is reported by the loader, with its name.
    }
    const found = isDirectory ? await procedureFilesIn(absolute) : [absolute];
    files.push(...found.map((file) => display(file, cwd)));
  }
  return files;
}

function display(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check procedure definition files (YAML) and print every error',
  usage: [
    'usage: masar validate <file-or-directory>...',
    '',
    'Checks each procedure definition (a directory stands for its *.yaml files) and prints every',
    'error as file:line:column: path: message. Exits 1 when any file has an error, 0 otherwise.',
    'Warnings (e.g. a deadline above the 60-day ceiling of law 55-19 without a cited basis) are',
    'printed with a "warning:" prefix and do not fail the check.',
  ].join('\n'),
  async run(args: string[], io: CommandIO): Promise<number> {
    const { positionals } = parseCommandArgs(args, {}, { name: 'at least one file or directory', min: 1, max: Infinity });
    const files = await expandPaths(positionals, io.cwd);
    if (files.length === 0) throw new UsageError(`no .yaml files in ${positionals.join(', ')}`);
    // Files are read relative to the working directory but named as the user sees them.
    const loaded = await loadProcedureFiles(
      files.map((file) => ({ path: resolve(io.cwd, file), file })),
      { knownTemplates: shippedTemplateNames() },
    );
    const errors = loaded.errors;
    for (const result of loaded.results) {
      if (result.ok) for (const warning of result.warnings) io.err(`warning: ${formatDefinitionError(warning)}`);
    }
    for (const error of errors) io.err(formatDefinitionError(error));
    if (errors.length > 0) {
      const failing = new Set(errors.map((e) => e.file)).size;
      io.err(`${plural(errors.length, 'error')} in ${plural(failing, 'file')}`);
      return 1;
    }
    io.out(`ok: ${plural(loaded.procedures.length, 'procedure')} valid`);
    return 0;
  },
};

export default validateCommand;
