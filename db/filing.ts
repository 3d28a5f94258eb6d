/**
 * The case row the API writes before it starts a case's workflow, so that a 2xx to a filing
 * always means the case can be read (`GET /cases/{id}`), even when no worker has run it yet or its
 * first projection failed. The row is the case as filed, at sequence 0: the first projection (any
 * sequence above 0) replaces it, and a later write of this row never overwrites a projected one.
 */
import type { CaseInput, CaseRegistration, CaseView } from '../workflows/messages';
import { writeCaseProjection } from './cases';
import { lockCase } from './journal';
import type { Db } from './pool';
import { assignRegistration, voidRegistration } from './registrations';

/** The view of a case filed and not yet projected: its initial state, no task or clock running yet. */
export function filingView(input: CaseInput, filedAt: string): CaseView {
  const { procedure } = input;
  const initial = procedure.states[procedure.initial];
  return {
    caseId: input.caseId,
    reference: input.reference,
    procedure: { id: procedure.id, version: procedure.version, hash: procedure.hash },
    unit: input.unit.code,
    state: procedure.initial,
    stateLabel: initial?.label ?? { fr: procedure.initial, ar: procedure.initial },
    status: 'open',
    tasks: [],
    clocks: Object.entries(procedure.clocks).map(([name, c]) => ({ name, label: c.label, status: 'pending', counting: c.counting, extensions: 0 })),
    sequence: 0,
    ...(input.registration ? { registration: input.registration } : {}),
    filedAt,
  };
}

/**
 * Writes the filing row unless the case is already there (a retry, or a projection got there
 * first), and, when the procedure keeps a register, the case's registration number in the same
 * transaction (gapless: a rollback takes the number back). Returns that number, to start the
 * case's workflow with.
 */
export async function recordFiling(db: Db, input: CaseInput, filedAt: string): Promise<CaseRegistration | undefined> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await lockCase(client, input.caseId);
    const registration = await assignRegistration(client, {
      caseId: input.caseId,
      unitCode: input.unit.code,
      procedure: input.procedure,
      data: input.data,
      at: new Date(filedAt),
    });
    const filed = registration ? { ...input, registration } : input;
    await writeCaseProjection(client, {
      view: filingView(filed, filedAt),
      journal: [],
      facts: {
        reference: input.reference,
        unit: input.unit,
        applicant: input.applicant,
        filedBy: input.filedBy,
        procedureTitle: input.procedure.title,
        data: input.data,
      },
    });
    await client.query('COMMIT');
    return registration;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Removes the filing row of a case whose workflow could not be started, if nothing projected it
 * since. Safe even when the start did happen after all: the first projection writes the row again.
 */
export async function forgetFiling(db: Db, caseId: string): Promise<void> {
  await db.query('DELETE FROM cases WHERE case_id = $1 AND last_sequence = 0', [caseId]);
  await voidRegistration(db, caseId);
}
