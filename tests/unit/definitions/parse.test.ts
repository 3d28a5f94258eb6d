/** Parsing a definition: YAML syntax, duplicate keys and schema problems, located and worded for people. */
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureSource } from '../../../definitions/load';
import { parseProcedure } from '../../../definitions/parse';

const VALID = `id: tiny
version: 1
title: { fr: Petit, ar: صغير }
legalBasis:
  - law: Loi 55-19
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: agent }
    actions:
      approve:
        label: { fr: Approuver, ar: موافقة }
        by: [agent]
        to: approved
  approved:
    kind: final
    label: { fr: Approuvé, ar: مقبول }
    outcome: approved
`;

function errorsOf(text: string): string[] {
  const loaded = loadProcedureSource(text, 'p.yaml');
  return loaded.ok ? [] : loaded.errors.map(formatDefinitionError);
}

describe('parseProcedure', () => {
  it('should parse a valid definition and fill in defaults', () => {
    const parsed = parseProcedure(VALID, 'p.yaml');
    if (!parsed.ok) throw new Error(parsed.errors.map(formatDefinitionError).join('\n'));
    expect(parsed.procedure.states.review).toMatchObject({ kind: 'task', task: { role: 'agent', level: 'unit' }, onEnter: [] });
    expect(parsed.procedure.clocks).toEqual({});
    expect(parsed.procedure.roles).toEqual({});
  });

  it('should locate keys and values of the parsed file', () => {
    const parsed = parseProcedure(VALID, 'p.yaml');
    if (!parsed.ok) throw new Error('expected a valid definition');
    expect(parsed.source.locate(['states', 'review', 'actions', 'approve', 'to'])).toEqual({ line: 16, column: 13 });
    expect(parsed.source.locate(['states', 'approved'], 'key')).toEqual({ line: 17, column: 3 });
    expect(parsed.source.locate(['legalBasis', 0, 'law'])).toEqual({ line: 5, column: 10 });
    // A key filled in by a default points at the deepest key that exists.
    expect(parsed.source.locate(['states', 'review', 'onEnter'])).toEqual({ line: 8, column: 3 });
  });

  it('should report a YAML syntax error with its line and column and nothing else', () => {
    expect(errorsOf('id: x\nversion: [1, 2\ntitle: x\n')).toEqual([
      'p.yaml:3:1: invalid YAML: flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('should report a tab used for indentation as a YAML error', () => {
    const [first] = errorsOf('id: x\nstates:\n\treview: 1\n');
    expect(first).toMatch(/^p\.yaml:3:1: invalid YAML: /);
  });

  it('should say what was expected and what was found for a wrong type', () => {
    expect(errorsOf(VALID.replace('version: 1', 'version: "abc"'))).toEqual(['p.yaml:2:10: version: expected a number, got "abc"']);
    expect(errorsOf(VALID.replace('version: 1', 'version: 1.5'))).toEqual(['p.yaml:2:10: version: expected a whole number, got 1.5']);
    expect(errorsOf(VALID.replace('version: 1', 'version: 0'))).toEqual(['p.yaml:2:10: version: must be greater than 0, got 0']);
    expect(errorsOf(VALID.replace('to: approved', 'to: [approved]'))).toEqual([
      'p.yaml:16:13: states.review.actions.approve.to: expected text, got a list',
    ]);
  });

  it('should name an unknown key, point at it and suggest the closest allowed key', () => {
    expect(errorsOf(VALID.replace('    task: { role: agent }', '    task: { role: agent, levle: province }'))).toEqual([
      'p.yaml:11:26: states.review.task.levle: unknown key "levle" (did you mean "level"?)',
    ]);
  });

  it('should list the allowed keys when no allowed key is close to an unknown one', () => {
    expect(errorsOf(VALID.replace('    task: { role: agent }', '    task: { role: agent, deadline: 3 }'))).toEqual([
      'p.yaml:11:26: states.review.task.deadline: unknown key "deadline" (allowed keys: role, level, title)',
    ]);
  });

  it('should point a missing key at the mapping that lacks it', () => {
    expect(errorsOf(VALID.replace('initial: review\n', ''))).toEqual(['p.yaml:1:1: missing required key "initial"']);
    expect(errorsOf(VALID.replace('    task: { role: agent }\n', ''))).toEqual([
      'p.yaml:8:3: states.review: missing required key "task"',
    ]);
  });

  it('should say a definition must be a mapping when it is empty or a list', () => {
    expect(errorsOf('')).toEqual(['p.yaml:1:1: expected a mapping, got nothing']);
    expect(errorsOf('- a\n- b\n')).toEqual(['p.yaml:1:1: expected a mapping, got a list']);
  });

  it('should pick the effect form the author meant when an effect is incomplete', () => {
    const withEffect = (effect: string): string =>
      VALID.replace('        to: approved\n', `        to: approved\n        effects:\n          - ${effect}\n`);
    expect(errorsOf(withEffect('{ clock: answer }'))).toEqual([
      'p.yaml:18:13: states.review.actions.approve.effects.0: missing required key "op"',
    ]);
    expect(errorsOf(withEffect('{ clock: answer, op: pause }'))).toEqual([
      'p.yaml:18:34: states.review.actions.approve.effects.0.op: expected one of start, suspend, resume, extend, stop or restart, got "pause"',
    ]);
    expect(errorsOf(withEffect('{ notify: receipt, to: [citizen] }'))).toEqual([
      'p.yaml:18:37: states.review.actions.approve.effects.0.to.0: expected one of applicant, assignee, unit_agents or supervisors, got "citizen"',
    ]);
    expect(errorsOf(withEffect('{ send: receipt }'))).toEqual([
      'p.yaml:18:13: states.review.actions.approve.effects.0: must have either keys notify and to, or keys clock and op',
    ]);
  });

  it('should report an unknown field type inside a nested list field', () => {
    const text = VALID.replace(
      'initial: review\n',
      'input:\n  plans:\n    type: list\n    label: { fr: Plans, ar: تصاميم }\n    of: { type: fichier, label: { fr: P, ar: ت } }\ninitial: review\n',
    );
    expect(errorsOf(text)).toEqual([
      'p.yaml:10:17: input.plans.of.type: expected one of text, number, date, boolean, choice, file, list or group, got "fichier"',
    ]);
  });

  it('should report a duplicate key at its second place with the first place as hint', () => {
    const text = VALID.replace('version: 1\n', 'version: 1\nversion: 2\n');
    expect(errorsOf(text)).toEqual(['p.yaml:3:1: version: duplicate key "version" (first defined at line 2, column 1)']);
  });

  it('should report duplicate keys together with schema problems', () => {
    const text = VALID.replace('version: 1\n', 'version: 1\nversion: x\n');
    expect(errorsOf(text)).toEqual([
      'p.yaml:3:1: version: duplicate key "version" (first defined at line 2, column 1)',
      'p.yaml:3:10: version: expected a number, got "x"',
    ]);
  });
});
