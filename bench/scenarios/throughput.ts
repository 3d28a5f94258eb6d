/**
 * Scenario 1, throughput and latency: N cases of the bench procedure (file, review, decide; two
 * notifications) at several concurrencies, engine and baseline run one after the other at each
 * concurrency; then an open-loop run at half the engine's maximum throughput, where the action
 * p99 goal applies. The worker reports how long each engine activity took: where the time goes.
 */
import { baselineCaseRunner, BENCH_ACTIONS, engineCase } from '../cases';
import { BENCH_TASK_QUEUE } from '../harness';
import { caseWorkflowId } from '../../workflows/messages';
import { closedLoop, openLoop, type LoadResult } from '../load';
import { benchProcedure } from '../procedure';
import { summarize, type Summary } from '../stats';
import { breakdownActions, type ActionBreakdown } from './breakdown';
import type { ScenarioContext } from './context';

export interface ThroughputRun {
  concurrency: number;
  engine: LoadResult;
  baseline: LoadResult;
  /** engine cases/s ÷ baseline cases/s. */
  ratio: number;
  /** Durations of the engine's activities during its run, by activity. */
  engineActivities: Record<string, Summary>;
}

export interface ThroughputResult {
  casesPerRun: number;
  runs: ThroughputRun[];
  max: { engine: number; engineConcurrency: number; baseline: number; baselineConcurrency: number; ratio: number };
  halfLoad: {
    ratePerSecond: number;
    engine: LoadResult;
    baseline: LoadResult;
    engineActivities: Record<string, Summary>;
    /** Where the actions' time went, from the histories of the first cases of the half-load runs. */
    breakdown: { engine: ActionBreakdown; baseline: ActionBreakdown };
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export async function runThroughput(ctx: ScenarioContext): Promise<ThroughputResult> {
  const { h, sizes, progress, pids } = ctx;
  const procedure = benchProcedure();
  let batch = 0;
  let lastPrefix = '';
  const engine = () =>
    engineCase({ client: h.client, taskQueue: BENCH_TASK_QUEUE, procedure, unit: h.unit, prefix: (lastPrefix = `${ctx.runId}-e${batch++}`), actions: BENCH_ACTIONS });
  const baseline = () =>
    baselineCaseRunner({ client: h.client, prefix: (lastPrefix = `${ctx.runId}-b${batch++}`), actions: BENCH_ACTIONS.map((a) => a.action) });
  const activityTimes = async () =>
    Object.fromEntries(Object.entries(await h.worker.activityTimes()).map(([name, samples]) => [name, summarize(samples)]));

  await closedLoop({ label: 'warm-up engine', total: sizes.warmup, concurrency: 4, run: engine(), progress });
  await closedLoop({ label: 'warm-up baseline', total: sizes.warmup, concurrency: 4, run: baseline(), progress });

  const runs: ThroughputRun[] = [];
  for (const concurrency of sizes.concurrencies) {
    await activityTimes();
    const e = await closedLoop({ label: `engine   c=${concurrency}`, total: sizes.cases, concurrency, run: engine(), progress, pids });
    const engineActivities = await activityTimes();
    const b = await closedLoop({ label: `baseline c=${concurrency}`, total: sizes.cases, concurrency, run: baseline(), progress, pids });
    runs.push({ concurrency, engine: e, baseline: b, ratio: round2(e.casesPerSecond / b.casesPerSecond), engineActivities });
  }
  const bestEngine = runs.reduce((a, b) => (b.engine.casesPerSecond > a.engine.casesPerSecond ? b : a));
  const bestBaseline = runs.reduce((a, b) => (b.baseline.casesPerSecond > a.baseline.casesPerSecond ? b : a));
  const max = {
    engine: bestEngine.engine.casesPerSecond,
    engineConcurrency: bestEngine.concurrency,
    baseline: bestBaseline.baseline.casesPerSecond,
    baselineConcurrency: bestBaseline.concurrency,
    ratio: round2(bestEngine.engine.casesPerSecond / bestBaseline.baseline.casesPerSecond),
  };

  const ratePerSecond = round2(max.engine / 2);
  await activityTimes();
  const halfEngine = await openLoop({ label: `engine   ${ratePerSecond}/s open loop`, total: sizes.halfLoadCases, ratePerSecond, run: engine(), progress, pids });
  const engineIds = Array.from({ length: Math.min(50, sizes.halfLoadCases) }, (_, i) => caseWorkflowId(`${lastPrefix}-${i}`));
  const engineActivities = await activityTimes();
  const halfBaseline = await openLoop({ label: `baseline ${ratePerSecond}/s open loop`, total: sizes.halfLoadCases, ratePerSecond, run: baseline(), progress, pids });
  const baselineIds = Array.from({ length: Math.min(50, sizes.halfLoadCases) }, (_, i) => `baseline-${lastPrefix}-${i}`);
  const breakdown = { engine: await breakdownActions(h.client, engineIds), baseline: await breakdownActions(h.client, baselineIds) };
  return { casesPerRun: sizes.cases, runs, max, halfLoad: { ratePerSecond, engine: halfEngine, baseline: halfBaseline, engineActivities, breakdown } };
}
