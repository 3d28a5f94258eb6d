/**
 * `calendarChange`: a calendar change reaching running cases. Started once per calendar version
 * (workflow id `calendar-<id>-v<version>`), so recording a holiday twice, or an API process dying
 * mid-way, neither loses nor repeats the work: the activity heartbeats its cursor and resumes.
 *
 * Since the `calendar-pass` patch the due dates move in the read model in bulk and only the cases
 * whose next wake came earlier are signalled (activities/calendar-pass.ts); before it, every
 * affected case was signalled and recomputed itself.
 */
import { patched, proxyActivities } from '@temporalio/workflow';
import type { CalendarActivities } from '../activities/types';
import { calendarChangeWorkflowId, type CalendarChangeRequest } from './messages';

const { signalRunningCases, passCalendarChange } = proxyActivities<CalendarActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export { calendarChangeWorkflowId, type CalendarChangeRequest };

export type CalendarChangeResult = Awaited<ReturnType<CalendarActivities['signalRunningCases']>> & { cases?: number; moved?: number; notices?: number };

export async function calendarChange(request: CalendarChangeRequest): Promise<CalendarChangeResult> {
  if (patched('calendar-pass')) return passCalendarChange(request);
  return signalRunningCases(request);
}
