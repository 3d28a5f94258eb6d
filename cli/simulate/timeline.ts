/**
 * The timeline of a simulated case, as an administrator reads it: one line per journal entry with
 * its local date and time in the calendar's zone, clocks with their due dates, escalations with the
 * unit reached, tacit decisions, who was told, and the outcome.
 */
import type { JournalEntry, NotifyInput } from '../../activities/types';
import type { CompiledProcedure } from '../../definitions/compiled';
import { stateOutcome } from '../../definitions/compiled';
import { localDateOf, offsetAt, weekdayOf } from '../../definitions/local-time';
import type { CaseView } from '../../workflows/messages';
import type { SimulationResult } from './run';

const WEEKDAY = { monday: 'Mon', tuesday: 'Tue', wednesday: 'Wed', thursday: 'Thu', friday: 'Fri', saturday: 'Sat', sunday: 'Sun' } as const;

/** `Mon 2027-02-22 10:00` in `zone`. */
export function localStamp(iso: string, zone: string): string {
  const instant = new Date(iso);
  const date = localDateOf(instant, zone);
  const wall = new Date(instant.getTime() + offsetAt(instant, zone));
  const hh = String(wall.getUTCHours()).padStart(2, '0');
  const mm = String(wall.getUTCMinutes()).padStart(2, '0');
  return `${WEEKDAY[weekdayOf(date)]} ${date} ${hh}:${mm}`;
}

/** `Wed 2027-03-24` */
export function localDay(date: string): string {
  return `${WEEKDAY[weekdayOf(date)]} ${date}`;
}

export interface TimelineContext {
  procedure: CompiledProcedure;
  zone: string;
  /** Unit code to `code name`. */
  unitName: (code: string) => string;
}

function stateName(ctx: TimelineContext, state: string | undefined): string {
  if (!state) return '?';
  const def = ctx.procedure.states[state];
  return def ? `${state} (${def.label.fr})` : state;
}

