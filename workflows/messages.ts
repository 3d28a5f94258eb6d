/**
 * The shared contract of Masar: the messages of a case (updates, queries, signals, task queue,
 * workflow ids) and the shapes every layer exchanges (case input and view, journal entries, the
 * projection into the read model). Every layer may import it; it imports only `definitions/` types
 * and Temporal's message definitions (lint keeps it so). Sandbox-safe: types and definitions only.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CompiledProcedure } from '../definitions/compiled';
import type { RemainingTime } from '../definitions/deadline';
import type { Counting, Label, Language, Level, Outcome } from '../definitions/schema';

/** The task queue every Masar worker polls. */
export const TASK_QUEUE = 'masar-cases';

/** One workflow per case; the id is derived from the case id so a retry finds the same workflow. */
export const caseWorkflowId = (caseId: string): string => `case-${caseId}`;

/** The territorial unit a case was filed at, with its ancestors resolved at filing time. */
export interface CaseUnit {
  code: string;
  name: Label;
  /** Unit codes of the levels above, as the directory knew them at filing time. */
  /** The commune of an arrondissement (a closure recorded for the commune concerns its arrondissements). */
  commune?: string;
  province?: string;
  region?: string;
  ministry: string;
}

export type { Language };

export interface Applicant {
  id: string;
  name: string;
  email?: string | undefined;
  language: Language;
}

/** Who acts on a case, as established by the API from a verified token. */
export interface Actor {
  id: string;
  name?: string;
  roles: string[];
  /** The unit the actor belongs to (unit code). */
  unit?: string;
}

/**
 * A document a filing or an action names, as its journal entry records it: the SHA-256 says which
 * bytes were filed, whatever happens to the store later. No file name (personal data).
 */
export interface AttachedDocument {
  id: string;
  /** Where the input names it: `plans`, `documents.1`. */
  path: string;
  sha256: string;
  size: number;
  mediaType: string;
}

export interface CaseInput {
  caseId: string;
  /** Human reference printed on the receipt, e.g. `AI-2026-000123`. */
  reference: string;
  procedure: CompiledProcedure;
  unit: CaseUnit;
  applicant: Applicant;
  data: Record<string, unknown>;
  /** Who filed: the applicant, or an agent at the counter. */
  filedBy: Actor;
  /** Calendar used for working-day clocks. */
  calendarId: string;
  /** The case's entry in its unit's register, when the procedure keeps one (assigned at filing). */
  registration?: CaseRegistration;
  /** The documents `data` names, attached to the case by the filing; journaled with the filing. */
  documents?: AttachedDocument[];
  /** Operational knobs; tests use them to force continue-as-new early. */
  tuning?: {
    /** Continue as new once history reaches this many events, if Temporal has not suggested it first. @default 10000 */
    continueAsNewAfterEvents?: number;
  };
}

/** A registration number (`db/registrations.ts`): `2026/000017` in the unit's `incoming` register. */
export interface CaseRegistration {
  register: string;
  year: number;
  number: number;
  label: string;
}

/** A unit's code with the codes of the levels above it, as the directory knows them. */
export type UnitChain = Omit<CaseUnit, 'name'>;

export interface ActRequest {
  action: string;
  actor: Actor;
  input?: Record<string, unknown>;
  comment?: string;
  /**
   * Every unit the input names (by input field, e.g. `unit` of `escalation.reassign`), resolved
   * through the directory by the API: the workflow cannot query it, and checks scope on these.
   * A named unit missing here is refused as unknown.
   */
  units?: Record<string, UnitChain>;
  /** The documents `input` names, attached to the case by the API; journaled with the action. */
  documents?: AttachedDocument[];
}

