/**
 * Compiles a validated procedure into its `CompiledProcedure`: the xstate machine config
 * (behaviour referenced by name), the state, clock and notification tables, and a content hash.
 * Deterministic: the same definition always gives the same JSON and hash.
 */
import { createHash } from 'node:crypto';
import type {
  CompiledMachine,
  CompiledMachineState,
  CompiledProcedure,
  CompiledState,
  CompiledTransition,
} from './compiled';
import { COMPILED_FORMAT, defaultCounting, MachineActions, MachineEvents } from './compiled';
import type { Clock, Counting, Effect, EndOnNonWorkingDay, Procedure, State } from './schema';
import { BUILTIN_ROLES } from './schema';

/** `N working days` counts working days; anything else counts calendar time unless the clock says. */
export function countingOf(clock: Pick<Clock, 'duration' | 'counting'>): Counting {
  return clock.counting ?? defaultCounting(clock.duration);
}

/**
 * Whether a clock's period moves to the next working day when it ends on a non-working day: as the
 * definition says, else `extend` for a clock that runs only while the case waits for the applicant
 * (the applicant's period: documents, recourse), else `keep` (the administration's period; its
 * silence decides or escalates as soon as the period is over). Basis in docs/calendar.md.
 */
export function clockEndRule(clock: Pick<Clock, 'runsIn' | 'endOnNonWorkingDay'>, procedure: Pick<Procedure, 'states'>): EndOnNonWorkingDay {
  if (clock.endOnNonWorkingDay) return clock.endOnNonWorkingDay;
  const applicantOnly = clock.runsIn.length > 0 && clock.runsIn.every((state) => procedure.states[state]?.kind === 'waiting');
  return applicantOnly ? 'extend' : 'keep';
}

const ref = (state: string): string => `#${MACHINE_ID}.${state}`;
const MACHINE_ID = 'case';

function transition(target: string, effects: Effect[] = []): CompiledTransition {
  return {
    target: ref(target),
    actions: effects.map((params) => ({ type: MachineActions.effect, params })),
  };
}

function machineState(name: string, state: State, procedure: Procedure): CompiledMachineState {
  const entry: CompiledMachineState['entry'] = [
    { type: MachineActions.enter, params: { state: name } },
    ...state.onEnter.map((params) => ({ type: MachineActions.effect, params })),
  ];
  if (state.kind === 'final') return { type: 'final', entry, on: {} };

  const on: Record<string, CompiledTransition> = {};
  for (const [action, def] of Object.entries(state.actions)) on[action] = transition(def.to, def.effects);
  if (state.kind === 'automatic') {
    for (const [outcome, target] of Object.entries(state.on)) on[MachineEvents.serviceOutcome(outcome)] = transition(target);
  }
  if (state.kind === 'waiting' && state.timeout) on[MachineEvents.waitingTimeout] = transition(state.timeout.to);
  // A clock that decides on expiry moves the case from any state where it runs.
  for (const [clock, def] of Object.entries(procedure.clocks)) {
    if ('decide' in def.onExpiry && def.runsIn.includes(name)) {
      on[MachineEvents.clockExpired(clock)] = transition(def.onExpiry.decide);
    }
  }
  // An escalated case may be decided by a supervisor into any final state reachable by an action here.
  for (const def of Object.values(state.actions)) {
    if (procedure.states[def.to]?.kind === 'final') on[MachineEvents.supervisorDecide(def.to)] = transition(def.to);
  }
  return { entry, on };
}

function compiledState(state: State): CompiledState {
  switch (state.kind) {
    case 'final':
      return { kind: 'final', label: state.label, outcome: state.outcome, actions: {} };
    case 'task':
      return {
        kind: 'task',
        label: state.label,
        task: state.task,
        ...(state.outcome ? { outcome: state.outcome } : {}),
        actions: compiledActions(state),
      };
    case 'waiting':
      return {
        kind: 'waiting',
        label: state.label,
        actions: compiledActions(state),
        // A waiting state's timeout is the applicant's period: it ends on a working day unless told otherwise.
        ...(state.timeout ? { timeout: { ...state.timeout, endOnNonWorkingDay: state.timeout.endOnNonWorkingDay ?? 'extend' } } : {}),
        ...(state.outcome ? { outcome: state.outcome } : {}),
      };
    case 'automatic':
      return { kind: 'automatic', label: state.label, actions: compiledActions(state), service: state.service };
    default: {
      const never: never = state;
      throw new Error(`unknown state kind ${JSON.stringify(never)}`);
    }
  }
}

function compiledActions(state: Exclude<State, { kind: 'final' }>): CompiledState['actions'] {
  return Object.fromEntries(
    Object.entries(state.actions).map(([name, action]) => [name, { ...action, input: action.input ?? {} }]),
  );
}

/** JSON with object keys sorted, so the hash does not depend on key order in the YAML. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Compiles a procedure that passed `validateProcedure` (unknown states would otherwise
 * produce a machine xstate rejects at case start).
 */
export function compileProcedure(procedure: Procedure): CompiledProcedure {
  const machine: CompiledMachine = {
    id: MACHINE_ID,
    initial: procedure.initial,
    states: Object.fromEntries(
      Object.entries(procedure.states).map(([name, state]) => [name, machineState(name, state, procedure)]),
    ),
  };
  const roles: CompiledProcedure['roles'] = Object.fromEntries(BUILTIN_ROLES.map((r) => [r, null]));
  Object.assign(roles, procedure.roles);
  const body: Omit<CompiledProcedure, 'hash'> = {
    format: COMPILED_FORMAT,
    id: procedure.id,
    version: procedure.version,
    title: procedure.title,
    ...(procedure.description ? { description: procedure.description } : {}),
    legalBasis: procedure.legalBasis,
    roles,
    input: procedure.input,
    initial: procedure.initial,
    states: Object.fromEntries(Object.entries(procedure.states).map(([n, s]) => [n, compiledState(s)])),
    clocks: Object.fromEntries(
      Object.entries(procedure.clocks).map(([n, c]) => [n, { ...c, counting: countingOf(c), endOnNonWorkingDay: clockEndRule(c, procedure) }]),
    ),
    ...(procedure.escalation ? { escalation: procedure.escalation } : {}),
    notifications: procedure.notifications,
    // Only when declared: procedures without it keep the hash they had.
    ...(procedure.retention ? { retention: procedure.retention } : {}),
    ...(procedure.catalogue ? { catalogue: procedure.catalogue } : {}),
    ...(procedure.registration ? { registration: procedure.registration } : {}),
    templates: procedure.templates,
    machine,
  };
  // Round-trip through JSON so the compiled object holds exactly what a workflow input will hold.
  // Key order is kept (forms list fields in the author's order); the hash sorts keys.
  const plain = JSON.parse(JSON.stringify(body)) as Omit<CompiledProcedure, 'hash'>;
  const hash = createHash('sha256').update(canonicalJson(plain)).digest('hex');
  return { ...plain, hash };
}
