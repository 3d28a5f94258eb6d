/**
 * Decides whether an action may be taken now, by this actor, with this input. Pure and
 * synchronous: it is the body of the `act` Update validator, so a rejected action leaves no trace
 * in the workflow history, and it runs again when the queued action is applied.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { CompiledProcedure } from '../definitions/compiled';
import { MachineEvents, ownValue } from '../definitions/compiled';
import { validateInput } from '../definitions/input-validate';
import type { CaseState } from './case-state';
import { escalationUnits } from './case-state';
import type { ActRequest, Actor, CaseInput, FieldError, UnitChain } from './messages';
import { RejectionType, SupervisorActions, TaskActions } from './messages';

export { escalationUnits };

export type Rejection = { type: (typeof RejectionType)[keyof typeof RejectionType]; message: string; errors?: FieldError[] };

/**
 * Rules added while cases were running. A case applies each rule only if its run started after
 * the rule's patch (see `procedure-case.ts`): the loop checks an action again when it applies it,
 * so a stricter rule applied on replay would reject what the history accepted.
 */
export interface ActionRules {
  /** Every unit an action names exists and lies inside the acting supervisor's unit (issue 11.2). */
  scopedUnits: boolean;
  /** A claimed task's actions are for its assignee and the escalation's supervisors only. */
  claims: boolean;
  /** A documents request suspends a clock only as often as the clock's `suspensions.max` allows. */
  suspensionLimit: boolean;
}

/** The rules of a case started today. */
export const CURRENT_RULES: ActionRules = { scopedUnits: true, claims: true, suspensionLimit: true };

/** How often a clock may be suspended when its definition does not say. */
export const DEFAULT_MAX_SUSPENSIONS = 1;

function isApplicant(input: CaseInput, actor: Actor): boolean {
  return actor.id === input.applicant.id;
}

/** Codes of a resolved unit and of every level above it. */
export function unitChainCodes(unit: UnitChain): string[] {
  return [unit.code, unit.province, unit.region, unit.ministry].filter((c): c is string => typeof c === 'string');
}

/** Whether `actor` may work on the open task as staff: holds its role at the unit where it waits. */
export function holdsTask(s: CaseState, actor: Actor): boolean {
  return !!s.task && actor.roles.includes(s.task.role) && actor.unit === s.task.unit;
}

/** Whether `actor` supervises the case's escalation (a supervisor of a level it reached). */
export function supervisesEscalation(input: CaseInput, s: CaseState, actor: Actor): boolean {
  return actor.roles.includes('supervisor') && !!actor.unit && escalationUnits(input, s).includes(actor.unit);
}

function actorMayTake(input: CaseInput, s: CaseState, roles: string[], actor: Actor, rules: ActionRules): boolean {
  // A claimed task is its assignee's: other staff of the unit leave it alone (supervisors of the
  // escalation keep their say below).
  const claimedByOther = rules.claims && s.task?.assignee !== undefined && s.task.assignee !== actor.id;
  for (const role of roles) {
    if (role === 'applicant') {
      if (isApplicant(input, actor)) return true;
      continue;
    }
    if (!actor.roles.includes(role)) continue;
    if (role === 'supervisor') {
      if (actor.unit && escalationUnits(input, s).includes(actor.unit)) return true;
      continue;
    }
    if (claimedByOther && s.task) continue;
    // Agents act where the task waits (after reassignment, not always the case's unit); without a
    // task (a waiting state), at the case's unit.
    const unit = s.task?.unit ?? input.unit.code;
    if (actor.unit === unit) return true;
  }
  // A supervisor who took the task over acts as its assignee.
  return s.task?.assignee !== undefined && s.task.assignee === actor.id;
}

/**
 * A built-in action (task claim/release, supervisor actions) with its input read once: the checks
 * below and the runtime's `act` use this instead of re-reading `req.input`.
 */
export type BuiltinCommand =
  | { kind: 'claim' }
  | { kind: 'release' }
  | { kind: 'take_over' }
  /** At least one of `unit` and `assignee`, each a non-empty string. */
  | { kind: 'reassign'; unit?: string; assignee?: string }
  /** Without `clock`, the clock whose lateness escalated the case. */
  | { kind: 'extend'; clock?: string }
  /** `state` is only a string here: whether the case may be decided into it depends on the case. */
  | { kind: 'decide'; state: string };

