/**
 * The JSON Schema of procedure definition files, generated from the zod `Procedure` schema so
 * editors (yaml-language-server, VS Code) check and complete the same language Masar parses.
 * Committed as `definitions/procedure.schema.json`; regenerate with `npx masar compile --json-schema`.
 */
import { z } from 'zod';
import { Procedure } from './schema';

/** Where the generated schema is committed, relative to the repository root. */
export const JSON_SCHEMA_PATH = 'definitions/procedure.schema.json';

/**
 * The JSON Schema (draft-07, the draft editors support best) of what an author writes: the input
 * side of the zod schema, so keys with defaults are optional.
 */
export function procedureJsonSchema(): Record<string, unknown> {
  const { $schema, ...generated } = z.toJSONSchema(Procedure, { io: 'input', target: 'draft-7', unrepresentable: 'throw' });
  return {
    $schema,
    $id: 'https://masar.ma/schemas/procedure.schema.json',
    title: 'Masar procedure definition',
    description:
      'A procedure of a Moroccan territorial collectivity: states, tasks, actions, clocks, escalation and notifications. ' +
      'Some rules need the whole document (unknown states, unreachable states, roles, templates): run `npx masar validate`.',
    ...generated,
  };
}

/** The file's exact content: 2-space JSON and a final newline. */
export function procedureJsonSchemaText(): string {
  return `${JSON.stringify(procedureJsonSchema(), null, 2)}\n`;
}
