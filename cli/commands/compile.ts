/**
 * `masar compile <file> [--out file]`: validates a procedure definition and prints (or writes)
 * its `CompiledProcedure` JSON. `masar compile --json-schema [--out file]` writes the JSON Schema
 * of the definition language (by default to `definitions/procedure.schema.json`).
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';
import { compileProcedure } from '../../definitions/compile';
import { formatDefinitionError } from '../../definitions/errors';
import { JSON_SCHEMA_PATH, procedureJsonSchemaText } from '../../definitions/json-schema';
import { loadProcedureFile } from '../../definitions/load';
import { ROOT_DIR, shippedTemplateNames } from './validate';

interface CompileArgs {
  file?: string;
  out?: string;
  jsonSchema: boolean;
}

function parseArgs(args: readonly string[]): CompileArgs {
  const { values, positionals } = parseCommandArgs(
    args,
    { out: { type: 'string', short: 'o' }, 'json-schema': { type: 'boolean', default: false } },
    { name: 'one procedure file', max: 1 },
  );
  const [file] = positionals;
  if (values['json-schema'] && file) throw new UsageError('--json-schema takes no procedure file');
  if (!values['json-schema'] && !file) throw new UsageError('name the procedure file to compile');
  return { jsonSchema: values['json-schema'], ...(file ? { file } : {}), ...(values.out ? { out: values.out } : {}) };
}

export const compileCommand: Command = {
  name: 'compile',
  summary: 'print the compiled JSON of a procedure, or write the JSON Schema of the language',
  usage: [
    'usage: masar compile <file> [--out <file>]',
    '       masar compile --json-schema [--out <file>]',
    '',
    'The first form validates a procedure definition and prints its CompiledProcedure JSON',
    '(exit 1 with every error when it is not valid). The second writes the JSON Schema editors use,',
    `by default to ${JSON_SCHEMA_PATH}.`,
  ].join('\n'),
  async run(args: string[], io: CommandIO): Promise<number> {
    const { file, out, jsonSchema } = parseArgs(args);
    if (jsonSchema) {
      const target = out ? resolve(io.cwd, out) : join(ROOT_DIR, JSON_SCHEMA_PATH);
      await writeFile(target, procedureJsonSchemaText());
      io.out(`wrote ${target}`);
      return 0;
    }
    const name = file as string;
    const loaded = await loadProcedureFile(resolve(io.cwd, name), { knownTemplates: shippedTemplateNames() }, name);
    if (!loaded.ok) {
      for (const error of loaded.errors) io.err(formatDefinitionError(error));
      io.err(`${loaded.errors.length} error${loaded.errors.length === 1 ? '' : 's'} in ${name}`);
      return 1;
    }
    const json = `${JSON.stringify(compileProcedure(loaded.procedure), null, 2)}\n`;
    if (out) {
      await writeFile(resolve(io.cwd, out), json);
      io.out(`wrote ${out}`);
    } else io.out(json.trimEnd());
    return 0;
  },
};
