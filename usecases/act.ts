/**
 * Acting on a case. This checks only that the caller may see the case and that it is open; the
 * workflow's Update validator decides whether the action is allowed in this state, for this actor,
 * with this input, and answers at once (refusals become `UseCaseError`s in `case-engine.ts`).
 */
import type { CaseRecord } from '../db/cases';
import type { ActRequest, CaseView } from '../workflows/messages';
import type { CaseEngine } from './case-engine';
import { visibleCase, type CaseAccess } from './access';
import type { UseCaseDeps } from './deps';
import { conflict } from './errors';
import type { Principal } from './principal';

/** An action as the caller asks it. */
export interface ActInput {
  /** An action of the current state, or a supervisor action (`escalation.decide`...). */
  action: string;
  input?: Record<string, unknown> | undefined;
  comment?: string | undefined;
}

/**
 * Applies `input` to the case as `p`. `updateId` makes a retry apply once (the transport derives it
 * from the caller's idempotency key, scoped by caller).
 */
export async function actOnCase(
  deps: Pick<UseCaseDeps, 'db' | 'directory'> & { engine: Pick<CaseEngine, 'act'> },
  p: Principal,
  caseId: string,
  input: ActInput,
  updateId: string,
): Promise<{ record: CaseRecord; access: CaseAccess; view: CaseView }> {
  const { record, access } = await visibleCase(deps, p, caseId);
  if (record.view.status === 'closed') {
    throw conflict('case-closed', `case ${record.view.reference} is closed (${record.view.outcome ?? 'no outcome'}); no action can be taken`);
  }
  const request: ActRequest = {
    action: input.action,
    actor: { id: p.sub, roles: p.roles, ...(p.name ? { name: p.name } : {}), ...(p.unit ? { unit: p.unit } : {}) },
    ...(input.input ? { input: input.input } : {}),
    ...(input.comment !== undefined ? { comment: input.comment } : {}),
  };
  const view = await deps.engine.act(caseId, request, updateId);
  return { record, access, view };
}
