/**
 * Scenario 4, calendar change: a closure day is recorded inside the running period of the open
 * cases, then the calendar pass (activities/calendar-pass.ts, what the `calendarChange` workflow
 * runs) moves their due dates in the read model and queues the notices, signalling only the cases
 * whose next wake came earlier. Measured until the pass is done, then checked: no planned running
 * clock left on the old version, the clock, the task, the case's view and `next_due_at` agreeing
 * for every case; and a sample of the real workflows, woken, take the read model's date.
 *
 * The standing load's cases are real workflows; beyond them, up to `calendarCases`, the read model
 * holds copies of their rows (cases, tasks, clocks with their plans) under new ids: the pass reads
 * and writes only the read model, so a copy costs it what a case does, and filing 100,000 real
 * workflows would take this machine most of an hour. The copies have no workflow: the sample is
 * drawn from the real ones.
 */
import { runCalendarPass } from '../../activities/calendar-pass';
import { signalCases } from '../../activities/calendar-broadcast';
import { createDbCalendarSource, currentCalendar, saveCalendar } from '../../db/calendars';
import { isWorkingDay, recordClosure } from '../../definitions/calendar';
import { addDays, localDateOf } from '../../definitions/local-time';
import { caseWorkflowId, viewQuery } from '../../workflows/messages';
import { watchCpu, type CpuUsage } from '../cpu';
import { BENCH_CALENDAR } from '../procedure';
import type { ScenarioContext } from './context';

export interface CalendarResult {
  /** Open cases the change reached (real and copied). */
  cases: number;
  /** Of which real workflows (the standing load). */
  workflows: number;
  closureDate: string;
  /** From recording the change until the read model and the notices were consistent (the pass's end). */
  recomputeMs: number;
  casesPerSecond: number;
  moved: number;
  notices: number;
  /** Cases signalled (next wake earlier, or no plan). */
  signalled: number;
  consistency: { staleClocks: number; disagreeing: number; notMoved: number };
  /** Real workflows woken after the pass: how many then held the read model's date. */
  sample: { woken: number; agreeing: number };
  cpu: CpuUsage;
}

const SAMPLE = 20;

