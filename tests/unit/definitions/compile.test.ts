/** Compiling validated procedures into the machine and tables the workflow runs. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileProcedure } from '../../../definitions/compile';
import { MachineEvents } from '../../../definitions/compiled';
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureSource } from '../../../definitions/load';
import type { Procedure } from '../../../definitions/schema';

const DIR = path.join(__dirname, '..', '..', '..', 'definitions', 'procedures');

function load(id: string, edit: (text: string) => string = (t) => t): Procedure {
  const loaded = loadProcedureSource(edit(readFileSync(path.join(DIR, `${id}.yaml`), 'utf8')), `${id}.yaml`);
  if (!loaded.ok) throw new Error(loaded.errors.map(formatDefinitionError).join('\n'));
  return loaded.procedure;
}

describe('compileProcedure', () => {
  it('should give the same hash for the same definition, whatever the key order or comments', () => {
    const a = compileProcedure(load('legalisation-signature'));
    const b = compileProcedure(
      load('legalisation-signature', (t) => t.replace(/^version: 1\n/m, '').replace(/^id: (.*)$/m, '# reordered\nversion: 1\nid: $1')),
    );
    expect(b.hash).toBe(a.hash);
  });

  it('should change the hash when the definition changes', () => {
    const a = compileProcedure(load('legalisation-signature'));
    const b = compileProcedure(load('legalisation-signature', (t) => t.replace('duration: 1 working day', 'duration: 2 working days')));
    expect(b.hash).not.toBe(a.hash);
  });

  it('should move the building permit to tacit approval when its clock expires in review', () => {
    const compiled = compileProcedure(load('permis-construire'));
    const review = compiled.machine.states.commission_review;
    expect(review?.on[MachineEvents.clockExpired('decision')]?.target).toBe('#case.tacit_approval');
    expect(compiled.machine.states.awaiting_documents?.on[MachineEvents.clockExpired('decision')]).toBeUndefined();
    expect(compiled.states.tacit_approval).toMatchObject({ kind: 'task', outcome: 'tacitly_approved' });
  });

  it('should count working days for "N working days" clocks and calendar time otherwise', () => {
    expect(compileProcedure(load('acces-information')).clocks.answer?.counting).toBe('working_days');
    expect(compileProcedure(load('permis-habiter')).clocks.decision?.counting).toBe('calendar');
  });

  it('should wire waiting timeouts and let a supervisor decide into final states reachable by an action', () => {
    const compiled = compileProcedure(load('reclamation'));
    expect(compiled.machine.states.awaiting_information?.on[MachineEvents.waitingTimeout]?.target).toBe('#case.abandoned');
    expect(Object.keys(compiled.machine.states.review?.on ?? {}).filter((e) => e.startsWith('supervisor.decide.')).sort()).toEqual([
      'supervisor.decide.answered',
      'supervisor.decide.closed',
      'supervisor.decide.redirected',
    ]);
  });
});
