/** The example in docs/definition-language.md must stay a valid procedure. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SHIPPED_TEMPLATE_NAMES } from '../../../cli/commands/validate';
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureSource } from '../../../definitions/load';

describe('definition language reference', () => {
  it('should show a complete example that validates', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'definition-language.md'), 'utf8');
    const example = /## A complete small example\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const loaded = loadProcedureSource(example ?? '', 'docs/definition-language.md', {
      knownTemplates: new Set(SHIPPED_TEMPLATE_NAMES),
    });
    expect(loaded.ok ? [] : loaded.errors.map(formatDefinitionError)).toEqual([]);
    expect(loaded.ok && loaded.procedure.id).toBe('permis-demolir');
  });
});
