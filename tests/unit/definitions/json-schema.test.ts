/** The committed JSON Schema for editors is generated from the zod schema and kept in step. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JSON_SCHEMA_PATH, procedureJsonSchema, procedureJsonSchemaText } from '../../../definitions/json-schema';

const ROOT = path.join(__dirname, '..', '..', '..');

describe('procedure JSON Schema', () => {
  it('should equal the committed file (regenerate with `npx masar compile --json-schema`)', () => {
    expect(readFileSync(path.join(ROOT, JSON_SCHEMA_PATH), 'utf8')).toBe(procedureJsonSchemaText());
  });

  it('should describe the language: required keys, closed objects, state kinds and defaults optional', () => {
    const schema = procedureJsonSchema() as {
      $schema: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.required.sort()).toEqual(['id', 'initial', 'legalBasis', 'states', 'title', 'version']);
    expect(schema.additionalProperties).toBe(false);
    const text = JSON.stringify(schema);
    for (const kind of ['task', 'waiting', 'automatic', 'final']) expect(text).toContain(`"const":"${kind}"`);
  });
});
