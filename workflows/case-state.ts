/**
 * The durable state of a case inside its workflow: what continue-as-new carries over, and how it
 * reads as a `CaseView`. Plain data only. Sandbox-safe.
 */
import type { CompiledProcedure } from '../definitions/compiled';
import type { Level, Outcome } from '../definitions/schema';
import type { CaseInput, CaseView, ClockStatus, TaskView } from './messages';

export interface ClockRuntime {
  status: ClockStatus;
  startedAt?: string;
  dueAt?: string;
  dueDate?: string;
  /** Calendar version the due instant was computed with; a newer calendar triggers a recompute. */
  calendarVersion?: number;
  /** The instant the running period started from, and extensions granted, to recompute on calendar change. */
  basis?: { from: string; duration: string; extensions: string[] } | { resumedAt: string; remaining: { days: number; ms: number }; extensions: string[] };
  remaining?: { days: number; ms: number };
  extensions: number;
  /** Reminder instants not yet sent, earliest first. */
  reminders: string[];
  expiredAt?: string;
  /** How many times the clock was suspended (documents requests): bounded by the definition. */
  suspensions?: number;
  /** Provisional religious holiday days the due date depends on (`DueResult.provisional`). */
  provisional?: string[];
}

export interface TaskRuntime {
  state: string;
  role: string;
  level: Level;
  unit: string;
  assignee?: string;
  openedAt: string;
}

export interface EscalationRuntime {
  /** Index into the procedure's escalation levels. */
  step: number;
  level: Level;
  unit: string;
  at: string;
  clock: string;
  /** When the case climbs to the next level if nobody resolves it; absent at the top. */
  nextAt?: string;
  /** When the case was first escalated (`at` is when it reached its current level). */
  since?: string;
  /** The supervisor who last took the task over, and when. */
  takenOver?: { by: string; at: string };
}

export interface CaseState {
  state: string;
  status: 'open' | 'closed';
  outcome?: Outcome;
  filedAt: string;
  closedAt?: string;
  sequence: number;
  clocks: Record<string, ClockRuntime>;
  task?: TaskRuntime | undefined;
  escalation?: EscalationRuntime;
  /** When a waiting state gives up on the applicant. */
  waitingUntil?: string;
  /**
   * Results of applied updates by update id: Temporal dedupes update ids within one run only,
   * so Masar carries them across continue-as-new to keep "same update id, acts once".
   */
  applied: Record<string, CaseView>;
  /** Insertion order of `applied`, to bound it. */
  appliedOrder: string[];
}

/** How many update results are kept for deduplication across continue-as-new. */
export const APPLIED_UPDATES_KEPT = 100;

/** The unit code at `level` above (or at) the case's unit. */
export function unitAtLevel(input: Pick<CaseInput, 'unit'>, level: Level): string {
  switch (level) {
    case 'unit':
      return input.unit.code;
    case 'province':
      return input.unit.province ?? input.unit.code;
    case 'region':
      return input.unit.region ?? input.unit.province ?? input.unit.code;
    case 'ministry':
      return input.unit.ministry;
    default: {
      const never: never = level;
      throw new Error(`unknown level ${String(never)}`);
    }
  }
}

/** Units whose supervisors may act on an escalated case: every level the escalation reached, lowest first. */
export function escalationUnits(input: Pick<CaseInput, 'unit' | 'procedure'>, s: Pick<CaseState, 'escalation'>): string[] {
  const escalation = input.procedure.escalation;
  if (!s.escalation || !escalation) return [];
  return [...new Set(escalation.levels.slice(0, s.escalation.step + 1).map((level) => unitAtLevel(input, level)))];
}

export function buildView(input: CaseInput, s: CaseState): CaseView {
  const procedure: CompiledProcedure = input.procedure;
  const def = procedure.states[s.state];
  const tasks: TaskView[] = s.task
    ? [
        {
          state: s.task.state,
          role: s.task.role,
          level: s.task.level,
          unit: s.task.unit,
          ...(s.task.assignee ? { assignee: s.task.assignee } : {}),
          openedAt: s.task.openedAt,
          ...(taskDue(s) ? { dueAt: taskDue(s) } : {}),
          actions: Object.keys(def?.actions ?? {}),
        },
      ]
    : [];
  return {
    caseId: input.caseId,
    reference: input.reference,
    procedure: { id: procedure.id, version: procedure.version, hash: procedure.hash },
    unit: input.unit.code,
    state: s.state,
    stateLabel: def?.label ?? { fr: s.state, ar: s.state },
    status: s.status,
    ...(s.outcome ? { outcome: s.outcome } : {}),
    ...(input.registration ? { registration: input.registration } : {}),
    tasks,
    clocks: Object.entries(s.clocks).map(([name, c]) => ({
      name,
      label: procedure.clocks[name]?.label ?? { fr: name, ar: name },
      status: c.status,
      counting: procedure.clocks[name]?.counting ?? 'calendar',
      ...(c.startedAt ? { startedAt: c.startedAt } : {}),
      ...(c.dueAt && (c.status === 'running' || c.status === 'expired') ? { dueAt: c.dueAt, dueDate: c.dueDate } : {}),
      ...(c.provisional && c.status === 'running' ? { provisional: true as const, provisionalDates: c.provisional } : {}),
      ...(c.remaining && c.status === 'suspended' ? { remaining: c.remaining } : {}),
      extensions: c.extensions,
      ...(c.expiredAt ? { expiredAt: c.expiredAt } : {}),
    })),
    ...(s.escalation
      ? {
          escalation: {
            level: s.escalation.level,
            unit: s.escalation.unit,
            units: escalationUnits(input, s),
            at: s.escalation.at,
            since: s.escalation.since ?? s.escalation.at,
            clock: s.escalation.clock,
            ...(s.escalation.nextAt ? { nextAt: s.escalation.nextAt } : {}),
            ...(s.escalation.takenOver ? { takenOver: s.escalation.takenOver } : {}),
          },
        }
      : {}),
    ...(s.waitingUntil && s.status === 'open' ? { waitingUntil: s.waitingUntil } : {}),
    sequence: s.sequence,
    filedAt: s.filedAt,
    ...(s.closedAt ? { closedAt: s.closedAt } : {}),
  };
}

/**
 * When the open task is due: the earliest due instant among running clocks and clocks that
 * expired without a decision (the task is late since then: a passed deadline is never
 * forgotten by the next task, whoever acted last).
 */
export function taskDue(s: CaseState): string | undefined {
  let best: string | undefined;
  for (const c of Object.values(s.clocks)) {
    if ((c.status === 'running' || c.status === 'expired') && c.dueAt && (!best || c.dueAt < best)) best = c.dueAt;
  }
  return best;
}
