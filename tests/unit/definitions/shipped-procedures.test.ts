/** The procedures Masar ships: valid, bilingual, citing their law, modelled as the law says. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SHIPPED_TEMPLATE_NAMES } from '../../../cli/commands/validate';
import { compileProcedure } from '../../../definitions/compile';
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureDirectory } from '../../../definitions/load';
import type { Procedure } from '../../../definitions/schema';

const DIR = path.join(__dirname, '..', '..', '..', 'definitions', 'procedures');
const IDS = ['acces-information', 'bureau-ordre', 'controle-legalite', 'legalisation-signature', 'permis-construire', 'permis-habiter', 'reclamation'];

let procedures: Record<string, Procedure>;

beforeAll(async () => {
  const loaded = await loadProcedureDirectory(DIR, { knownTemplates: new Set(SHIPPED_TEMPLATE_NAMES) });
  if (!loaded.ok) throw new Error(loaded.errors.map(formatDefinitionError).join('\n'));
  procedures = Object.fromEntries(loaded.procedures.map((p) => [p.id, p]));
});

const get = (id: string): Procedure => {
  const procedure = procedures[id];
  if (!procedure) throw new Error(`procedure ${id} not loaded`);
  return procedure;
};

describe('shipped procedures', () => {
  it('should ship exactly the seven procedures, each file named by its id', () => {
    expect(Object.keys(procedures).sort()).toEqual(IDS);
    expect(readdirSync(DIR).sort()).toEqual(IDS.map((id) => `${id}.yaml`));
  });

  it.each(IDS)('should point editors at the JSON Schema in %s', (id) => {
    const first = readFileSync(path.join(DIR, `${id}.yaml`), 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=../procedure.schema.json');
  });

  it.each(IDS)('should compile %s and cite a legal basis', (id) => {
    const procedure = get(id);
    expect(procedure.legalBasis.length).toBeGreaterThan(0);
    const compiled = compileProcedure(procedure);
    expect(compiled.id).toBe(id);
    expect(compiled.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(IDS)('should mark every unconfirmed parameter of %s as [NC]', (id) => {
    const text = readFileSync(path.join(DIR, `${id}.yaml`), 'utf8');
    expect(text).toContain('[NC]');
  });

  it('should give acces-information 20 working days from receipt, one extension of 20 with notice, an implicit refusal on silence', () => {
    const { clocks, states } = get('acces-information');
    expect(clocks.answer).toMatchObject({
      duration: '20 working days',
      runsIn: ['intake', 'received', 'review', 'urgent_review'],
      suspendedIn: ['awaiting_clarification'],
      suspensions: { max: 1 },
      extension: { by: '20 working days', max: 1, reasonRequired: true, noticeBeforeDeadline: true },
      onExpiry: { decide: 'implicit_refusal' },
    });
    expect(states.review?.kind === 'task' && states.review.task.role).toBe('information_officer');
    expect(states.awaiting_clarification).toMatchObject({ kind: 'waiting', timeout: { to: 'abandoned' } });
    const refuse = states.review?.kind === 'task' ? states.review.actions.refuse : undefined;
    const ground = refuse?.input?.ground;
    expect(ground?.type === 'choice' && ground.options.map((o) => o.value)).toEqual([
      'not_available',
      'article_7_exception',
      'already_published',
      'repeated_request',
      'unclear_request',
      'being_prepared',
      'archived',
    ]);
    expect(refuse?.input?.details).toMatchObject({ type: 'text', required: true });
    const partial = states.review?.kind === 'task' ? states.review.actions.answer_partially : undefined;
    expect(partial).toMatchObject({ to: 'partially_refused', input: { document: { required: true }, ground: { required: true } } });
  });

  it('should route an access request asked urgent to its 3-day clock at filing, and let the officer requalify it', () => {
    const { clocks, states } = get('acces-information');
    expect(states.intake).toMatchObject({ kind: 'automatic', service: 'flag:urgent', on: { set: 'urgent_review', done: 'received' } });
    expect(clocks.urgent_answer).toMatchObject({ duration: '3 days', runsIn: ['urgent_review'], extension: { by: '3 days', max: 1 }, onExpiry: { decide: 'implicit_refusal' } });
    expect(states.urgent_review?.kind === 'task' && states.urgent_review.actions.requalify).toMatchObject({ to: 'review', reasonRequired: true });
  });

  it('should open the law 31-13 recourse: head of the body within 20 working days, then the CDAI within 30 days', () => {
    const { clocks, states } = get('acces-information');
    for (const decided of ['refused', 'partially_refused', 'implicit_refusal']) {
      expect(states[decided]).toMatchObject({ kind: 'waiting', timeout: { after: '20 working days' }, actions: { complain: { by: ['applicant'], to: 'head_review' } } });
    }
    expect(states.implicit_refusal).toMatchObject({ outcome: 'tacitly_refused' });
    expect(states.head_review).toMatchObject({ kind: 'task', task: { role: 'commune_president' } });
    expect(clocks.head_answer).toMatchObject({ runsIn: ['head_review'], onExpiry: { decide: 'complaint_unanswered' } });
    for (const rejected of ['complaint_rejected', 'complaint_unanswered']) {
      expect(states[rejected]).toMatchObject({ kind: 'waiting', timeout: { after: '30 days' }, actions: { refer_to_cdai: { to: 'cdai_review' } } });
    }
  });

  it('should have the president decide the building permit on the commission opinion, tacitly approved on silence', () => {
    const { clocks, states, legalBasis } = get('permis-construire');
    expect(legalBasis.map((b) => b.law).join('\n')).toContain('2-18-577');
    expect(legalBasis.map((b) => b.law).join('\n')).not.toContain('2-13-424');
    expect(clocks.decision).toMatchObject({ duration: 'P2M', onExpiry: { decide: 'tacit_approval' }, suspendedIn: ['awaiting_documents'], suspensions: { max: 1 } });
    expect(states.president_decision).toMatchObject({ kind: 'task', task: { role: 'commune_president' }, actions: { approve: { to: 'approved' }, refuse: { to: 'refused' } } });
    expect(states.tacit_approval).toMatchObject({
      kind: 'task',
      outcome: 'tacitly_approved',
      task: { role: 'governor_services', level: 'province' },
      actions: { issue_attestation: { to: 'attestation_issued' } },
    });
    expect(states.tacit_approval?.label.ar).toBe('السكوت بمثابة موافقة');
    expect(states.attestation_issued).toMatchObject({ kind: 'final', outcome: 'tacitly_approved' });
  });

  it('should approve a silent habitability permit tacitly after one month, the president issuing it after the site check', () => {
    const { clocks, states, input } = get('permis-habiter');
    expect(clocks.decision).toMatchObject({ duration: 'P1M', onExpiry: { decide: 'tacit_approval' } });
    expect(states.president_decision).toMatchObject({ task: { role: 'commune_president' } });
    expect(input.completion_certificate?.label).toEqual({ fr: "Certificat de fin des travaux établi par l'architecte", ar: 'شهادة انتهاء الأشغال مسلمة من طرف المهندس المعماري' });
    const check = states.site_check?.kind === 'task' ? states.site_check.actions : {};
    expect(check.add_documents).toMatchObject({ by: ['applicant'], to: 'site_check' });
    expect(check.withdraw).toMatchObject({ by: ['applicant'], to: 'withdrawn' });
  });

  it('should give a complaint a 60-day answer that escalates, and an observation or suggestion no clock', () => {
    const { clocks, states, input } = get('reclamation');
    expect(clocks.answer).toMatchObject({ duration: '60 days', counting: 'calendar', runsIn: ['review', 'awaiting_information'], onExpiry: { escalate: true } });
    expect(states.intake).toMatchObject({ kind: 'automatic', service: 'flag:kind=reclamation', on: { set: 'review', done: 'study' } });
    expect(Object.values(clocks).some((c) => c.runsIn.includes('study'))).toBe(false);
    expect(states.redirected).toMatchObject({ kind: 'final', outcome: 'redirected' });
    const kind = input.kind;
    expect(kind?.type === 'choice' && kind.options.map((o) => o.value)).toEqual(['reclamation', 'observation', 'suggestion']);
  });

  it('should number the bureau d\'ordre mail in an incoming and an outgoing register chosen by direction', () => {
    const { registration } = get('bureau-ordre');
    expect(registration).toEqual({
      by: 'direction',
      registers: { incoming: { fr: 'Registre du courrier arrivé', ar: 'سجل الواردات' }, outgoing: { fr: 'Registre du courrier départ', ar: 'سجل الصادرات' } },
    });
  });

  it('should make a deliberation enforceable when the governor stays silent in the control period', () => {
    const { clocks, states } = get('controle-legalite');
    expect(clocks.opposition).toMatchObject({ duration: '3 working days', onExpiry: { decide: 'enforceable_tacitly' } });
    expect(clocks.visa).toMatchObject({ onExpiry: { decide: 'enforceable_tacitly' } });
    expect(states.enforceable_tacitly).toMatchObject({ kind: 'final', outcome: 'tacitly_approved' });
    expect(states.legality_control).toMatchObject({ task: { role: 'governor_services', level: 'province' } });
  });

  it.each(IDS)('should say, for every clock and waiting timeout of %s, whether a period ending on a closed day moves', (id) => {
    const { clocks, states } = get(id);
    for (const [name, clock] of Object.entries(clocks)) expect([name, clock.endOnNonWorkingDay]).toEqual([name, 'keep']);
    for (const [name, state] of Object.entries(states)) {
      if (state.kind === 'waiting' && state.timeout) expect([name, state.timeout.endOnNonWorkingDay]).toEqual([name, 'extend']);
    }
  });

  it.each(IDS)('should publish the catalogue of %s: documents, fees and a deadline clock', (id) => {
    const { catalogue, clocks } = get(id);
    expect(catalogue).toBeDefined();
    expect(Object.keys(catalogue?.documents ?? {}).length).toBeGreaterThan(0);
    expect(Object.hasOwn(clocks, catalogue?.deadline.clock ?? '')).toBe(true);
    for (const fee of catalogue?.fees ?? []) expect(fee.basis.length).toBeGreaterThan(0);
  });

  it.each(IDS)('should write "الجماعة الترابية", not a bare "الجماعة", where %s means a collectivity in general', (id) => {
    const text = readFileSync(path.join(DIR, `${id}.yaml`), 'utf8');
    // "الجماعة" alone is the commune; the collectivity in general reads "الجماعة الترابية".
    for (const line of text.split('\n').filter((l) => /collectivité/i.test(l) && /الجماعة/.test(l))) {
      expect(line).toContain('الجماعة الترابية');
    }
  });

  it('should notify the applicant of filing and decision in every procedure', () => {
    for (const id of IDS) {
      const rules = get(id).notifications.map((r) => `${r.on}->${r.to.join(',')}:${r.template}`);
      expect(rules).toEqual(expect.arrayContaining(['case_filed->applicant:receipt', 'case_closed->applicant:case-closed']));
    }
  });
});
