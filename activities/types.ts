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
  project(input: ProjectInput): Promise<unknown>;
  callService(input: ServiceCallInput): Promise<ServiceCallResult>;
  /** A step failed permanently (`error`), or was retried successfully (no `error`): see `db/attention.ts`. */
  recordAttention(input: AttentionRecord): Promise<void>;
}

/** The activity of the `calendarChange` workflow. */
export interface CalendarActivities {
  /** Signals every running case affected by a calendar change. */
  signalRunningCases(input: { calendarId: string; version: number; from?: string }): Promise<{
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
