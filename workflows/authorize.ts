/**
 * Decides whether an action may be taken now, by this actor, with this input. Pure and
 * synchronous: it is the body of the `act` Update validator, so a rejected action leaves no trace
 * in the workflow history, and it runs again when the queued action is applied.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { CompiledProcedure } from '../definitions/compiled';
import { MachineEvents } from '../definitions/compiled';
import { validateInput } from '../definitions/input-validate';
import type { CaseState } from './case-state';
import { unitAtLevel } from './case-state';
import type { ActRequest, Actor, CaseInput, FieldError } from './messages';
import { RejectionType, SupervisorActions } from './messages';

export type Rejection = { type: (typeof RejectionType)[keyof typeof RejectionType]; message: string; errors?: FieldError[] };

function isApplicant(input: CaseInput, actor: Actor): boolean {
  return actor.id === input.applicant.id;
}

/** Units whose supervisors may act on an escalated case: every level the escalation reached. */
export function escalationUnits(input: CaseInput, s: CaseState): string[] {
  const escalation = input.procedure.escalation;
  if (!s.escalation || !escalation) return [];
  return escalation.levels.slice(0, s.escalation.step + 1).map((level) => unitAtLevel(input, level));
}

function actorMayTake(input: CaseInput, s: CaseState, roles: string[], actor: Actor): boolean {
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
    // Agents act where the task waits (after reassignment, not always the case's unit); without a
    // task (a waiting state), at the case's unit.
    const unit = s.task?.unit ?? input.unit.code;
    if (actor.unit === unit) return true;
  }
  // A supervisor who took the task over acts as its assignee.
  return s.task?.assignee !== undefined && s.task.assignee === actor.id;
}

function checkSupervisorAction(input: CaseInput, s: CaseState, req: ActRequest): Rejection | undefined {
  const procedure: CompiledProcedure = input.procedure;
  if (!s.escalation) return { type: RejectionType.notAllowedInState, message: `${req.action}: the case is not escalated` };
  if (!req.actor.roles.includes('supervisor') || !req.actor.unit || !escalationUnits(input, s).includes(req.actor.unit)) {
    return {
      type: RejectionType.forbidden,
      message: `${req.action}: only supervisors of ${escalationUnits(input, s).join(', ')} may act on this escalation`,
    };
  }
  const inputs = req.input ?? {};
  const reasonMissing = !req.comment || req.comment.trim() === '';
  switch (req.action) {
    case SupervisorActions.reassign: {
      const unit = inputs.unit;
      const assignee = inputs.assignee;
      const errors: FieldError[] = [];
      if (unit !== undefined && (typeof unit !== 'string' || unit === '')) errors.push({ path: 'unit', message: 'expected a unit code' });
      if (assignee !== undefined && (typeof assignee !== 'string' || assignee === ''))
        errors.push({ path: 'assignee', message: 'expected a member id' });
      if (unit === undefined && assignee === undefined) errors.push({ path: '', message: 'give a unit, an assignee, or both' });
      if (!s.task) return { type: RejectionType.notAllowedInState, message: `${req.action}: no open task to reassign` };
      if (reasonMissing) errors.push({ path: 'comment', message: 'a reason is required' });
      return errors.length ? { type: RejectionType.invalidInput, message: `${req.action}: invalid input`, errors } : undefined;
    }
    case SupervisorActions.takeOver:
      if (!s.task) return { type: RejectionType.notAllowedInState, message: `${req.action}: no open task to take over` };
      return undefined;
    case SupervisorActions.extend: {
      const clock = typeof inputs.clock === 'string' ? inputs.clock : s.escalation.clock;
      const rejection = checkExtension(input, s, clock);
      if (rejection) return rejection;
      if (reasonMissing) return { type: RejectionType.invalidInput, message: `${req.action}: a reason is required`, errors: [{ path: 'comment', message: 'a reason is required' }] };
      return undefined;
    }
    case SupervisorActions.decide: {
      const target = inputs.state;
      const allowed = Object.keys(procedure.machine.states[s.state]?.on ?? {})
        .filter((e) => e.startsWith(MachineEvents.supervisorDecide('')))
        .map((e) => e.slice(MachineEvents.supervisorDecide('').length));
      if (typeof target !== 'string' || !allowed.includes(target)) {
        return {
          type: RejectionType.invalidInput,
          message: `${req.action}: input.state must be one of ${allowed.map((a) => `"${a}"`).join(', ') || '(none)'}`,
          errors: [{ path: 'state', message: `must be one of ${allowed.join(', ') || '(none)'}` }],
        };
      }
      if (reasonMissing) return { type: RejectionType.invalidInput, message: `${req.action}: a reason is required`, errors: [{ path: 'comment', message: 'a reason is required' }] };
      return undefined;
    }
    default:
      return { type: RejectionType.notAllowedInState, message: `unknown supervisor action "${req.action}"` };
  }
}

/** Whether `clock` may be extended once more. */
export function checkExtension(input: CaseInput, s: CaseState, clock: string): Rejection | undefined {
  const def = input.procedure.clocks[clock];
  const runtime = s.clocks[clock];
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

/** Why `req` cannot be taken now, or undefined when it can. */
export function checkAction(input: CaseInput, s: CaseState, req: ActRequest): Rejection | undefined {
  if (s.status === 'closed') return { type: RejectionType.closed, message: `case ${input.reference} is closed` };
  if (req.action.startsWith('escalation.')) return checkSupervisorAction(input, s, req);
  const state = input.procedure.states[s.state];
  const action = state?.actions[req.action];
  if (!state || !action) {
    const available = Object.keys(state?.actions ?? {});
    return {
      type: RejectionType.notAllowedInState,
      message: `action "${req.action}" is not available in state "${s.state}"${available.length ? ` (available: ${available.join(', ')})` : ''}`,
    };
  }
  if (!actorMayTake(input, s, action.by, req.actor)) {
    return {
      type: RejectionType.forbidden,
      message: `action "${req.action}" may be taken by ${action.by.join(', ')}${s.task ? ` of unit ${s.task.unit}` : ''}; ${req.actor.id} may not`,
    };
  }
  const errors: FieldError[] = validateInput(action.input, req.input ?? {});
  if (action.reasonRequired && (!req.comment || req.comment.trim() === '')) errors.push({ path: 'comment', message: 'a reason is required' });
  for (const effect of action.effects) {
    if ('clock' in effect && effect.op === 'extend') {
      const rejection = checkExtension(input, s, effect.clock);
      if (rejection) return rejection;
      if (input.procedure.clocks[effect.clock]?.extension?.reasonRequired && (!req.comment || req.comment.trim() === '')) {
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
