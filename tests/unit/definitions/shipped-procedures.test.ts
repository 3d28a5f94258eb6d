/** The procedures Masar ships: valid, bilingual, citing their law, modelled as the law says. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SHIPPED_TEMPLATE_NAMES } from '../../../cli/commands/validate';
import { compileProcedure } from '../../../definitions/compile';
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureDirectory } from '../../../definitions/load';
import type { Procedure } from '../../../definitions/schema';

const DIR = path.join(__dirname, '..', '..', '..', 'definitions', 'procedures');
const IDS = ['acces-information', 'certificat-residence', 'permis-construire', 'permis-habiter', 'reclamation'];

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
  it('should ship exactly the five procedures, each file named by its id', () => {
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

  it('should give acces-information 20 working days, one extension of 20 with notice, suspended while clarifying', () => {
    const { clocks, states } = get('acces-information');
    expect(clocks.answer).toMatchObject({
      duration: '20 working days',
      runsIn: ['received', 'review'],
      suspendedIn: ['awaiting_clarification'],
      extension: { by: '20 working days', max: 1, reasonRequired: true, noticeBeforeDeadline: true },
      onExpiry: { escalate: true },
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
  });

  it('should let acces-information switch an urgent request to its 3-day clock, stopping the ordinary one', () => {
    const { clocks, states } = get('acces-information');
    expect(clocks.urgent_answer).toMatchObject({ duration: '3 days', runsIn: ['urgent_review'], extension: { by: '3 days', max: 1 } });
    const markUrgent = states.received?.kind === 'task' ? states.received.actions.mark_urgent : undefined;
    expect(markUrgent).toMatchObject({ to: 'urgent_review', effects: [{ clock: 'answer', op: 'stop' }] });
  });

  it('should decide a silent building permit into a tacit approval the province attests', () => {
    const { clocks, states } = get('permis-construire');
    expect(clocks.decision).toMatchObject({ duration: 'P2M', onExpiry: { decide: 'tacit_approval' }, suspendedIn: ['awaiting_documents'] });
    expect(states.tacit_approval).toMatchObject({
      kind: 'task',
      outcome: 'tacitly_approved',
      task: { role: 'governor_services', level: 'province' },
      actions: { issue_attestation: { to: 'attestation_issued' } },
    });
    expect(states.attestation_issued).toMatchObject({ kind: 'final', outcome: 'tacitly_approved' });
  });

  it('should escalate a silent habitability permit to the province after one month', () => {
    const { clocks, escalation } = get('permis-habiter');
    expect(clocks.decision).toMatchObject({ duration: 'P1M', onExpiry: { escalate: true } });
    expect(escalation?.levels[0]).toBe('province');
  });

  it('should let a complaint be answered, redirected or closed within 60 calendar days', () => {
    const { clocks, states, input } = get('reclamation');
    expect(clocks.answer).toMatchObject({ duration: '60 days', counting: 'calendar', onExpiry: { escalate: true } });
    expect(states.redirected).toMatchObject({ kind: 'final', outcome: 'redirected' });
    const kind = input.kind;
    expect(kind?.type === 'choice' && kind.options.map((o) => o.value)).toEqual(['reclamation', 'observation', 'suggestion']);
  });

  it('should notify the applicant of filing and decision in every procedure', () => {
    for (const id of IDS) {
      const rules = get(id).notifications.map((r) => `${r.on}->${r.to.join(',')}:${r.template}`);
      expect(rules).toEqual(expect.arrayContaining(['case_filed->applicant:receipt', 'case_closed->applicant:case-closed']));
    }
  });
});
