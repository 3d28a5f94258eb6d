/**
 * What a person needs to know of a case's legal deadlines, worked out for a page: for each clock,
 * the days left in the clock's own counting (working days from the calendar, or calendar days),
 * how late it is, what happens when it runs out (a tacit decision, an escalation), its legal basis;
 * and the countdown of a task (the clock its due instant comes from).
 *
 * Pure: the page reads the calendar and the procedure through use cases and passes them in.
 */
import type { Calendar } from '../definitions/calendar';
import type { CompiledProcedure } from '../definitions/compiled';
import { remainingTime } from '../definitions/deadline';
import type { Counting, Label } from '../definitions/schema';
import type { CaseView, ClockStatus, TaskView } from '../workflows/messages';

/** Days left at or under which a tacit decision is announced as close. */
export const TACIT_ALERT_DAYS = 5;

const DAY_MS = 86_400_000;

/** The state of one deadline, ready for a page. */
export interface Countdown {
  /** `late`: the due instant passed; `due`: running; `paused`: suspended with time kept. */
  tone: 'late' | 'due' | 'paused' | 'none';
  /** Days left (in `counting`), or days late (calendar days). */
  days: number;
  counting: Counting;
  dueAt?: string;
  dueDate?: string;
  /** The state a tacit decision puts the case in when the clock runs out, if it decides. */
  tacit?: Label;
  /** A tacit decision falls due within `TACIT_ALERT_DAYS` (or has just fallen due). */
  alert: boolean;
}

/** One clock of the case view as the case page shows it. */
export interface ClockLine extends Countdown {
  name: string;
  label: Label;
  status: ClockStatus;
  basis?: string;
  extensions: number;
  /** Whether expiry escalates the case (rather than deciding it). */
  escalates: boolean;
}

/** Days from `now` to `due` in the clock's counting; negative days when late (calendar days). */
function daysLeft(calendar: Calendar | undefined, counting: Counting, now: Date, due: Date): { late: boolean; days: number } {
  if (due.getTime() <= now.getTime()) return { late: true, days: Math.floor((now.getTime() - due.getTime()) / DAY_MS) };
  if (!calendar) return { late: false, days: Math.ceil((due.getTime() - now.getTime()) / DAY_MS) };
  try {
    return { late: false, days: remainingTime(calendar, counting, now, due).days };
  } catch {
    // A due instant too far to walk to day by day: say it in calendar days.
    return { late: false, days: Math.ceil((due.getTime() - now.getTime()) / DAY_MS) };
  }
}

function tacitOf(procedure: CompiledProcedure | undefined, clock: string): Label | undefined {
  const def = procedure?.clocks[clock];
  if (!def || !('decide' in def.onExpiry)) return undefined;
  return procedure?.states[def.onExpiry.decide]?.label;
}

/** Every clock of the case with its countdown, in the order the view lists them. */
export function clockLines(view: CaseView, procedure: CompiledProcedure | undefined, calendar: Calendar | undefined, now: Date): ClockLine[] {
  return view.clocks.map((c) => {
    const def = procedure?.clocks[c.name];
    const tacit = tacitOf(procedure, c.name);
    let countdown: Countdown = { tone: 'none', days: 0, counting: c.counting, alert: false };
    if (c.status === 'running' && c.dueAt) {
      const left = daysLeft(calendar, c.counting, now, new Date(c.dueAt));
      countdown = {
        tone: left.late ? 'late' : 'due',
        days: left.days,
        counting: left.late ? 'calendar' : c.counting,
        dueAt: c.dueAt,
        ...(c.dueDate ? { dueDate: c.dueDate } : {}),
        alert: !!tacit && (left.late || left.days <= TACIT_ALERT_DAYS),
      };
    } else if (c.status === 'suspended') {
      countdown = { tone: 'paused', days: c.remaining?.days ?? 0, counting: c.counting, alert: false };
    } else if (c.status === 'expired') {
      countdown = { tone: 'late', days: c.expiredAt ? Math.max(0, Math.floor((now.getTime() - new Date(c.expiredAt).getTime()) / DAY_MS)) : 0, counting: 'calendar', alert: false };
    }
    return {
      ...countdown,
      ...(tacit ? { tacit } : {}),
      name: c.name,
      label: c.label,
      status: c.status,
      extensions: c.extensions,
      escalates: !!def && 'escalate' in def.onExpiry,
      ...(def?.basis ? { basis: def.basis } : {}),
    };
  });
}

/**
 * A task's countdown: the running clock its due instant comes from (the earliest), else the bare
 * due instant in calendar days; `none` for a task without a deadline.
 */
export function taskCountdown(task: TaskView, view: CaseView, procedure: CompiledProcedure | undefined, calendar: Calendar | undefined, now: Date): Countdown {
  const lines = clockLines(view, procedure, calendar, now).filter((l) => l.tone === 'due' || l.tone === 'late');
  const own = lines.find((l) => l.dueAt === task.dueAt) ?? lines.sort((a, b) => Date.parse(a.dueAt ?? '') - Date.parse(b.dueAt ?? ''))[0];
  if (own) {
    // The alert of any clock of the case counts: a tacit decision falls on the case, whichever task is open.
    return { ...own, alert: lines.some((l) => l.alert) };
  }
  if (!task.dueAt) return { tone: 'none', days: 0, counting: 'calendar', alert: false };
  const left = daysLeft(undefined, 'calendar', now, new Date(task.dueAt));
  return { tone: left.late ? 'late' : 'due', days: left.days, counting: 'calendar', dueAt: task.dueAt, alert: false };
}

/** The badge of a countdown: its catalogue key and count. */
export function countdownBadge(c: Countdown): { key: string; count: number; tone: string } | undefined {
  switch (c.tone) {
    case 'late':
      return { key: 'clock.lateBy', count: c.days, tone: 'late' };
    case 'due':
      return { key: c.counting === 'working_days' ? 'clock.workingDaysLeft' : 'clock.daysLeft', count: c.days, tone: c.days <= 2 ? 'soon' : 'due' };
    case 'paused':
      return { key: 'clock.paused', count: c.days, tone: 'paused' };
    case 'none':
      return undefined;
    default: {
      const never: never = c.tone;
      throw new Error(`unknown countdown ${String(never)}`);
    }
  }
}