/** Error types of rejected actions, carried by `ApplicationFailure.type`; the API maps them to HTTP. */
export const RejectionType = {
  /** The action is not available in the case's current state: 409. */
  notAllowedInState: 'ActionNotAllowedInState',
  /** The actor's role or unit may not take this action: 403. */
  forbidden: 'ActorNotAllowed',
  /** The input does not match the action's schema: 422. */
  invalidInput: 'InvalidActionInput',
  /** The case needs an administrator (a step failed permanently; see `GET /attention`): 409. */
  needsAttention: 'CaseNeedsAttention',
  /** The case is already closed: 409. */
  closed: 'CaseClosed',
} as const;
export type RejectionType = (typeof RejectionType)[keyof typeof RejectionType];

/** Details attached to an `InvalidActionInput` failure: one entry per bad field. */
export interface FieldError {
  path: string;
  message: string;
}

export type ClockStatus = 'pending' | 'running' | 'suspended' | 'stopped' | 'expired';

export interface ClockView {
  name: string;
  label: Label;
  status: ClockStatus;
  counting: Counting;
  startedAt?: string;
  /** Absolute due instant (ISO), while running. */
  dueAt?: string | undefined;
  /** Local due date in the unit's calendar (YYYY-MM-DD). */
  dueDate?: string | undefined;
  /**
   * Present when the due date depends on a religious holiday's date that is still provisional
   * (computed, not yet announced): it may move by a day or more once the date is announced.
   */
  provisional?: true;
  /** The provisional holiday days concerned (YYYY-MM-DD), with `provisional`. */
  provisionalDates?: string[];
  /** Remaining time kept while suspended, in the clock's counting unit. */
  remaining?: RemainingTime;
  extensions: number;
  expiredAt?: string;
}

export interface TaskView {
  state: string;
  role: string;
  level: Level;
  /** The unit the task is waiting at (after escalation or reassignment, not always the case's unit). */
  unit: string;
  /** Who claimed the task, or the member a supervisor assigned it to, or the supervisor who took it over. */
  assignee?: string;
  openedAt: string;
  /** When the task is due: the earliest running deadline, or the passed deadline it is late on. */
  dueAt?: string | undefined;
  actions: string[];
}

export interface EscalationView {
  /** The level reached so far (the case keeps climbing while undecided). */
  level: Level;
  unit: string;
  /** Units of every level reached so far, lowest first: their supervisors see and act on the case. */
  units: string[];
  /** When the case reached its current level. */
  at: string;
  /** When the case was first escalated: it stays escalated until decided, closed, or its deadline extended. */
  since: string;
  clock: string;
  /** When it climbs to the next level if still undecided; absent at the top. */
  nextAt?: string;
  /** The supervisor who last took the task over, and when. */
  takenOver?: { by: string; at: string };
}

export interface CaseView {
  caseId: string;
  reference: string;
  procedure: { id: string; version: number; hash: string };
  unit: string;
  state: string;
  stateLabel: Label;
  status: 'open' | 'closed';
  outcome?: Outcome;
  tasks: TaskView[];
  clocks: ClockView[];
  escalation?: EscalationView;
  /** While the case waits for the applicant: until when (after that the waiting state times out). */
  waitingUntil?: string;
  /** Sequence number of the last journal entry, for the read model's projection. */
  sequence: number;
  /** The registration number given at filing (bureau d'ordre), if any. */
  registration?: CaseRegistration;
  filedAt: string;
  closedAt?: string;
}

/** A human action: validated synchronously, answered at once with the new case view. */
export const actUpdate = defineUpdate<CaseView, [ActRequest]>('act');
/**
 * Resolves once the case is filed (initial state entered, clocks started, receipt queued) with its
 * view. The API sends it with the workflow start (update-with-start) to answer `POST /cases`.
 */
export const filedUpdate = defineUpdate<CaseView, []>('filed');
/** The case view straight from the workflow (consistent read): as of the last completed step. */
export const viewQuery = defineQuery<CaseView>('view');
/**
 * An administrator fixed what made a step of the case fail permanently (see `GET /attention`):
 * project the case again and, if that succeeds, carry on.
 */