/** A built-in action's input read: the command, or what is wrong with its fields. */
export type BuiltinParse =
  | { ok: true; command: BuiltinCommand }
  | { ok: false; kind: 'reassign' | 'decide'; errors: FieldError[] };

/**
 * Reads a built-in action's input into a command; undefined when `req.action` is no built-in action.
 * Field errors keep the order and wording callers have always seen.
 */
export function parseBuiltinAction(req: Pick<ActRequest, 'action' | 'input'>): BuiltinParse | undefined {
  const inputs = req.input ?? {};
  switch (req.action) {
    case TaskActions.claim:
      return { ok: true, command: { kind: 'claim' } };
    case TaskActions.release:
      return { ok: true, command: { kind: 'release' } };
    case SupervisorActions.takeOver:
      return { ok: true, command: { kind: 'take_over' } };
    case SupervisorActions.reassign: {
      const unit = inputs.unit;
      const assignee = inputs.assignee;
      const errors: FieldError[] = [];
      if (unit !== undefined && (typeof unit !== 'string' || unit === '')) errors.push({ path: 'unit', message: 'expected a unit code' });
      if (assignee !== undefined && (typeof assignee !== 'string' || assignee === ''))
        errors.push({ path: 'assignee', message: 'expected a member id' });
      if (unit === undefined && assignee === undefined) errors.push({ path: '', message: 'give a unit, an assignee, or both' });
      if (errors.length || (typeof unit !== 'string' && typeof assignee !== 'string')) {
        return { ok: false, kind: 'reassign', errors };
      }
      return {
        ok: true,
        command: { kind: 'reassign', ...(typeof unit === 'string' ? { unit } : {}), ...(typeof assignee === 'string' ? { assignee } : {}) },
      };
    }
    case SupervisorActions.extend:
      // A clock that is not a string names no clock: the escalated one is meant (as always).
      return { ok: true, command: { kind: 'extend', ...(typeof inputs.clock === 'string' ? { clock: inputs.clock } : {}) } };
    case SupervisorActions.decide:
      if (typeof inputs.state !== 'string') return { ok: false, kind: 'decide', errors: [{ path: 'state', message: 'expected a state name' }] };
      return { ok: true, command: { kind: 'decide', state: inputs.state } };
    default:
      return undefined;
  }
}

/** A named unit must be one the directory knows and inside the acting supervisor's unit. */
function checkNamedUnit(req: ActRequest, field: string, code: string): Rejection | undefined {
  const resolved = req.units?.[field];
  if (!resolved || resolved.code !== code) {
    return {
      type: RejectionType.invalidInput,
      message: `${req.action}: unknown unit "${code}"`,
      errors: [{ path: field, message: `unknown unit "${code}" (give a unit code from the directory)` }],
    };
  }
  if (!req.actor.unit || !unitChainCodes(resolved).includes(req.actor.unit)) {
    return {
      type: RejectionType.forbidden,
      message: `${req.action}: unit "${code}" is outside your unit ${req.actor.unit ?? '(none)'}; you may only name ${req.actor.unit ?? 'your unit'} or a unit below it`,
    };
  }
  return undefined;
}

function checkTaskAction(input: CaseInput, s: CaseState, req: ActRequest, parsed: BuiltinParse | undefined): Rejection | undefined {
  const task = s.task;
  if (!task) return { type: RejectionType.notAllowedInState, message: `${req.action}: the case has no open task (state "${s.state}")` };
  const kind = parsed?.ok ? parsed.command.kind : undefined;
  switch (kind) {
    case 'claim':
      if (!holdsTask(s, req.actor)) {
        return { type: RejectionType.forbidden, message: `${req.action}: only a ${task.role} of unit ${task.unit} may claim this task` };
      }
      if (task.assignee === req.actor.id) return { type: RejectionType.notAllowedInState, message: `${req.action}: the task is already yours` };
      if (task.assignee !== undefined) {
        return { type: RejectionType.notAllowedInState, message: `${req.action}: the task is claimed by ${task.assignee}; they or a supervisor must release it first` };
      }
      return undefined;
    case 'release':
      if (task.assignee === undefined) return { type: RejectionType.notAllowedInState, message: `${req.action}: the task is not claimed` };
      if (task.assignee !== req.actor.id && !supervisesEscalation(input, s, req.actor)) {
        return { type: RejectionType.forbidden, message: `${req.action}: only ${task.assignee} (the assignee) or a supervisor of the escalation may release the task` };
      }
      return undefined;
    case 'take_over':
    case 'reassign':
    case 'extend':
    case 'decide':
    case undefined:
      return { type: RejectionType.notAllowedInState, message: `unknown task action "${req.action}" (available: ${Object.values(TaskActions).join(', ')})` };
    default: {
      const never: never = kind;
      throw new Error(`unknown built-in command ${String(never)}`);
    }
  }
}