function actorName(entry: JournalEntry): string {
  if (entry.actor.id === 'system') return 'system';
  const roles = entry.actor.roles.join(', ');
  return `${entry.actor.id}${roles ? ` [${roles}]` : ''}${'unit' in entry.actor && entry.actor.unit ? ` at ${entry.actor.unit}` : ''}`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function clockLine(ctx: TimelineContext, entry: JournalEntry): string {
  const d = entry.data ?? {};
  const clock = str(d.clock) ?? '?';
  const def = ctx.procedure.clocks[clock];
  const name = def ? `${clock} (${def.label.fr})` : clock;
  const due = str(d.dueDate) ? `due ${localDay(str(d.dueDate) as string)}` : '';
  switch (entry.kind) {
    case 'clock.started':
    case 'clock.restarted':
      return `clock ${name} ${entry.kind === 'clock.started' ? 'started' : 'restarted'}: ${def?.duration ?? ''}, ${due}`;
    case 'clock.resumed':
      return `clock ${name} resumed: ${due}`;
    case 'clock.suspended': {
      const remaining = d.remaining as { days?: number } | undefined;
      const unit = def?.counting === 'working_days' ? 'working days' : 'days';
      return `clock ${name} suspended: ${remaining?.days ?? '?'} ${unit} left`;
    }
    case 'clock.extended':
      return `clock ${name} extended (${String(d.extensions ?? '?')}): ${due}${entry.reason ? ` (${entry.reason})` : ''}`;
    case 'clock.reminder':
      return `reminder: clock ${name} ${str(d.dueAt) ? `due ${localStamp(str(d.dueAt) as string, ctx.zone)}` : ''}`;
    case 'clock.expired':
      if (str(d.decides)) return `clock ${name} EXPIRED: silence decides ${stateName(ctx, str(d.decides))}`;
      return `clock ${name} EXPIRED`;
    case 'clock.stopped':
      return `clock ${name} stopped`;
    case 'clock.recomputed':
      return `clock ${name} moved by a calendar change: now due ${str(d.to) ? localStamp(str(d.to) as string, ctx.zone) : '?'}`;
    default:
      return `${entry.kind} ${name}`;
  }
}

/** The text of one journal entry (without its date). */
export function describeEntry(ctx: TimelineContext, entry: JournalEntry): string {
  const d = entry.data ?? {};
  const moved = entry.fromState !== entry.toState ? ` -> ${stateName(ctx, entry.toState)}` : '';
  const reason = entry.reason ? ` (reason: ${entry.reason})` : '';
  if (entry.kind.startsWith('clock.')) return clockLine(ctx, entry);
  switch (entry.kind) {
    case 'filed':
      return `FILED by ${actorName(entry)} -> ${stateName(ctx, entry.toState)}`;
    case 'escalated': {
      const next = str(d.nextAt) ? `; next level on ${localStamp(str(d.nextAt) as string, ctx.zone)}` : '; top of the hierarchy';
      return `ESCALATED to ${String(d.level)} ${ctx.unitName(String(d.unit))} (clock ${String(d.clock)})${next}`;
    }
    case 'escalation.resolved':
      return `escalation at ${String(d.level)} ${String(d.unit)} resolved`;
    case 'waiting.timeout':
      return `no answer before the timeout${moved}`;
    case 'notification.failed':
      return `notification ${String(d.template)} FAILED: ${entry.reason ?? ''}`;
    default: {
      if (entry.kind.startsWith('service.')) return `service ${entry.kind.slice('service.'.length)}: ${String(d.outcome)}${moved}`;
      const input = d.input ? ` ${JSON.stringify(d.input)}` : '';
      return `${entry.kind} by ${actorName(entry)}${moved}${input}${reason}`;
    }
  }
}

/** Messages sent right after each journal entry, by its sequence (from the notify occurrence key). */
function messagesBySequence(notifications: NotifyInput[]): Map<number, string[]> {
  const by = new Map<number, string[]>();
  for (const n of notifications) {
    const sequence = Number(n.occurrence.split(':')[0]);
    const list = by.get(sequence) ?? [];
    list.push(`${n.template} -> ${n.to.join(', ')}`);
    by.set(sequence, list);
  }
  return by;
}

function decidedLine(ctx: TimelineContext, entry: JournalEntry): string | undefined {
  if (!entry.toState || entry.toState === entry.fromState) return undefined;
  const state = ctx.procedure.states[entry.toState];
  const outcome = state && stateOutcome(state);
  return outcome ? `DECIDED: ${outcome}${state.kind === 'final' ? '' : ' (the case goes on: ' + entry.toState + ')'}` : undefined;
}

function summary(ctx: TimelineContext, view: CaseView, result: SimulationResult): string[] {
  const lines: string[] = [''];
  if (view.status === 'closed') {
    lines.push(`outcome: ${view.outcome ?? 'none'} in state ${stateName(ctx, view.state)}, closed ${localStamp(view.closedAt ?? result.endedAt, ctx.zone)}`);
  } else {
    lines.push(`still open at ${localStamp(result.endedAt, ctx.zone)} in state ${stateName(ctx, view.state)}${view.outcome ? `, decided ${view.outcome}` : ''}`);
    for (const task of view.tasks) lines.push(`  task: ${task.role} at ${ctx.unitName(task.unit)}${task.assignee ? `, assigned to ${task.assignee}` : ''}; actions: ${task.actions.join(', ') || 'none'}`);
    for (const c of view.clocks.filter((c) => c.status !== 'pending')) {
      const due = c.dueDate ? `, due ${localDay(c.dueDate)}` : c.remaining ? `, ${c.remaining.days} days left` : '';
      lines.push(`  clock ${c.name}: ${c.status}${due}`);
    }
    if (view.escalation) lines.push(`  escalated to ${view.escalation.level} ${ctx.unitName(view.escalation.unit)} since ${localStamp(view.escalation.at, ctx.zone)}`);
  }
  const why: Record<SimulationResult['stopped'], string> = {
    script: 'end of the script',
    closed: 'the case is closed',
    decided: 'the case is decided; its remaining task waits for someone to act',
    'top-of-escalation': 'the escalation reached the top of the hierarchy and nobody acts',
    cap: 'nobody acted until the simulation limit',
    rejected: 'an action was rejected',
  };
  lines.push(`simulation stopped: ${why[result.stopped]}`);
  return lines;
}

/** Every line of the timeline, from filing to the end of the simulation. */
export function formatTimeline(ctx: TimelineContext, result: SimulationResult): string[] {
  const lines: string[] = [];
  const messages = messagesBySequence(result.notifications);
  const rejections = result.steps.filter((s) => s.rejected);
  for (const entry of result.journal) {
    const stamp = localStamp(entry.at, ctx.zone);
    lines.push(`${stamp}  ${describeEntry(ctx, entry)}`);
    const decided = decidedLine(ctx, entry);
    if (decided) lines.push(`${' '.repeat(stamp.length)}  ${decided}`);
    for (const m of messages.get(entry.sequence) ?? []) lines.push(`${' '.repeat(stamp.length)}    mail: ${m}`);
  }
  for (const r of rejections) {
    const act = 'act' in r.step ? r.step.act : undefined;
    lines.push(`${localStamp(r.at, ctx.zone)}  REJECTED step ${r.index + 1}${act ? ` (${act.action} as ${act.as})` : ''}: ${r.rejected}`);
  }
  return [...lines, ...summary(ctx, result.view, result)];
}
