/**
 * `calendarChange`: the durable broadcast of a calendar change to running cases. Started once per
 * calendar version (workflow id `calendar-<id>-v<version>`), so recording a holiday twice, or an
 * API process dying mid-way, neither loses nor repeats the work: the activity heartbeats its
 * cursor and resumes from it.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CalendarActivities } from '../activities/types';
import { calendarChangeWorkflowId, type CalendarChangeRequest } from './messages';

const { signalRunningCases } = proxyActivities<CalendarActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export { calendarChangeWorkflowId, type CalendarChangeRequest };

export async function calendarChange(request: CalendarChangeRequest): Promise<Awaited<ReturnType<CalendarActivities['signalRunningCases']>>> {
  return signalRunningCases(request);
}
