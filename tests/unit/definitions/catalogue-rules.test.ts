/**
 * The catalogue and registration keys of the language: what `masar validate` says about them, and
 * the catalogue entry and register a compiled procedure gives.
 */
import { catalogueEntry } from '../../../definitions/catalogue';
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureSource } from '../../../definitions/load';
import { registerOf, registrationLabel } from '../../../definitions/registration';
import { flagService } from '../../../activities/services';
import { compileYaml } from '../../support/procedures';

/** A procedure whose officer may ask for documents; `catalogue` and `extra` are spliced in. */
const procedure = (catalogue: string, options: string, extra = ''): string => `
id: permit
version: 1
title: { fr: Permis, ar: رخصة }
legalBasis: [{ law: Loi 55-19 }]
roles:
  officer: { fr: Agent, ar: موظف }
input:
  plans: { type: file, label: { fr: Plans, ar: تصاميم }, required: true }
  direction:
    type: choice
    label: { fr: Sens, ar: النوع }
    required: true
    options:
      - { value: incoming, label: { fr: Arrivé, ar: وارد } }
      - { value: outgoing, label: { fr: Départ, ar: صادر } }
${extra}
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: officer }
    actions:
      approve: { label: { fr: Délivrer, ar: تسليم }, by: [officer], to: approved }
      request_documents:
        label: { fr: Demander, ar: طلب }
        by: [officer]
        to: waiting
        input:
          documents:
            type: list
            label: { fr: Pièces, ar: وثائق }
            of:
              type: choice
              label: { fr: Pièce, ar: وثيقة }
              options: [${options}]
  waiting:
    kind: waiting
    label: { fr: Attente, ar: انتظار }
    actions:
      submit: { label: { fr: Déposer, ar: إيداع }, by: [applicant], to: review }
  approved: { kind: final, label: { fr: Délivré, ar: مسلم }, outcome: approved }
clocks:
  decision:
    label: { fr: Délai, ar: أجل }
    duration: 20 working days
    runsIn: [review]
    suspendedIn: [waiting]
    onExpiry: { decide: approved }
${catalogue}`;

const CATALOGUE = `catalogue:
  documents:
    plans: { label: { fr: Plans, ar: تصاميم }, field: plans }
    site_plan: { label: { fr: Plan de situation, ar: تصميم الموقع } }
  fees:
    - { label: { fr: Taxe, ar: رسم }, amount: 20, basis: Arrêté fiscal, unconfirmed: true }
  deadline: { clock: decision }
`;
const option = (value: string) => `{ value: ${value}, label: { fr: ${value}, ar: س } }`;

function errorsOf(text: string): string[] {
  const loaded = loadProcedureSource(text, 'permit.yaml');
  return loaded.ok ? [] : loaded.errors.map(formatDefinitionError);
}

