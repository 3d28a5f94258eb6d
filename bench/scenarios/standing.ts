/**
 * Scenario 3a, standing load: N open cases of the bench procedure filed and left waiting on their
 * 20-working-day clock. What they cost at rest: the worker's memory, the Temporal server's
 * database (SQLite file of the dev server, or its PostgreSQL databases) and the read model's.
 */
import { engineCase } from '../cases';
import { BENCH_TASK_QUEUE, type WorkerMemory } from '../harness';
import { closedLoop, type LoadResult } from '../load';
import { benchProcedure } from '../procedure';
import type { ScenarioContext } from './context';

export interface StandingResult {
  openCases: number;
  filing: LoadResult;
  /** Seconds until the read model showed every case after the last filing answered. */
  projectionLagMs: number;
  worker: { before: WorkerMemory; after: WorkerMemory; maxCachedWorkflows: number };
  /** The worker's RSS while the cases were filed (every 10 s): flat once the cache is full, or not. */
  rssCurve: { seconds: number; openCases: number; rssMb: number }[];
  temporalDbBytes: { before: number; after: number };
  postgres: { databaseBytes: number; tables: Record<string, number> };
  /** Prefix of the open cases' ids (the calendar scenario moves them). */
  prefix: string;
}

export async function openCaseCount(ctx: ScenarioContext, prefix: string): Promise<number> {
  const res = await ctx.h.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM case_clocks WHERE status = 'running' AND case_id LIKE $1`,
    [`${prefix}-%`],
  );
  return Number(res.rows[0]?.n ?? 0);
}

export async function runStanding(ctx: ScenarioContext): Promise<StandingResult> {
  const { h, sizes, progress } = ctx;
  const prefix = `${ctx.runId}-open`;
  const before = await h.worker.memory();
  const temporalBefore = await h.temporal.storageBytes();
  const rssCurve: StandingResult['rssCurve'] = [];
  const started = performance.now();
  const sample = async () => {
    const memory = await h.worker.memory();
    rssCurve.push({ seconds: Math.round((performance.now() - started) / 1000), openCases: await openCaseCount(ctx, prefix), rssMb: Math.round(memory.rss / 1_048_576) });
  };
  const sampler = setInterval(() => void sample().catch(() => undefined), 10_000);
  const filing = await closedLoop({
    label: `file ${sizes.openCases} open cases`,
    total: sizes.openCases,
    concurrency: 32,
    run: engineCase({ client: h.client, taskQueue: BENCH_TASK_QUEUE, procedure: benchProcedure(), unit: h.unit, prefix, actions: [] }),
    progress,
    pids: ctx.pids,
  });
  const t0 = performance.now();
  for (;;) {
    if ((await openCaseCount(ctx, prefix)) >= filing.cases) break;
    if (performance.now() - t0 > 300_000) throw new Error(`standing load: the read model did not show ${filing.cases} running clocks within 5 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const projectionLagMs = Math.round(performance.now() - t0);
  clearInterval(sampler);
  await sample();
  // Let receipts drain and the worker settle before measuring it at rest.
  await new Promise((r) => setTimeout(r, 5_000));
  const after = await h.worker.memory();
  const tables = await h.db.query<{ name: string; bytes: string }>(
    `SELECT relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 8`,
  );
  const size = await h.db.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
  const result: StandingResult = {
    openCases: filing.cases,
    filing,
    projectionLagMs,
    worker: { before, after, maxCachedWorkflows: h.worker.maxCachedWorkflows },
    rssCurve,
    temporalDbBytes: { before: temporalBefore, after: await h.temporal.storageBytes() },
    postgres: { databaseBytes: Number(size.rows[0]?.bytes ?? 0), tables: Object.fromEntries(tables.rows.map((r) => [r.name, Number(r.bytes)])) },
    prefix,
  };
  progress.log(
    `  standing: ${result.openCases} open cases, worker RSS ${(after.rss / 1_048_576).toFixed(0)} MB (was ${(before.rss / 1_048_576).toFixed(0)} MB), Temporal DB ${(result.temporalDbBytes.after / 1_048_576).toFixed(0)} MB`,
  );
  return result;
}
