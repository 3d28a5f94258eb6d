/** Whole-document rules: reachability through every kind of edge, roles, templates, clocks. */
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureSource } from '../../../definitions/load';
import { parseProcedure } from '../../../definitions/parse';
import { validateProcedure } from '../../../definitions/validate';

const HEAD = `id: rules
version: 1
title: { fr: Règles, ar: قواعد }
legalBasis: [{ law: Loi 55-19 }]
`;
const label = '{ fr: X, ar: س }';
const final = (outcome: string): string => `    kind: final\n    label: ${label}\n    outcome: ${outcome}\n`;

function errorsOf(text: string, knownTemplates?: ReadonlySet<string>): string[] {
  const loaded = loadProcedureSource(text, 'r.yaml', knownTemplates ? { knownTemplates } : {});
  return loaded.ok ? [] : loaded.errors.map(formatDefinitionError);
}

describe('validateProcedure', () => {
  it('should accept states reached only through a service outcome, a timeout or a clock decision', () => {
    const text = `${HEAD}initial: check
states:
  check:
    kind: automatic
    label: ${label}
    service: registry.lookup
    on: { done: review, failed: failed }
  review:
    kind: task
    label: ${label}
    task: { role: agent }
    actions:
      ask: { label: ${label}, by: [agent], to: waiting }
  waiting:
    kind: waiting
    label: ${label}
    timeout: { after: P10D, to: abandoned }
  failed:
${final('closed')}  abandoned:
${final('abandoned')}  tacit:
${final('tacitly_approved')}clocks:
  answer:
    label: ${label}
    duration: P2M
    runsIn: [review]
    onExpiry: { decide: tacit }
`;
    expect(errorsOf(text)).toEqual([]);
  });

  it('should not count a clock decision from a state where the clock does not run', () => {
    const text = `${HEAD}initial: review
states:
  review:
    kind: task
    label: ${label}
    task: { role: agent }
    actions:
      ok: { label: ${label}, by: [agent], to: done }
  other:
    kind: task
    label: ${label}
    task: { role: agent }
    actions:
      ok: { label: ${label}, by: [agent], to: done }
  done:
${final('approved')}  tacit:
${final('tacitly_approved')}clocks:
  answer:
    label: ${label}
    duration: P2M
    runsIn: [other]
    onExpiry: { decide: tacit }
`;
    expect(errorsOf(text)).toEqual([
      'r.yaml:13:3: states.other: state "other" cannot be reached from the initial state "review" (no action, service outcome, timeout or clock decision leads to it)',
      'r.yaml:23:3: states.tacit: state "tacit" cannot be reached from the initial state "review" (no action, service outcome, timeout or clock decision leads to it)',
    ]);
  });

  it('should accept a task whose only way out is a clock that decides on expiry', () => {
    const text = `${HEAD}initial: review
states:
  review:
    kind: task
    label: ${label}
    task: { role: agent }
  tacit:
${final('tacitly_refused')}clocks:
  answer:
    label: ${label}
    duration: 60 days
    runsIn: [review]
    onExpiry: { decide: tacit }
`;
    expect(errorsOf(text)).toEqual([]);
  });

  it('should not call an escalating clock a way out of a task', () => {
    const text = `${HEAD}initial: review
states:
  review:
    kind: task
    label: ${label}
    task: { role: agent }
clocks:
  answer:
    label: ${label}
    duration: 60 days
    runsIn: [review]
    onExpiry: { escalate: true }
escalation: { interval: 10 days }
`;
    expect(errorsOf(text)).toEqual([
      'r.yaml:7:3: states.review: state "review" has no way out (add an action or a clock that decides on expiry, or make it a final state)',
    ]);
  });

  it('should accept built-in and declared roles', () => {
    const text = `${HEAD}roles:
  urbanism_officer: ${label}
initial: review
states:
  review:
    kind: task
    label: ${label}
    task: { role: urbanism_officer, level: province }
    actions:
      ok: { label: ${label}, by: [urbanism_officer, agent, supervisor, admin, applicant], to: done }
  done:
${final('approved')}`;
    expect(errorsOf(text)).toEqual([]);
  });

  it("should check template names only when the shipped names are given, counting the procedure's own", () => {
    const text = `${HEAD}initial: review
states:
  review:
    kind: task
    label: ${label}
    task: { role: agent }
    actions:
      ok: { label: ${label}, by: [agent], to: done }
  done:
${final('approved')}notifications:
  - { on: decided, to: [applicant], template: letter }
  - { on: case_filed, to: [applicant], template: receipt }
templates:
  letter:
    fr: { subject: S, text: T }
    ar: { subject: S, text: T }
`;
    expect(errorsOf(text)).toEqual([]);
    expect(errorsOf(text, new Set(['receipt']))).toEqual([]);
    expect(errorsOf(text, new Set(['decision']))).toEqual([
      'r.yaml:19:50: notifications.1.template: unknown template "receipt" (known templates: decision, letter, or add it under templates)',
    ]);
  });

  it('should return problems with the key path and whether to point at the key or the value', () => {
    const parsed = parseProcedure(
      `${HEAD}initial: review
states:
  review:
    kind: task
    label: ${label}
    task: { role: reviewer }
    actions:
      ok: { label: ${label}, by: [agent], to: dne }
  done:
${final('approved')}`,
      'r.yaml',
    );
    if (!parsed.ok) throw new Error('expected the schema to accept the document');
    expect(validateProcedure(parsed.procedure)).toEqual([
      { path: ['states', 'review', 'actions', 'ok', 'to'], at: 'value', message: 'unknown state "dne"', hint: 'did you mean "done"?' },
      {
        path: ['states', 'done'],
        at: 'key',
        message: 'state "done" cannot be reached from the initial state "review"',
        hint: 'no action, service outcome, timeout or clock decision leads to it',
      },
      {
        path: ['states', 'review', 'task', 'role'],
        at: 'value',
        message: 'undeclared role "reviewer"',
        hint: 'declare it under roles, or use applicant, agent, supervisor, admin or commune_president',
      },
    ]);
  });

  it('should report a zero timeout and a zero escalation interval', () => {
    const text = `${HEAD}initial: waiting
states:
  waiting:
    kind: waiting
    label: ${label}
    timeout: { after: PT0S, to: done }
  done:
${final('abandoned')}escalation: { interval: 0 working days }
`;
    expect(errorsOf(text)).toEqual([
      'r.yaml:10:23: states.waiting.timeout.after: duration "PT0S" must be longer than zero',
      'r.yaml:15:25: escalation.interval: duration "0 working days" must be longer than zero',
    ]);
  });
});
