/** Moving the time-skipping server to real dates, in Morocco's local time. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startOfLocalDay } from '../../definitions/local-time';

const ZONE = 'Africa/Casablanca';

/** The instant of `hh:mm` local time in Casablanca on `date` (YYYY-MM-DD). */
export function casablanca(date: string, hour = 10, minute = 0): Date {
  return new Date(startOfLocalDay(date, ZONE).getTime() + (hour * 60 + minute) * 60_000);
}

/** Advances the time-skipping server to `instant` (time only moves forward). */
export async function skipTo(env: TestWorkflowEnvironment, instant: Date): Promise<void> {
  const now = await env.currentTimeMs();
  const ms = instant.getTime() - now;
  if (ms < 0) throw new Error(`cannot go back in time to ${instant.toISOString()} (server is at ${new Date(now).toISOString()})`);
  if (ms > 0) await env.sleep(ms);
}
