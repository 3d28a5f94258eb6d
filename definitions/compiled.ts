/**
 * The compiled form of a procedure: plain JSON, hashed, carried in every case's workflow input.
 * This module holds types and constants only, so the workflow sandbox can import it.
 */
import type {
  Action,
  Clock,
  Counting,
  Effect,
  Escalation,
  Fields,
  Label,
  Level,
  NotificationRule,
  Outcome,
  TemplateSource,
} from './schema';

/** How a duration spec counts when nothing says otherwise: `N working days` in working days, any other spec (ISO 8601, `N days`) in calendar time. */
export function defaultCounting(spec: string): Counting {
  return /working days?$/.test(spec) ? 'working_days' : 'calendar';
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

export interface CompiledState {
  kind: 'task' | 'waiting' | 'automatic' | 'final';
  label: Label;
  task?: { role: string; level: Level; title?: Label | undefined };
  outcome?: Outcome;
  actions: Record<string, CompiledAction>;
  service?: string;
  timeout?: { after: string; to: string };
}

export interface CompiledClock extends Omit<Clock, 'counting'> {
  counting: Counting;
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
  templates: Record<string, { fr: TemplateSource; ar: TemplateSource }>;
  machine: CompiledMachine;
}