function checkSupervisorAction(
  input: CaseInput,
  s: CaseState,
  req: ActRequest,
  parsed: BuiltinParse | undefined,
  rules: ActionRules,
): Rejection | undefined {
  const procedure: CompiledProcedure = input.procedure;
  if (!s.escalation) return { type: RejectionType.notAllowedInState, message: `${req.action}: the case is not escalated` };
  if (!req.actor.roles.includes('supervisor') || !req.actor.unit || !escalationUnits(input, s).includes(req.actor.unit)) {
    return {
      type: RejectionType.forbidden,
      message: `${req.action}: only supervisors of ${escalationUnits(input, s).join(', ')} may act on this escalation`,
    };
  }
  const reasonMissing = !req.comment || req.comment.trim() === '';
  const kind = parsed === undefined ? undefined : parsed.ok ? parsed.command.kind : parsed.kind;
  switch (kind) {
    case 'reassign': {
      const errors: FieldError[] = parsed?.ok === false ? [...parsed.errors] : [];
      if (!s.task) return { type: RejectionType.notAllowedInState, message: `${req.action}: no open task to reassign` };
      if (reasonMissing) errors.push({ path: 'comment', message: 'a reason is required' });
      if (errors.length) return { type: RejectionType.invalidInput, message: `${req.action}: invalid input`, errors };
      const unit = parsed?.ok && parsed.command.kind === 'reassign' ? parsed.command.unit : undefined;
      if (rules.scopedUnits && unit !== undefined) return checkNamedUnit(req, 'unit', unit);
      return undefined;
    }
    case 'take_over':
      if (!s.task) return { type: RejectionType.notAllowedInState, message: `${req.action}: no open task to take over` };
      return undefined;
    case 'extend': {
      const named = parsed?.ok && parsed.command.kind === 'extend' ? parsed.command.clock : undefined;
      const rejection = checkExtension(input, s, named ?? s.escalation.clock);
      if (rejection) return rejection;
      if (reasonMissing) return { type: RejectionType.invalidInput, message: `${req.action}: a reason is required`, errors: [{ path: 'comment', message: 'a reason is required' }] };
      return undefined;
    }
    case 'decide': {
      const target = parsed?.ok && parsed.command.kind === 'decide' ? parsed.command.state : undefined;
      const allowed = decidableStates(procedure, s.state);
      if (target === undefined || !allowed.includes(target)) {
        return {
          type: RejectionType.invalidInput,
          message: `${req.action}: input.state must be one of ${allowed.map((a) => `"${a}"`).join(', ') || '(none)'}`,
          errors: [{ path: 'state', message: `must be one of ${allowed.join(', ') || '(none)'}` }],
        };
      }
      if (reasonMissing) return { type: RejectionType.invalidInput, message: `${req.action}: a reason is required`, errors: [{ path: 'comment', message: 'a reason is required' }] };
      return undefined;
    }
    case 'claim':
    case 'release':
    case undefined:
      return { type: RejectionType.notAllowedInState, message: `unknown supervisor action "${req.action}"` };
    default: {
      const never: never = kind;
      throw new Error(`unknown built-in command ${String(never)}`);
    }
  }
}

/** States a supervisor may decide the case into from `state` (the machine's `supervisor.decide.*` events). */
function decidableStates(procedure: CompiledProcedure, state: string): string[] {
  const machineState = ownValue(procedure.machine.states, state);
  const prefix = MachineEvents.supervisorDecide('');
  return Object.keys(machineState?.on ?? {})
    .filter((e) => e.startsWith(prefix))
    .map((e) => e.slice(prefix.length));
}

