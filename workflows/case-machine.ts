/**
 * The compiled procedure as an xstate machine, driven only through xstate's pure
 * `initialTransition` / `transition`: no actors, no xstate timers, nothing executed. Each step
 * returns the state entered (if any) and the named effects to run, in xstate's order (transition
 * actions before entry actions). Sandbox-safe.
 */
import { initialTransition, setup, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { CompiledProcedure } from '../definitions/compiled';
import { MachineActions, ownValue } from '../definitions/compiled';
import type { Effect } from '../definitions/schema';

/** What one machine step asks the workflow to do, in order. */
export type StepOp = { kind: 'enter'; state: string } | { kind: 'effect'; effect: Effect };

export interface Step {
  state: string;
  ops: StepOp[];
}

export interface CaseMachine {
  initial(): Step;
  /** The transition for `event` from `state`, or undefined when the state does not handle it. */
  next(state: string, event: string): Step | undefined;
  /** Events the state handles (action names and internal events). */
  events(state: string): string[];
}

function toOps(actions: { type: string; params?: unknown }[]): StepOp[] {
  return actions.flatMap((a): StepOp[] => {
    switch (a.type) {
      case MachineActions.enter:
        return [{ kind: 'enter', state: (a.params as { state: string }).state }];
      case MachineActions.effect:
        return [{ kind: 'effect', effect: a.params as Effect }];
      default:
        return [];
    }
  });
}

export function createCaseMachine(procedure: CompiledProcedure): CaseMachine {
  // Implementations are no-ops: the pure functions only list the actions, the workflow runs them.
  const machine = setup({
    actions: { [MachineActions.enter]: () => undefined, [MachineActions.effect]: () => undefined },
  }).createMachine(procedure.machine as never) as unknown as AnyStateMachine;
  const snapshotOf = (state: string): AnyMachineSnapshot => machine.resolveState({ value: state, context: {} });

  return {
    initial() {
      const [snapshot, actions] = initialTransition(machine, undefined);
      return { state: String(snapshot.value), ops: toOps(actions) };
    },
    next(state, event) {
      // Own properties only: an event named `constructor` is no transition.
      const definition = ownValue(procedure.machine.states, state);
      if (!definition || !Object.hasOwn(definition.on, event)) return undefined;
      const [snapshot, actions] = transition(machine, snapshotOf(state), { type: event });
      return { state: String(snapshot.value), ops: toOps(actions) };
    },
    events(state) {
      return Object.keys(procedure.machine.states[state]?.on ?? {});
    },
  };
}
