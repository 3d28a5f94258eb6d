/**
 * The benchmark's procedure: three steps (file, review, decide), one working-day clock, two
 * notifications (receipt and decision), compiled the way the registry compiles procedures. The
 * case inputs and the agent who acts are built here so the engine and the scenarios agree.
 */
import { compileProcedure } from '../definitions/compile';
import type { CompiledProcedure } from '../definitions/compiled';
import { formatDefinitionError } from '../definitions/errors';
import { loadProcedureSource } from '../definitions/load';
import type { Actor, Applicant, CaseInput, CaseUnit } from '../workflows/messages';

export const BENCH_PROCEDURE_YAML = `
id: bench-permit
version: 1
title: { fr: Autorisation (banc d'essai), ar: رخصة (اختبار الأداء) }
legalBasis: [{ law: Benchmark }]
roles:
  reviewer: { fr: Instructeur, ar: مدرس }
initial: received
states:
  received:
    kind: task
    label: { fr: Reçue, ar: مستلمة }
    task: { role: reviewer }
    actions:
      review: { label: { fr: Instruire, ar: دراسة }, by: [reviewer], to: review }
  review:
    kind: task
    label: { fr: En instruction, ar: قيد الدراسة }
    task: { role: reviewer }
    actions:
      decide:
        label: { fr: Accorder, ar: منح }
        by: [reviewer]
        to: granted
        input:
          note: { type: text, label: { fr: Note, ar: ملاحظة } }
  granted: { kind: final, label: { fr: Accordée, ar: ممنوحة }, outcome: approved }
clocks:
  decision:
    label: { fr: Délai de décision, ar: أجل القرار }
    duration: 20 working days
    runsIn: [received, review]
    onExpiry: { escalate: true }
escalation:
  levels: [province]
  interval: 5 working days
notifications:
  - { on: case_filed, to: [applicant], template: receipt }
  - { on: decided, to: [applicant], template: decision }
`;

/** Compiles a procedure source; throws the formatted definition errors. */
export function compileSource(text: string, file: string): CompiledProcedure {
  const loaded = loadProcedureSource(text, file);
  if (!loaded.ok) throw new Error(loaded.errors.map(formatDefinitionError).join('\n'));
  return compileProcedure(loaded.procedure);
}

export const benchProcedure = (): CompiledProcedure => compileSource(BENCH_PROCEDURE_YAML, 'bench/procedure.ts');

/** The seeded demo commune every benchmark case is filed at. */
export const BENCH_UNIT_CODE = '01.511.01.01';
export const BENCH_CALENDAR = 'ma-administration';

export const BENCH_APPLICANT: Applicant = { id: 'bench-citizen', name: 'Amina Benali', email: 'amina@bench.masar.local', language: 'fr' };

/** An agent of the bench commune holding every role the shipped procedures give their staff. */
export const benchAgent = (unit: string): Actor => ({
  id: 'bench-agent',
  name: 'Agent Banc',
  roles: ['agent', 'reviewer', 'information_officer', 'urbanism_officer', 'complaints_officer', 'commission_member', 'governor_services', 'commune_president', 'legalisation_officer', 'mail_clerk', 'service_head'],
  unit,
});

/** A case input for `procedure` at `unit`, with a case id unique to this run. */
export function benchCaseInput(procedure: CompiledProcedure, unit: CaseUnit, caseId: string, data: Record<string, unknown> = {}): CaseInput {
  return {
    caseId,
    reference: `B-${caseId}`,
    procedure,
    unit,
    applicant: BENCH_APPLICANT,
    data,
    filedBy: { id: BENCH_APPLICANT.id, roles: ['applicant'] },
    calendarId: BENCH_CALENDAR,
  };
}