/** Whether `clock` may be extended once more. */
export function checkExtension(input: CaseInput, s: CaseState, clock: string): Rejection | undefined {
  const def = ownValue(input.procedure.clocks, clock);
  const runtime = ownValue(s.clocks, clock);
  if (!def || !runtime) return { type: RejectionType.notAllowedInState, message: `no clock "${clock}" on this case` };
  if (!def.extension) return { type: RejectionType.notAllowedInState, message: `the ${clock} deadline cannot be extended` };
  if (runtime.extensions >= def.extension.max) {
    return {
      type: RejectionType.notAllowedInState,
      message: `the ${clock} deadline was already extended ${runtime.extensions} time(s); the law allows ${def.extension.max}`,
    };
  }
  if (runtime.status === 'expired' && def.extension.noticeBeforeDeadline) {
    return {
      type: RejectionType.notAllowedInState,
      message: `the ${clock} deadline has passed: an extension must be notified before the original deadline`,
    };
  }
  if (runtime.status !== 'running' && runtime.status !== 'expired') {
    return { type: RejectionType.notAllowedInState, message: `the ${clock} deadline is ${runtime.status}` };
  }
  return undefined;
}

/** A documents request may suspend each clock only as often as its definition allows (law 55-19). */
function checkSuspensions(input: CaseInput, s: CaseState, req: ActRequest, target: string): Rejection | undefined {
  for (const name of Object.keys(input.procedure.clocks).sort()) {
    const def = input.procedure.clocks[name];
    const c = s.clocks[name];
    if (!def || !c || c.status !== 'running' || !def.suspendedIn.includes(target)) continue;
    const max = def.suspensions?.max ?? DEFAULT_MAX_SUSPENSIONS;
    const used = c.suspensions ?? 0;
    if (used >= max) {
      return {
        type: RejectionType.notAllowedInState,
        message: `action "${req.action}": the ${name} deadline was already suspended ${used} time(s) for a request to the applicant; the procedure allows ${max} (decide on the file as it is)`,
      };
    }
  }
  return undefined;
}

/**
 * Why `req` cannot be taken now, or undefined when it can.
 * @param rules the rules this case runs under (older runs replay with the rules they had).
 */
export function checkAction(input: CaseInput, s: CaseState, req: ActRequest, rules: ActionRules = CURRENT_RULES): Rejection | undefined {
  if (s.status === 'closed') return { type: RejectionType.closed, message: `case ${input.reference} is closed` };
  if (req.action.startsWith('escalation.')) return checkSupervisorAction(input, s, req, parseBuiltinAction(req), rules);
  if (req.action.startsWith('task.')) return checkTaskAction(input, s, req, parseBuiltinAction(req));
  const state = ownValue(input.procedure.states, s.state);
  const action = state && ownValue(state.actions, req.action);
  if (!state || !action) {
    const available = Object.keys(state?.actions ?? {});
    return {
      type: RejectionType.notAllowedInState,
      message: `action "${req.action}" is not available in state "${s.state}"${available.length ? ` (available: ${available.join(', ')})` : ''}`,
    };
  }
  if (!actorMayTake(input, s, action.by, req.actor, rules)) {
    const claimed = rules.claims && s.task?.assignee !== undefined && s.task.assignee !== req.actor.id;
    return {
      type: RejectionType.forbidden,
      message: claimed
        ? `action "${req.action}": the task is claimed by ${s.task?.assignee}; only they or a supervisor of the escalation may act on it`
        : `action "${req.action}" may be taken by ${action.by.join(', ')}${s.task ? ` of unit ${s.task.unit}` : ''}; ${req.actor.id} may not`,
    };
  }
  if (rules.suspensionLimit) {
    const rejection = checkSuspensions(input, s, req, action.to);
    if (rejection) return rejection;
  }
  const errors: FieldError[] = validateInput(action.input, req.input ?? {});
  if (action.reasonRequired && (!req.comment || req.comment.trim() === '')) errors.push({ path: 'comment', message: 'a reason is required' });
  for (const effect of action.effects) {
    if ('clock' in effect && effect.op === 'extend') {
      const rejection = checkExtension(input, s, effect.clock);
      if (rejection) return rejection;
      if (ownValue(input.procedure.clocks, effect.clock)?.extension?.reasonRequired && (!req.comment || req.comment.trim() === '')) {
        if (!errors.some((e) => e.path === 'comment')) errors.push({ path: 'comment', message: 'a reason is required' });
      }
    }
  }
  if (errors.length) {
    return { type: RejectionType.invalidInput, message: `action "${req.action}": ${errors.map((e) => `${e.path || 'input'} ${e.message}`).join('; ')}`, errors };
  }
  return undefined;
}

/** The typed failure the API maps to 409 / 403 / 422. */
export function rejectionFailure(rejection: Rejection): ApplicationFailure {
  return ApplicationFailure.create({
    message: rejection.message,
    type: rejection.type,
    nonRetryable: true,
    details: rejection.errors ? [rejection.errors] : [],
  });
}