export async function runCalendar(ctx: ScenarioContext, prefix: string): Promise<CalendarResult> {
  const { h, progress, sizes } = ctx;
  const db = h.db;
  const real = (await db.query<{ case_id: string }>(`SELECT case_id FROM cases WHERE status = 'open' AND case_id LIKE $1 ORDER BY case_id`, [`${prefix}-%`])).rows.map((r) => r.case_id);
  const copies = Math.max(0, sizes.calendarCases - real.length);
  if (copies > 0 && real.length > 0) {
    progress.phase(`copy read-model rows to ${sizes.calendarCases.toLocaleString('en')} cases`, copies);
    const copyPrefix = `${prefix}-copy`;
    // One statement per table, cycling through the real cases: case ids `<prefix>-copy-<n>`.
    const map = `WITH src AS (SELECT case_id, row_number() OVER (ORDER BY case_id) - 1 AS i FROM cases WHERE case_id = ANY ($1::text[])),
                 m AS (SELECT s.case_id AS old, $2 || '-' || g AS new FROM generate_series(1, $3::int) g JOIN src s ON s.i = (g % $4::int))`;
    const args = [real, copyPrefix, copies, real.length];
    await db.query(
      `${map} INSERT INTO cases (case_id, reference, procedure_id, procedure_version, procedure_hash, unit_code, applicant_id, filed_by, state, status, outcome,
         filed_at, closed_at, last_sequence, escalation_level, escalation_unit, next_due_at, view, facts, data, escalation_units, updated_at)
       SELECT m.new, c.reference || '-' || m.new, c.procedure_id, c.procedure_version, c.procedure_hash, c.unit_code, c.applicant_id, c.filed_by, c.state, c.status, c.outcome,
         c.filed_at, c.closed_at, c.last_sequence, c.escalation_level, c.escalation_unit, c.next_due_at, jsonb_set(c.view, '{caseId}', to_jsonb(m.new)), c.facts, c.data, c.escalation_units, c.updated_at
         FROM m JOIN cases c ON c.case_id = m.old`,
      args,
    );
    await db.query(`${map} INSERT INTO case_tasks SELECT m.new, t.position, t.state, t.role, t.level, t.unit_code, t.assignee, t.opened_at, t.due_at, t.actions FROM m JOIN case_tasks t ON t.case_id = m.old`, args);
    await db.query(
      `${map} INSERT INTO case_clocks (case_id, name, status, counting, started_at, due_at, due_date, extensions, expired_at, calendar_id, calendar_version, plan)
       SELECT m.new, k.name, k.status, k.counting, k.started_at, k.due_at, k.due_date, k.extensions, k.expired_at, k.calendar_id, k.calendar_version,
              jsonb_set(k.plan, '{notices}', COALESCE((SELECT jsonb_agg(jsonb_set(n, '{caseId}', to_jsonb(m.new))) FROM jsonb_array_elements(k.plan->'notices') n), '[]'::jsonb))
         FROM m JOIN case_clocks k ON k.case_id = m.old`,
      args,
    );
    await db.query('ANALYZE cases; ANALYZE case_clocks; ANALYZE case_tasks');
    progress.done(`${copies.toLocaleString('en')} copies`);
  }
  const scope = `(case_id LIKE $1)`;
  await db.query('DROP TABLE IF EXISTS bench_due_before');
  await db.query(`CREATE TABLE bench_due_before AS SELECT case_id, name, due_at FROM case_clocks WHERE status = 'running' AND ${scope}`, [`${prefix}-%`]);
  const cases = Number((await db.query<{ n: string }>('SELECT count(DISTINCT case_id) AS n FROM bench_due_before')).rows[0]?.n ?? 0);
  const calendar = await currentCalendar(db, BENCH_CALENDAR);
  if (!calendar) throw new Error(`calendar ${BENCH_CALENDAR} not found`);
  // A working day from the day after tomorrow: inside every open case's 20-working-day period.
  let closureDate = addDays(localDateOf(new Date(), calendar.timeZone), 2);
  while (!isWorkingDay(calendar, closureDate)) closureDate = addDays(closureDate, 1);
  const next = recordClosure(calendar, { date: closureDate, name: { fr: 'Fermeture exceptionnelle (banc)', ar: 'عطلة استثنائية' } });

  progress.phase(`calendar pass over ${cases.toLocaleString('en')} cases`, cases);
  const stopCpu = watchCpu(ctx.pids);
  let progressed = 0;
  const t0 = performance.now();
  if (!(await saveCalendar(db, next, calendar.version))) throw new Error('calendar changed while the benchmark recorded its closure');
  const pass = await runCalendarPass({
    db,
    calendars: createDbCalendarSource(db),
    calendarId: BENCH_CALENDAR,
    version: next.version,
    from: closureDate,
    pageSize: 1000,
    onProgress: (r) => {
      progress.tick(r.cases - progressed, `${r.moved} clocks moved`);
      progressed = r.cases;
    },
  });
  const signals = await signalCases(h.client, [...new Set([...pass.earlier, ...pass.unplanned])].filter((id) => !id.includes('-copy-')), { calendarId: BENCH_CALENDAR, version: next.version });
  const recomputeMs = performance.now() - t0;
  const cpu = stopCpu();
  progress.done(`${pass.moved.toLocaleString('en')} due dates moved in ${(recomputeMs / 1000).toFixed(1)} s`);

  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql, [`${prefix}-%`, next.version])).rows[0]?.n ?? 0);
  const consistency = {
    staleClocks: await count(`SELECT count(*) AS n FROM case_clocks WHERE status = 'running' AND plan IS NOT NULL AND calendar_version < $2 AND ${scope}`),
    disagreeing: await count(
      `SELECT count(*) AS n FROM cases c JOIN case_clocks k USING (case_id) LEFT JOIN case_tasks t USING (case_id)
        WHERE c.case_id LIKE $1 AND k.status = 'running' AND $2::int > 0
          AND ((SELECT (e->>'dueAt')::timestamptz FROM jsonb_array_elements(c.view->'clocks') e WHERE e->>'name' = k.name) IS DISTINCT FROM k.due_at
               OR c.next_due_at IS DISTINCT FROM k.due_at OR (t.due_at IS NOT NULL AND t.due_at IS DISTINCT FROM k.due_at))`,
    ),
    notMoved: await count(`SELECT count(*) AS n FROM case_clocks k JOIN bench_due_before b USING (case_id, name) WHERE k.due_at <= b.due_at AND $1 <> '' AND $2::int > 0`),
  };
  // A sample of real workflows, woken as a timer or an action would: they take the read model's date.
  const sample = real.slice(0, SAMPLE);
  await signalCases(h.client, sample, { calendarId: BENCH_CALENDAR, version: next.version });
  let agreeing = 0;
  for (const caseId of sample) {
    const want = (await db.query<{ due_at: Date }>(`SELECT due_at FROM case_clocks WHERE case_id = $1 AND status = 'running' ORDER BY name LIMIT 1`, [caseId])).rows[0]?.due_at.toISOString();
    for (let i = 0; i < 50; i += 1) {
      const view = await h.client.workflow.getHandle(caseWorkflowId(caseId)).query(viewQuery);
      if (view.clocks.some((c) => c.dueAt === want)) {
        agreeing += 1;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await db.query('DROP TABLE bench_due_before');
  if (copies > 0) {
    // The copies have no workflow: out of the read model before the next scenario counts open cases.
    await db.query(`DELETE FROM notice_queue WHERE case_id LIKE $1`, [`${prefix}-copy-%`]);
    await db.query(`DELETE FROM cases WHERE case_id LIKE $1`, [`${prefix}-copy-%`]);
  }
  return {
    cases,
    workflows: real.length,
    closureDate,
    recomputeMs: Math.round(recomputeMs),
    casesPerSecond: Math.round(cases / (recomputeMs / 1000)),
    moved: pass.moved,
    notices: pass.notices,
    signalled: signals.signalled,
    consistency,
    sample: { woken: sample.length, agreeing },
    cpu,
  };
}

