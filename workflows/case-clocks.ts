/**
 * What entering a state does to each clock, and how a computed due date is kept: pure planning,
 * the runtime runs the operations (some need the calendar activity). Sandbox-safe.
 */
import type { DueResult } from '../activities/types';
import type { CompiledProcedure } from '../definitions/compiled';
import type { ClockRuntime } from './case-state';

export type EntryOp = 'start' | 'resume' | 'suspend' | 'stop';

/**
 * Per clock, in name order: a clock starts on first entering a state where it runs and resumes
 * there after a suspension; it is suspended in its `suspendedIn` states; anywhere else a running or
 * suspended clock stops for good. Expired and stopped clocks are left as they are.
 */
export function clockOpsOnEnter(
  procedure: CompiledProcedure,
  clocks: Record<string, ClockRuntime>,
  state: string,
): { clock: string; op: EntryOp }[] {
  const ops: { clock: string; op: EntryOp }[] = [];
  for (const name of Object.keys(clocks).sort()) {
    const def = procedure.clocks[name];
    const c = clocks[name];
    if (!def || !c) continue;
    if (def.runsIn.includes(state)) {
      if (c.status === 'pending') ops.push({ clock: name, op: 'start' });
      else if (c.status === 'suspended') ops.push({ clock: name, op: 'resume' });
    } else if (def.suspendedIn.includes(state)) {
      if (c.status === 'running') ops.push({ clock: name, op: 'suspend' });
    } else if (c.status === 'running' || c.status === 'suspended') {
      ops.push({ clock: name, op: 'stop' });
    }
  }
  return ops;
}

/** Keeps a computed due date on the clock; reminders already past at `nowMs` are dropped. */
export function applyDue(c: ClockRuntime, r: DueResult, nowMs: number): void {
  c.dueAt = r.due;
  c.dueDate = r.dueDate;
  c.calendarVersion = r.calendarVersion;
  c.reminders = r.reminders.filter((at) => Date.parse(at) > nowMs).sort();
  if (r.provisional && r.provisional.length > 0) c.provisional = r.provisional;
  else delete c.provisional;
}