describe('catalogue rules', () => {
  it('should accept a request for documents that names only catalogue documents', () => {
    expect(errorsOf(procedure(CATALOGUE, [option('plans'), option('site_plan')].join(', ')))).toEqual([]);
  });

  it.each(['casier_judiciaire', 'plan', 'copie_legalisee'])('should refuse asking for "%s", a document the catalogue does not publish', (doc) => {
    const errors = errorsOf(procedure(CATALOGUE, [option('plans'), option(doc)].join(', ')));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`states\\.review\\.actions\\.request_documents\\.input\\.documents\\.of\\.options\\.1\\.value: document "${doc}" is not in the catalogue: law 55-19 allows asking only for published documents`));
  });

  it('should name an unknown deadline clock and an unknown document field, with the closest name', () => {
    const bad = CATALOGUE.replace('deadline: { clock: decision }', 'deadline: { clock: decison }').replace('field: plans', 'field: plan');
    const errors = errorsOf(procedure(bad, option('plans')));
    expect(errors).toEqual([
      expect.stringMatching(/catalogue\.documents\.plans\.field: unknown input field "plan" \(did you mean "plans"\?\)/),
      expect.stringMatching(/catalogue\.deadline\.clock: unknown clock "decison": the published deadline is one of the procedure's clocks \(did you mean "decision"\?\)/),
    ]);
  });

  it('should refuse a documents request that is free text when a catalogue is published', () => {
    const text = procedure(CATALOGUE, option('plans')).replace(/ {12}type: list\n[\s\S]*?options: \[[^\]]*\]\n/, '            type: text\n            label: { fr: Pièces, ar: وثائق }\n');
    expect(errorsOf(text)).toEqual([expect.stringMatching(/documents\.type: a request for documents must offer the catalogue's documents as a choice/)]);
  });

  it('should publish documents, fees and the deadline in words in both languages', () => {
    const entry = catalogueEntry(compileYaml(procedure(CATALOGUE, option('plans'))));
    expect(entry).toEqual({
      procedure: { id: 'permit', version: 1 },
      title: { fr: 'Permis', ar: 'رخصة' },
      legalBasis: ['Loi 55-19'],
      documents: [
        { id: 'plans', label: { fr: 'Plans', ar: 'تصاميم' }, required: true },
        { id: 'site_plan', label: { fr: 'Plan de situation', ar: 'تصميم الموقع' }, required: true },
      ],
      fees: [{ label: { fr: 'Taxe', ar: 'رسم' }, amount: 20, currency: 'MAD', basis: 'Arrêté fiscal', unconfirmed: true }],
      deadline: expect.objectContaining({ clock: 'decision', duration: '20 working days', counting: 'working_days', words: { fr: '20 jours ouvrables', ar: '20 يوم عمل' }, sameDay: false, onSilence: 'decided' }),
    });
    expect(catalogueEntry(compileYaml(procedure('', option('plans'))))).toBeUndefined();
  });
});

describe('registration rules', () => {
  const REGISTERS = `registration:
  by: direction
  registers:
    incoming: { fr: Arrivée, ar: الواردات }
    outgoing: { fr: Départ, ar: الصادرات }
`;
  it('should choose the register by a required choice whose options are exactly the registers', () => {
    const compiled = compileYaml(procedure(CATALOGUE, option('plans'), REGISTERS));
    expect(registerOf(compiled, { direction: 'outgoing' })).toBe('outgoing');
    expect(() => registerOf(compiled, { direction: 'constructor' })).toThrow(/names no register/);
    expect(registerOf(compileYaml(procedure(CATALOGUE, option('plans'))), {})).toBeUndefined();
    expect(registrationLabel(2027, 42)).toBe('2027/000042');
  });

  it.each([
    ['an unknown field', REGISTERS.replace('by: direction', 'by: directon'), /registration\.by: unknown input field "directon" \(did you mean "direction"\?\)/],
    ['a field that is no choice', REGISTERS.replace('by: direction', 'by: plans'), /registration\.by: input field "plans" must be a required choice to name a register/],
    ['options that are not the registers', REGISTERS.replace('outgoing: {', 'internal: {'), /the options of "direction" \(incoming and outgoing\) must be the registers \(incoming and internal\) \(no option for internal; no register for outgoing\)/],
    ['two registers and no field', REGISTERS.replace('  by: direction\n', ''), /registration\.registers: 2 registers need a "by" input field that chooses one/],
  ])('should refuse %s', (_what, registration, message) => {
    expect(errorsOf(procedure(CATALOGUE, option('plans'), registration))).toEqual([expect.stringMatching(message)]);
  });
});

describe('flag:<field> service', () => {
  const call = (spec: string, data: Record<string, unknown>) => flagService(spec)({ caseId: 'c', service: `flag:${spec}`, data });
  it('should say set only for true (or the named value), done for anything else', async () => {
    expect(await call('urgent', { urgent: true })).toEqual({ outcome: 'set' });
    for (const urgent of [false, 'true', 1, null, undefined]) expect(await call('urgent', { urgent })).toEqual({ outcome: 'done' });
    expect(await call('urgent', {})).toEqual({ outcome: 'done' });
    expect(await call('kind=reclamation', { kind: 'reclamation' })).toEqual({ outcome: 'set' });
    expect(await call('kind=reclamation', { kind: 'observation' })).toEqual({ outcome: 'done' });
    // Inherited properties are not the applicant's data.
    expect(await call('constructor', {})).toEqual({ outcome: 'done' });
  });
});
