/** `endOnNonWorkingDay` in the definition language: defaults resolved by the compiler, precise errors. */
import { compileProcedure } from '../../../definitions/compile';
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureSource } from '../../../definitions/load';

const label = '{ fr: X, ar: س }';

/** A procedure with an administration clock (`answer`, in a task state) and an applicant clock (`recourse`, in a waiting state). */
function source(extra: { answer?: string; recourse?: string; timeout?: string; duration?: string } = {}): string {
  return `id: periods
version: 1
title: { fr: Délais, ar: آجال }
legalBasis: [{ law: Loi 31-13 }]
initial: review
states:
  review:
    kind: task
    label: ${label}
    task: { role: agent }
    actions:
      ask: { label: ${label}, by: [agent], to: documents }
      refuse: { label: ${label}, by: [agent], to: refused }
  documents:
    kind: waiting
    label: ${label}
    timeout: { after: 30 days, to: abandoned${extra.timeout ? `, endOnNonWorkingDay: ${extra.timeout}` : ''} }
    actions:
      submit: { label: ${label}, by: [applicant], to: review }
  refused:
    kind: waiting
    label: ${label}
    actions:
      complain: { label: ${label}, by: [applicant], to: review }
      accept: { label: ${label}, by: [applicant], to: closed }
  abandoned: { kind: final, label: ${label}, outcome: abandoned }
  closed: { kind: final, label: ${label}, outcome: refused }
clocks:
  answer:
    label: ${label}
    duration: ${extra.duration ?? '20 working days'}
    runsIn: [review]
    suspendedIn: [documents]
    onExpiry: { escalate: true }${extra.answer ? `\n    endOnNonWorkingDay: ${extra.answer}` : ''}
  recourse:
    label: ${label}
    duration: 20 working days
    runsIn: [refused]
    onExpiry: { decide: closed }${extra.recourse ? `\n    endOnNonWorkingDay: ${extra.recourse}` : ''}
escalation: { interval: 10 working days }
`;
}

function load(text: string) {
  return loadProcedureSource(text, 'periods.yaml');
}

describe('endOnNonWorkingDay', () => {
  it('should default to extend for the applicant periods (a clock running only in waiting states, a timeout) and keep for the administration', () => {
    const loaded = load(source());
    if (!loaded.ok) throw new Error(loaded.errors.map(formatDefinitionError).join('\n'));
    const compiled = compileProcedure(loaded.procedure);
    expect(compiled.clocks.answer?.endOnNonWorkingDay).toBe('keep');
    expect(compiled.clocks.recourse?.endOnNonWorkingDay).toBe('extend');
    const documents = compiled.states.documents;
    expect(documents?.kind === 'waiting' && documents.timeout?.endOnNonWorkingDay).toBe('extend');
  });

  it.each([
    ['extend', 'keep', 'keep'],
    ['keep', 'extend', 'keep'],
  ] as const)('should take what the definition says (answer %s, recourse %s, timeout %s)', (answer, recourse, timeout) => {
    const loaded = load(source({ answer, recourse, timeout }));
    if (!loaded.ok) throw new Error(loaded.errors.map(formatDefinitionError).join('\n'));
    const compiled = compileProcedure(loaded.procedure);
    expect([compiled.clocks.answer?.endOnNonWorkingDay, compiled.clocks.recourse?.endOnNonWorkingDay]).toEqual([answer, recourse]);
    const documents = compiled.states.documents;
    expect(documents?.kind === 'waiting' && documents.timeout?.endOnNonWorkingDay).toBe(timeout);
  });

  it.each(['extended', 'Extend', 'true', 'next_working_day'])('should refuse %s with the place and the two allowed values', (value) => {
    const loaded = load(source({ answer: value }));
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const messages = loaded.errors.map(formatDefinitionError);
    expect(messages).toEqual([expect.stringMatching(/^periods\.yaml:35:25: clocks\.answer\.endOnNonWorkingDay: expected one of extend or keep, got /)]);
  });

  it.each(['PT30S', 'P1DT2H', 'PT1M'])('should refuse the rule on a clock of %s, which ends at an exact instant', (duration) => {
    const loaded = load(source({ answer: 'extend', duration }));
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.map(formatDefinitionError)).toEqual([
      expect.stringMatching(new RegExp(`clocks\\.answer\\.endOnNonWorkingDay: endOnNonWorkingDay: extend applies to periods counted in days, but duration "${duration}" ends at an exact instant`)),
    ]);
  });

  it('should accept a clock with a time part and no rule (demos)', () => {
    const text = source({ duration: 'PT30S' }).replace('    suspendedIn: [documents]\n', '    suspendedIn: [documents]\n    counting: calendar\n');
    expect(load(text).ok).toBe(true);
  });
});
