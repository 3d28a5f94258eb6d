/**
 * Where an action's time goes, read back from Temporal histories: for each `act` Update, the span
 * from the workflow task it triggered to the Update's completion, split into the workflow tasks'
 * waits (scheduled to started: the task queue and the worker's poll) and runs (started to
 * completed: the worker runs the workflow code and the server records the result), the awaited
 * activities' waits and runs, and the rest (the server between events). What the client measured
 * beyond the span is its round trip to the server and the Update's long poll.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { summarize, type Summary } from '../stats';

const T = temporal.api.enums.v1.EventType;
type Event = temporal.api.history.v1.IHistoryEvent;

export interface ActionBreakdown {
  updates: number;
  /** Update span in history (first workflow task scheduled to Update completed). */
  span: Summary;
  /** Mean milliseconds per Update for each phase (they add up to the mean span). */
  phases: Record<string, number>;
}

const millis = (e: Event | undefined): number =>
  e?.eventTime ? Number(e.eventTime.seconds ?? 0) * 1000 + (e.eventTime.nanos ?? 0) / 1e6 : Number.NaN;
const idOf = (e: Event | undefined): number => Number(e?.eventId ?? 0);

export async function breakdownActions(client: Client, workflowIds: string[]): Promise<ActionBreakdown> {
  const spans: number[] = [];
  const totals: Record<string, number> = {};
  const add = (phase: string, ms: number) => (totals[phase] = (totals[phase] ?? 0) + ms);
  for (const id of workflowIds) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const byId = new Map(events.map((e) => [idOf(e), e]));
    for (let i = 0; i < events.length; i++) {
      const accepted = events[i];
      if (accepted?.eventType !== T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) continue;
      if (accepted.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name !== 'act') continue;
      const updateId = accepted.workflowExecutionUpdateAcceptedEventAttributes.protocolInstanceId;
      let first = i;
      while (first > 0 && events[first]?.eventType !== T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) first--;
      let last = i;
      while (
        last < events.length - 1 &&
        !(
          events[last]?.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED &&
          events[last]?.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId
        )
      )
        last++;
      const span = millis(events[last]) - millis(events[first]);
      spans.push(span);
      let accounted = 0;
      for (let k = first; k <= last; k++) {
        const e = events[k];
        if (e?.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
          const started = byId.get(Number(e.workflowTaskCompletedEventAttributes?.startedEventId ?? 0));
          const scheduled = byId.get(Number(e.workflowTaskCompletedEventAttributes?.scheduledEventId ?? 0));
          add('workflow task waits for the worker', millis(started) - millis(scheduled));
          add('worker runs the workflow task', millis(e) - millis(started));
          accounted += millis(e) - millis(scheduled);
        }
        if (e?.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
          const scheduled = byId.get(Number(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? 0));
          const started = byId.get(Number(e.activityTaskCompletedEventAttributes?.startedEventId ?? 0));
          // Only activities the action waited for: scheduled inside this span.
          if (idOf(scheduled) < idOf(events[first])) continue;
          const name = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
          add(`activity ${name} waits for the worker`, millis(started) - millis(scheduled));
          add(`activity ${name} runs`, millis(e) - millis(started));
          accounted += millis(e) - millis(scheduled);
        }
      }
      add('server, between tasks', span - accounted);
    }
  }
  const n = spans.length || 1;
  return {
    updates: spans.length,
    span: summarize(spans),
    phases: Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, Math.round((v / n) * 10) / 10])),
  };
}
