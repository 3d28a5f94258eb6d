/**
 * The contract between the case workflow and its activities: input and output shapes only.
 * The workflow imports this module as types; implementations live beside it and are wired by
 * `createActivities(deps)` in `activities/index.ts`.
 */
import type { RemainingTime } from '../definitions/deadline';
import type { Counting, EndOnNonWorkingDay, Label, NotificationEvent, Outcome, Recipient, TemplateSource } from '../definitions/schema';
import type { Applicant, AttentionRecord, CaseUnit, ProjectInput } from '../workflows/messages';

/** Shared with db/: they live in the contract. */
export type { AttentionRecord, JournalEntry, ProjectInput } from '../workflows/messages';

/** A notification to deliver, recorded in the outbox before any attempt to send it. */
export interface NotifyInput {
  caseId: string;
  reference: string;
  /**
   * Stable key of the occurrence that triggers the message (e.g. `seq-12`): with the event and the
   * recipient it forms the message id, so a retried activity never sends twice.
   */
  occurrence: string;
  event: NotificationEvent;
  template: string;
  /** The procedure's own version of the template, when it overrides the shipped one. */
  override?: { fr: TemplateSource; ar: TemplateSource };
  to: Recipient[];
  procedure: { id: string; version: number; title: Label; legalBasis: { law: string; articles: string[] }[] };
  unit: CaseUnit;
  applicant: Applicant;
  /** The task concerned (for assignee, unit_agents and supervisors). */
  task?: { state: string; role: string; unit: string; assignee?: string | undefined; title?: Label; /** Filled by the activity from the directory. */ unitName?: Label };
  /** Template variables: deadline, dueDate, reason, outcome, state labels... */
  vars: Record<string, unknown> & { outcome?: Outcome };
}

export interface NotifyResult {
  /** Outbox ids, one per recipient resolved. */
  messages: { id: string; recipient: string; status: 'sent' | 'queued' | 'failed' | 'erased' }[];
  /** Recipients resolved but not written to (no e-mail address), for the journal. */
  skipped?: { recipient: string; reason: string }[];
  /**
   * Recipient kinds of the rule that reached nobody (no member holds the role at the unit, the
   * assignee left the directory...): the workflow journals them as `notification.undeliverable`.
   */
  undeliverable?: { kind: Recipient; reason: string; role?: string; unit?: string; assignee?: string }[];
  /** Member ids of the supervisors told that a staff kind reached nobody. */
  alerted?: string[];
}

/** Due-instant computation, run as an activity so the calendar version used is recorded in history. */
export interface DueInput {
  calendarId: string;
  from: string;
  duration: string;
  counting: Counting;
  extensions?: string[];
  /** Reminder offsets before the due instant (duration specs, counted like the clock). */
  reminders?: string[];
  /** Compute on this calendar version or a later one (a recompute after a change), never an older cached copy. */
  minCalendarVersion?: number;
  /** The case's units (`calendarUnitsOf`): closures recorded for them count. Absent: national days off only. */
  units?: string[];
  /** A period ending on a non-working day: `extend` or `keep` (absent: keep, as before the rule). */
  endOnNonWorkingDay?: EndOnNonWorkingDay;
}

export interface DueResult {
  due: string;
  dueDate: string;
  calendarVersion: number;
  skipped: { date: string; reason: string }[];
  /** Reminder instants, in the order of `DueInput.reminders`. */
  reminders: string[];
  /** Provisional religious holiday days the due date depends on (absent: none). */
  provisional?: string[];
  /** The due date as counted, when `extend` moved it to the next working day. */
  extendedFrom?: string;
}

/** Time left on a suspended clock, and the new due date on resume. */
export interface RemainingInput {
  calendarId: string;
  at: string;
  due: string;
  counting: Counting;
  /** As `DueInput.units`. */
  units?: string[];
}

export type RemainingResult = RemainingTime;

export interface ResumeInput {
  calendarId: string;
  /** The clock's duration spec: day-counted clocks resume on whole days. */
  duration?: string;
  at: string;
  remaining: RemainingResult;
  counting: Counting;
  extensions?: string[];
  reminders?: string[];
  /** As `DueInput.minCalendarVersion`. */
  minCalendarVersion?: number;
  /** As `DueInput.units`. */
  units?: string[];
  /** As `DueInput.endOnNonWorkingDay`. */
  endOnNonWorkingDay?: EndOnNonWorkingDay;
}