export const retryAttentionSignal = defineSignal('retryAttention');
/** The calendar changed: recompute due instants of running clocks. */
export const calendarChangedSignal = defineSignal<[{ calendarId: string; version: number }]>('calendarChanged');

/**
 * Actions built into every procedure for supervisors of an escalated case (names never collide with
 * a definition's actions, which are lower_snake_case without dots).
 * - reassign: `input: { unit?, assignee? }`, with a comment;
 * - take_over: the supervisor becomes the task's assignee and may take its actions;
 * - extend: `input: { clock? }` (default: the escalated clock), where the definition allows, with a comment;
 * - decide: `input: { state }`, a final state the current state's actions lead to, with a comment.
 */
export const SupervisorActions = {
  reassign: 'escalation.reassign',
  takeOver: 'escalation.take_over',
  extend: 'escalation.extend',
  decide: 'escalation.decide',
} as const;

/**
 * Actions built into every task for the staff who hold its role at its unit (no input):
 * - claim: the caller becomes the task's assignee; from then on the task's actions are for the
 *   assignee and the supervisors of an escalation only, until it is released;
 * - release: the assignee (or a supervisor of the escalation) gives the task back to its unit.
 */
export const TaskActions = {
  claim: 'task.claim',
  release: 'task.release',
} as const;

/** Every built-in action, for the API's list of what a caller may do. */
export const BUILTIN_ACTIONS = [...Object.values(SupervisorActions), ...Object.values(TaskActions)] as const;

/** What the workflow returns when the case closes. */
export interface CaseResult {
  state: string;
  outcome?: Outcome;
  closedAt: string;
}

/** One row of a case's append-only journal. */
export interface JournalEntry {
  /** 1, 2, 3... per case, gap-free; with the case id, the idempotency key of the projection. */
  sequence: number;
  at: string;
  /** `system` for timers and automatic steps. */
  actor: { id: string; roles: string[]; unit?: string } | { id: 'system'; roles: [] };
  /** What happened: `filed`, an action name, `clock.started`, `clock.expired`, `escalated`, `notified`... */
  kind: string;
  fromState?: string;
  toState?: string;
  reason?: string | undefined;
  /** Extra facts (clock name, due instant, escalation level...). No personal data. */
  data?: Record<string, unknown>;
}

/** Projection of a case into the read model, idempotent by (caseId, view.sequence). */
/** What `recordAttention` records: `error` present opens (or refreshes) the case's row, absent resolves it. */
export interface AttentionRecord {
  caseId: string;
  reference: string;
  procedureId: string;
  unit: string;
  /** The step that failed: filing, action, clocks, recompute. */
  step: string;
  error?: string;
  errorType?: string;
}

export interface ProjectInput {
  view: CaseView;
  /** Entries added since the previous projection (sequences contiguous, ending at view.sequence). */
  journal: JournalEntry[];
  /** Case facts that never change, sent with the first projection and on every one for robustness. */
  facts: {
    reference: string;
    unit: CaseUnit;
    applicant: Applicant;
    filedBy: Actor;
    procedureTitle: Label;
    /** The applicant's data (may hold personal data: stored in the read model, never in logs). */
    data: Record<string, unknown>;
  };
}

/** What the `calendarChange` workflow is started with (one per calendar version). */
export interface CalendarChangeRequest {
  calendarId: string;
  version: number;
  /** First local date the change touches (YYYY-MM-DD). */
  from?: string;
  /** A closure limited to these units: only cases filed in them or below them are reached. */
  units?: string[];
}

/**
 * The units whose calendar a case follows, nearest first: its own, its commune (for an
 * arrondissement), its prefecture/province, region and the ministry. A closure recorded for any
 * of them moves the case's deadlines.
 */
export function calendarUnitsOf(unit: Omit<CaseUnit, 'name'>): string[] {
  return [unit.code, unit.commune, unit.province, unit.region, unit.ministry].filter((u): u is string => !!u);
}

export const calendarChangeWorkflowId = (calendarId: string, version: number): string => `calendar-${calendarId}-v${version}`;
