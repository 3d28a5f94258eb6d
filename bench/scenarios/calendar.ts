/**
 * Scenario 4, calendar change: a closure day is recorded inside the running period of the open
 * cases (standing load), then the operator path `broadcastCalendarChange` signals every open case
 * with a running clock; measured until the read model shows every one of them with its later due
 * instant.
 */
import { broadcastCalendarChange, type BroadcastReport } from '../../activities/calendar-broadcast';
import { currentCalendar, saveCalendar } from '../../db/calendars';
import { isWorkingDay, recordClosure } from '../../definitions/calendar';
import { addDays, localDateOf } from '../../definitions/local-time';
import { watchCpu, type CpuUsage } from '../cpu';
import { summarize, type Summary } from '../stats';
import { BENCH_CALENDAR } from '../procedure';
import type { ScenarioContext } from './context';

export interface CalendarResult {
  cases: number;
  closureDate: string;
  /** Signalling every case (the broadcast call). */
  broadcastMs: number;
  /** From the start of the broadcast until the read model showed every due instant moved. */
  recomputeMs: number;
  casesPerSecond: number;
  report: Omit<BroadcastReport, 'failed'> & { failed: number };
  cpu: CpuUsage;
  /** The engine's activities during the recompute (ms). */
  activities: Record<string, Summary>;
}

export async function runCalendar(ctx: ScenarioContext, prefix: string): Promise<CalendarResult> {
  const { h, progress } = ctx;
  const db = h.db;
  await db.query('DROP TABLE IF EXISTS bench_due_before');
  await db.query(
    `CREATE TABLE bench_due_before AS SELECT case_id, due_at FROM case_clocks WHERE status = 'running' AND case_id LIKE $1`,
    [`${prefix}-%`],
  );
  const cases = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM bench_due_before')).rows[0]?.n ?? 0);
  const calendar = await currentCalendar(db, BENCH_CALENDAR);
  if (!calendar) throw new Error(`calendar ${BENCH_CALENDAR} not found`);
  // A working day from the day after tomorrow: inside every open case's 20-working-day period.
  let closureDate = addDays(localDateOf(new Date(), calendar.timeZone), 2);
  while (!isWorkingDay(calendar, closureDate)) closureDate = addDays(closureDate, 1);
  const next = recordClosure(calendar, { date: closureDate, name: { fr: 'Fermeture exceptionnelle (banc)', ar: 'عطلة استثنائية' } });
  if (!(await saveCalendar(db, next, calendar.version))) throw new Error('calendar changed while the benchmark recorded its closure');
  // Broadcast at once: the recompute asks for the new version, so the worker's calendar cache is bypassed.

  progress.phase(`recompute ${cases} cases`, cases);
  await h.worker.activityTimes();
  const stopCpu = watchCpu(ctx.pids);
  const t0 = performance.now();
  let broadcastMs = 0;
  let moved = 0;
  const broadcast = broadcastCalendarChange({ db, client: h.client, calendarId: BENCH_CALENDAR, version: next.version, from: closureDate }).then((r) => {
    broadcastMs = performance.now() - t0;
    return r;
  });
  let report: BroadcastReport | undefined;
  void broadcast.then((r) => (report = r));
  for (;;) {
    const res = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM case_clocks k JOIN bench_due_before b USING (case_id) WHERE k.due_at > b.due_at',
    );
    const now = Number(res.rows[0]?.n ?? 0);
    progress.tick(now - moved, report ? `broadcast done in ${(broadcastMs / 1000).toFixed(1)} s` : 'signalling');
    moved = now;
    if (moved >= cases && report) break;
    if (performance.now() - t0 > 1_200_000) throw new Error(`calendar change: only ${moved} of ${cases} due dates moved within 20 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const recomputeMs = performance.now() - t0;
  const cpu = stopCpu();
  const activities = Object.fromEntries(Object.entries(await h.worker.activityTimes()).map(([name, samples]) => [name, summarize(samples)]));
  const final = report ?? (await broadcast);
  progress.done(`${cases} due dates moved in ${(recomputeMs / 1000).toFixed(1)} s (signals sent in ${(broadcastMs / 1000).toFixed(1)} s)`);
  await db.query('DROP TABLE bench_due_before');
  return {
    cases,
    closureDate,
    broadcastMs: Math.round(broadcastMs),
    recomputeMs: Math.round(recomputeMs),
    casesPerSecond: Math.round((cases / (recomputeMs / 1000)) * 10) / 10,
    report: { signalled: final.signalled, skipped: final.skipped, failed: final.failed.length },
    cpu,
    activities,
  };
}