/**
 * How a running clock's due instant is computed again on a newer calendar: the due-date activity's
 * own input (`op` names it), kept beside the clock in the read model so a calendar change moves
 * due dates in bulk (activities/calendar-pass.ts) with the arithmetic the workflow uses.
 */
export type ClockRecipe = ({ op: 'computeDue' } & Omit<DueInput, 'minCalendarVersion'>) | ({ op: 'resumeDue' } & Omit<ResumeInput, 'minCalendarVersion'>);

/** A running clock as the calendar pass needs it: how to recompute it, and who to tell. */
export interface ClockPlan {
  recipe: ClockRecipe;
  /** The calendar version its due instant was computed with. */
  calendarVersion: number;
  /** Reminder instants not yet sent (the case's next wake is the earliest of these and the due). */
  reminders: string[];
  /**
   * The `deadline_moved` messages as the case would send them now, less the dates: the pass fills
   * `dueAt`, `dueDate`, `previousDueAt` and the occurrence when it moves the clock.
   */
  notices: NotifyInput[];
}

/** A due instant the calendar pass moved in the read model (table `case_calendar_moves`). */
export interface CalendarMove {
  clock: string;
  calendarVersion: number;
  from: string | null;
  to: string;
  /** When the pass moved it (and queued the notices). */
  at: string;
}

/** The projection's input: the case's view and journal, and its running clocks' plans. */
export interface ProjectRequest extends ProjectInput {
  /** Running clocks by name: how a calendar change recomputes them without waking the case. */
  plans?: Record<string, ClockPlan>;
}

/** A call to another administration's service from an automatic state. */
export interface ServiceCallInput {
  caseId: string;
  service: string;
  data: Record<string, unknown>;
}

export interface ServiceCallResult {
  /** An outcome the state maps (`done`, `failed`, or a procedure's own). */
  outcome: string;
  data?: Record<string, unknown>;
}

/** Every activity the case workflow calls, by name: `createActivities(deps)` implements them. */
export interface MasarActivities {
  computeDue(input: DueInput): Promise<DueResult>;
  remainingTime(input: RemainingInput): Promise<RemainingResult>;
  resumeDue(input: ResumeInput): Promise<DueResult>;
  notify(input: NotifyInput): Promise<NotifyResult>;
  /** `calendarVersion`: the stored version of the case's calendar, when the projection read it. */
  project(input: ProjectRequest): Promise<{ calendarVersion?: number } | void>;
  callService(input: ServiceCallInput): Promise<ServiceCallResult>;
  /** A step failed permanently (`error`), or was retried successfully (no `error`): see `db/attention.ts`. */
  recordAttention(input: AttentionRecord): Promise<void>;
  /**
   * A case's calendar as it stands: the version in force, and the moves the pass made for it on
   * versions after `since` (the case journals them, without telling anyone twice).
   */
  calendarState(input: { caseId: string; calendarId: string; since: number }): Promise<{ version: number; moves: CalendarMove[] }>;
}

/** The activity of the `calendarChange` workflow. */
export interface CalendarActivities {
  /** Signals every running case affected by a calendar change. */
  signalRunningCases(input: { calendarId: string; version: number; from?: string }): Promise<{
    signalled: number;
    skipped: number;
    failed: { caseId: string; error: string }[];
  }>;
  /**
   * Moves the due dates a calendar change reaches in the read model, queues the notices, and
   * signals only the cases whose next wake came earlier or that have no plan (activities/calendar-pass.ts).
   */
  passCalendarChange(input: { calendarId: string; version: number; from?: string; units?: string[] }): Promise<{
    cases: number;
    moved: number;
    notices: number;
    signalled: number;
    skipped: number;
    failed: { caseId: string; error: string }[];
  }>;
}

/** The activities of the `retentionSweep` workflow (`activities/retention.ts`). */
export interface RetentionActivities {
  findCasesPastRetention(input: { asOf: string; limit: number }): Promise<{ caseId: string; reference: string; closedAt: string; retention: string; dueAt: string }[]>;
  /** `deferred`: the case's workflow still runs; nothing was erased, a later run takes the case again. */
  eraseCasePersonalData(input: { caseId: string; retention: string }): Promise<{ erasedNow: boolean; deferred?: boolean; documents: number; issuedDocuments: number; messages: number; journalEntries: number }>;
  deleteCaseHistory(input: { caseId: string }): Promise<{ outcome: 'deleted' | 'absent' | 'running'; runs: number }>;
}

/** Everything a Masar worker registers (retention's when it has a document store to erase from). */
export type WorkerActivities = MasarActivities & CalendarActivities & Partial<RetentionActivities>;
