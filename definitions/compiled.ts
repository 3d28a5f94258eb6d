/**
 * The compiled form of a procedure: plain JSON, hashed, carried in every case's workflow input.
 * This module holds types, constants and pure helpers only, so the workflow sandbox can import it.
 */
import type {
  Action,
  Catalogue,
  Clock,
  Counting,
  EndOnNonWorkingDay,
  Effect,
  Escalation,
  Fields,
  Label,
  Level,
  NotificationRule,
  Outcome,
  Retention,
  Registration,
  TemplateSource,
} from './schema';

/** How a duration spec counts when nothing says otherwise: `N working days` in working days, any other spec (ISO 8601, `N days`) in calendar time. */
export function defaultCounting(spec: string): Counting {
  return /working days?$/.test(spec) ? 'working_days' : 'calendar';
}

/**
 * `record[key]` when `key` is the record's own property. A name from outside (an action, a clock, a
 * state) must not reach `Object.prototype`: `constructor` or `__proto__` is simply not there.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Bumped when the compiled shape changes; running cases keep the format they started with. */
export const COMPILED_FORMAT = 1;

/** Event types the workflow sends to the machine, besides action names. */
export const MachineEvents = {
  /** `clock.expired.<clock>`: a clock whose expiry decides moved the case. */
  clockExpired: (clock: string) => `clock.expired.${clock}`,
  /** `service.<outcome>`: an automatic state's service call finished with that outcome. */
  serviceOutcome: (outcome: string) => `service.${outcome}`,
  /** `waiting.timeout`: the applicant did not act in time. */
  waitingTimeout: 'waiting.timeout',
  /** `supervisor.decide.<state>`: a supervisor decided an escalated case into a state. */
  supervisorDecide: (state: string) => `supervisor.decide.${state}`,
} as const;

/** Named xstate actions the compiled machine references; the workflow supplies their meaning. */
export const MachineActions = {
  /** Entry of a state: params `{ state }`. */
  enter: 'masar.enter',
  /** An effect to run: params is the `Effect`. */
  effect: 'masar.effect',
} as const;

/** One transition in the xstate config, targets already prefixed with `#`. */
export interface CompiledTransition {
  target: string;
  actions: { type: string; params: Effect }[];
}

/** One state in the xstate config (plain JSON, no functions). */
export interface CompiledMachineState {
  type?: 'final';
  entry: { type: string; params: { state: string } | Effect }[];
  on: Record<string, CompiledTransition>;
}

/** The xstate machine config: what `createMachine` receives, behaviour referenced by name. */
export interface CompiledMachine {
  id: string;
  initial: string;
  states: Record<string, CompiledMachineState>;
}

export interface CompiledAction extends Omit<Action, 'input'> {
  input: Fields;
}

interface CompiledStateBase {
  label: Label;
  actions: Record<string, CompiledAction>;
}

/** A task for staff: who holds it, at which level, and the outcome reaching it decides (tacit approval). */
export interface CompiledTaskState extends CompiledStateBase {
  kind: 'task';
  task: { role: string; level: Level; title?: Label | undefined };
  outcome?: Outcome;
}

/** Waiting for the applicant, optionally until a timeout moves the case on. */
export interface CompiledWaitingState extends CompiledStateBase {
  kind: 'waiting';
  /**
   * `endOnNonWorkingDay` is resolved by the compiler (`extend` unless the definition says `keep`);
   * procedures compiled before it existed lack it and keep their end as computed.
   */
  timeout?: { after: string; to: string; endOnNonWorkingDay?: EndOnNonWorkingDay };
  /** The decision reached on entering, open to the applicant's recourse (absent before it existed). */
  outcome?: Outcome;
}

/** A service call whose outcome moves the case. */
export interface CompiledAutomaticState extends CompiledStateBase {
  kind: 'automatic';
  service: string;
}

/** The end of the case with its outcome; `actions` is always empty. */
export interface CompiledFinalState extends CompiledStateBase {
  kind: 'final';
  outcome: Outcome;
}

/**
 * One state of the compiled procedure, tagged by `kind`. The union only names the fields the
 * compiler already writes for each kind: the JSON (and so every hash) is the same as before.
 */
export type CompiledState = CompiledTaskState | CompiledWaitingState | CompiledAutomaticState | CompiledFinalState;

/** The outcome reaching `state` decides, if any: a final state's, a task state's tacit one, or a contestable decision. */
export function stateOutcome(state: CompiledState): Outcome | undefined {
  switch (state.kind) {
    case 'task':
    case 'waiting':
    case 'final':
      return state.outcome;
    case 'automatic':
      return undefined;
    default: {
      const never: never = state;
      throw new Error(`unknown state kind ${JSON.stringify(never)}`);
    }
  }
}

export interface CompiledClock extends Omit<Clock, 'counting' | 'endOnNonWorkingDay'> {
  counting: Counting;
  /**
   * Resolved by the compiler (`clockEndRule`). Optional in the type because procedures compiled
   * before the rule existed travel without it in running cases: they keep their end as computed.
   */
  endOnNonWorkingDay?: EndOnNonWorkingDay;
}

export interface CompiledProcedure {
  format: typeof COMPILED_FORMAT;
  id: string;
  version: number;
  /** sha256 of the canonical JSON of everything else: same definition, same hash. */
  hash: string;
  title: Label;
  description?: Label;
  legalBasis: { law: string; articles: string[]; title?: Label | undefined; note?: string | undefined }[];
  /** Every role the procedure knows: built-ins and its own, with labels for its own. */
  roles: Record<string, Label | null>;
  input: Fields;
  initial: string;
  states: Record<string, CompiledState>;
  clocks: Record<string, CompiledClock>;
  escalation?: Escalation;
  notifications: NotificationRule[];
  /** How long personal data is kept after closure, and why; absent: the configured default. */
  retention?: Retention;
  /** Absent when the definition declares none (procedures published before the catalogue). */
  catalogue?: Catalogue;
  /** Absent unless cases get a registration number at filing. */
  registration?: Registration;
  templates: Record<string, { fr: TemplateSource; ar: TemplateSource }>;
  machine: CompiledMachine;
}
