/**
 * Acting on a case. This checks only that the caller may see the case and that it is open; the
 * workflow's Update validator decides whether the action is allowed in this state, for this actor,
 * with this input, and answers at once (refusals become `UseCaseError`s in `case-engine.ts`).
 * An idempotency key is recorded with a hash of the request (`db/idempotency.ts`), so the same key
 * sent with another action, input, comment or case is refused instead of answering with the first
 * action's result (Temporal would answer a reused Update id with the first Update's outcome).
 */
import { createHash } from 'node:crypto';
import type { CaseRecord } from '../db/cases';
import { UnitLookupError } from '../db/directory';
import { claimActionKey } from '../db/idempotency';
import { getProcedure } from '../db/procedures';
import { canonicalJson } from '../definitions/compile';
import { ownValue } from '../definitions/compiled';
import { SupervisorActions, type ActRequest, type AttachedDocument, type CaseView, type UnitChain } from '../workflows/messages';
import type { CaseEngine } from './case-engine';
import { visibleCase, type CaseAccess } from './access';
import { actionsFor, type AvailableAction } from './available-actions';
import type { UseCaseDeps } from './deps';
import { attach, checkDocuments, detach } from './documents';
import { conflict, invalid, UseCaseError } from './errors';
import type { Principal } from './principal';

/** Input fields of built-in actions that name a unit: resolved here, scope-checked by the workflow. */
const UNIT_FIELDS: Record<string, string[]> = { [SupervisorActions.reassign]: ['unit'] };

/**
 * Resolves every unit the action's input names through the directory (the workflow cannot query
 * it, and checks that each lies inside the acting supervisor's unit): an unknown or inactive unit is
 * refused here naming the field. Values that are not text are left to the workflow's input check.
 */
export async function resolveNamedUnits(
  directory: Pick<UseCaseDeps['directory'], 'caseUnit'>,
  action: string,
  input: Record<string, unknown> | undefined,
): Promise<Record<string, UnitChain>> {
  const units: Record<string, UnitChain> = {};
  // An action name is outside input: own entries only (`constructor` names no unit fields).
  for (const field of ownValue(UNIT_FIELDS, action) ?? []) {
    const code = input?.[field];
    if (typeof code !== 'string' || code === '') continue;
    try {
      const { name: _name, ...chain } = await directory.caseUnit(code);
      units[field] = chain;
    } catch (err) {
      if (err instanceof UnitLookupError) throw invalid(err.message, [{ path: `input.${field}`, message: err.reason.replace('_', ' ') }]);
      throw err;
    }
  }
  return units;
}

/**
 * The documents an action's input names, checked against the action of the case's current state
 * (the workflow checks the rest of the input). A built-in action or an unknown one names none.
 */
async function actionDocuments(db: UseCaseDeps['db'], p: Principal, record: CaseRecord, input: ActInput): Promise<AttachedDocument[]> {
  if (!input.input || Object.keys(input.input).length === 0) return [];
  const { id, version } = record.view.procedure;
  const published = await getProcedure(db, id, version);
  const state = published?.compiled.states[record.view.state];
  const action = state && Object.prototype.hasOwnProperty.call(state.actions, input.action) ? state.actions[input.action] : undefined;
  if (!action) return [];
  return checkDocuments(db, p, action.input, input.input, 'input', record.view.caseId);
}

/** An action as the caller asks it. */
export interface ActInput {
  /** An action of the current state, or a built-in one (`escalation.decide`, `task.claim`...). */
  action: string;
  input?: Record<string, unknown> | undefined;
  comment?: string | undefined;
}

/** Records what `key` stands for, or refuses a different request under it. */
async function claimKey(db: UseCaseDeps['db'], caller: string, key: string, caseId: string, input: ActInput): Promise<void> {
  const body = { action: input.action, ...(input.input ? { input: input.input } : {}), ...(input.comment !== undefined ? { comment: input.comment } : {}) };
  const requestHash = createHash('sha256').update(canonicalJson({ caseId, ...body })).digest('hex');
  const claim = await claimActionKey(db, caller, key, { caseId, requestHash });
  if (claim.caseId !== caseId) {
    throw conflict('idempotency-key-reused', `Idempotency-Key "${key}" was already used for an action on another case (${claim.caseId}); use a new key for each action`);
  }
  if (claim.requestHash !== requestHash) {
    throw conflict('idempotency-key-reused', `Idempotency-Key "${key}" was already used on this case with a different action, input or comment; use a new key for a new action`);
  }
}

/**
 * Applies `input` to the case as `p`. `updateId` makes a retry apply once (the transport derives it
 * from the caller's idempotency key, scoped by caller); `key`, the caller's idempotency key, binds
 * that key to this one request.
 */
export async function actOnCase(
  deps: Pick<UseCaseDeps, 'db' | 'directory'> & Partial<Pick<UseCaseDeps, 'now'>> & { engine: Pick<CaseEngine, 'act'> },
  p: Principal,
  caseId: string,
  input: ActInput,
  updateId: string,
  key?: string,
): Promise<{ record: CaseRecord; access: CaseAccess; view: CaseView; actions: AvailableAction[] }> {
  const { record, access } = await visibleCase(deps, p, caseId);
  if (record.view.status === 'closed') {
    throw conflict('case-closed', `case ${record.view.reference} is closed (${record.view.outcome ?? 'no outcome'}); no action can be taken`);
  }
  // Bad input (an unknown unit) is refused before the key is claimed: it changes nothing.
  const units = await resolveNamedUnits(deps.directory, input.action, input.input);
  const documents = await actionDocuments(deps.db, p, record, input);
  if (key) await claimKey(deps.db, p.sub, key, caseId, input);
  const request: ActRequest = {
    action: input.action,
    actor: { id: p.sub, roles: p.roles, ...(p.name ? { name: p.name } : {}), ...(p.unit ? { unit: p.unit } : {}) },
    ...(input.input ? { input: input.input } : {}),
    ...(input.comment !== undefined ? { comment: input.comment } : {}),
    ...(Object.keys(units).length ? { units } : {}),
    ...(documents.length ? { documents } : {}),
  };
  const at = (deps.now ?? (() => new Date()))().toISOString();
  await attach(deps.db, caseId, documents, `${input.action}:input`, at);
  let view: CaseView;
  try {
    view = await deps.engine.act(caseId, request, updateId);
  } catch (err) {
    // Refused by the workflow: the documents go back to their uploader, who may name them again.
    // Not on a timeout or an outage: the action may have been applied, naming them for good.
    if (err instanceof UseCaseError && err.kind !== 'unavailable') await detach(deps.db, caseId, documents, at).catch(() => undefined);
    throw err;
  }
  return { record, access, view, actions: await actionsFor(deps, p, record, view) };
}
