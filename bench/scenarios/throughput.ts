/**
 * Scenario 1, throughput and latency: N cases of the bench procedure (file, review, decide; two
 * notifications) at several concurrencies, engine, baseline and (when it runs) the Flowable peer
 * one after the other at each concurrency, so the machine's noise hits all three; then an
 * open-loop run of each at half the engine's maximum throughput, where the action p99 goal
 * applies. The worker reports how long each engine activity took: where the time goes.
 */
import { baselineCaseRunner, BENCH_ACTIONS, engineCase } from '../cases';
import { BENCH_TASK_QUEUE } from '../harness';
import { caseWorkflowId } from '../../workflows/messages';
import { closedLoop, openLoop, type LoadResult } from '../load';
import { flowableCaseRunner, type PeerSettings } from '../peer/flowable';
import { benchProcedure } from '../procedure';
import { summarize, type Summary } from '../stats';
import { breakdownActions, type ActionBreakdown } from './breakdown';
import type { ScenarioContext } from './context';

export interface ThroughputRun {
  concurrency: number;
  engine: LoadResult;
  baseline: LoadResult;
  /** The Flowable peer's run, when it ran. */
  peer?: LoadResult;
  /** engine cases/s ÷ baseline cases/s. */
  ratio: number;
  /** engine cases/s ÷ Flowable cases/s. */
  peerRatio?: number;
  /** baseline cases/s ÷ Flowable cases/s. */
  baselinePeerRatio?: number;
  /** Durations of the engine's activities during its run, by activity. */
  engineActivities: Record<string, Summary>;
}

/** Whether the Flowable peer ran, with what, or why not. */
export type PeerInfo =
  | { status: 'ran'; name: 'Flowable'; banner: string; settings: PeerSettings; warmup: number; lockRetries: number }
  | { status: 'skipped'; reason: string };

export interface ThroughputResult {
  casesPerRun: number;
  peer: PeerInfo;
  runs: ThroughputRun[];
  max: {
    engine: number;
    engineConcurrency: number;
    baseline: number;
    baselineConcurrency: number;
    ratio: number;
    peer?: number;
    peerConcurrency?: number;
    /** Best engine ÷ best Flowable. */
    peerRatio?: number;
  };
  halfLoad: {
    ratePerSecond: number;
    engine: LoadResult;
    baseline: LoadResult;
    /** Flowable at the same rate (half the engine's maximum). */
    peer?: LoadResult;
    engineActivities: Record<string, Summary>;
    /** Where the actions' time went, from the histories of the first cases of the half-load runs. */
    breakdown: { engine: ActionBreakdown; baseline: ActionBreakdown };
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The JIT needs more than a few cases: the peer warms up on at least this many. */
const PEER_MIN_WARMUP = 50;

export async function runThroughput(ctx: ScenarioContext): Promise<ThroughputResult> {
  const { h, sizes, progress, pids, peer: flowable } = ctx;
  const peerWarmup = Math.max(sizes.warmup, PEER_MIN_WARMUP);
  const procedure = benchProcedure();
  let batch = 0;
  let lastPrefix = '';
  const engine = () =>
    engineCase({ client: h.client, taskQueue: BENCH_TASK_QUEUE, procedure, unit: h.unit, prefix: (lastPrefix = `${ctx.runId}-e${batch++}`), actions: BENCH_ACTIONS });
  const baseline = () =>
    baselineCaseRunner({ client: h.client, prefix: (lastPrefix = `${ctx.runId}-b${batch++}`), actions: BENCH_ACTIONS.map((a) => a.action) });
  const peer = flowable
    ? () => flowableCaseRunner({ peer: flowable, prefix: `${ctx.runId}-f${batch++}`, unit: h.unit.code })
    : undefined;
  const activityTimes = async () =>
    Object.fromEntries(Object.entries(await h.worker.activityTimes()).map(([name, samples]) => [name, summarize(samples)]));

  await closedLoop({ label: 'warm-up engine', total: sizes.warmup, concurrency: 4, run: engine(), progress });
  await closedLoop({ label: 'warm-up baseline', total: sizes.warmup, concurrency: 4, run: baseline(), progress });
  if (peer) await closedLoop({ label: 'warm-up Flowable', total: peerWarmup, concurrency: 4, run: peer(), progress });

  const runs: ThroughputRun[] = [];
  for (const concurrency of sizes.concurrencies) {
    await activityTimes();
    const e = await closedLoop({ label: `engine   c=${concurrency}`, total: sizes.cases, concurrency, run: engine(), progress, pids });
    const engineActivities = await activityTimes();
    const b = await closedLoop({ label: `baseline c=${concurrency}`, total: sizes.cases, concurrency, run: baseline(), progress, pids });
    const p = peer ? await closedLoop({ label: `Flowable c=${concurrency}`, total: sizes.cases, concurrency, run: peer(), progress, pids }) : undefined;
    runs.push({
      concurrency,
      engine: e,
      baseline: b,
      ratio: round2(e.casesPerSecond / b.casesPerSecond),
      ...(p ? { peer: p, peerRatio: round2(e.casesPerSecond / p.casesPerSecond), baselinePeerRatio: round2(b.casesPerSecond / p.casesPerSecond) } : {}),
      engineActivities,
    });
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
  const peerRuns = runs.filter((x): x is ThroughputRun & { peer: LoadResult } => x.peer !== undefined);
  if (peerRuns.length) {
    const bestPeer = peerRuns.reduce((a, b) => (b.peer.casesPerSecond > a.peer.casesPerSecond ? b : a));
    Object.assign(max, { peer: bestPeer.peer.casesPerSecond, peerConcurrency: bestPeer.concurrency, peerRatio: round2(max.engine / bestPeer.peer.casesPerSecond) });
  }

  const ratePerSecond = round2(max.engine / 2);
  await activityTimes();
  const halfEngine = await openLoop({ label: `engine   ${ratePerSecond}/s open loop`, total: sizes.halfLoadCases, ratePerSecond, run: engine(), progress, pids });
  const engineIds = Array.from({ length: Math.min(50, sizes.halfLoadCases) }, (_, i) => caseWorkflowId(`${lastPrefix}-${i}`));
  const engineActivities = await activityTimes();
  const halfBaseline = await openLoop({ label: `baseline ${ratePerSecond}/s open loop`, total: sizes.halfLoadCases, ratePerSecond, run: baseline(), progress, pids });
  const halfPeer = peer ? await openLoop({ label: `Flowable ${ratePerSecond}/s open loop`, total: sizes.halfLoadCases, ratePerSecond, run: peer(), progress, pids }) : undefined;
  const baselineIds = Array.from({ length: Math.min(50, sizes.halfLoadCases) }, (_, i) => `baseline-${lastPrefix}-${i}`);
  const breakdown = { engine: await breakdownActions(h.client, engineIds), baseline: await breakdownActions(h.client, baselineIds) };
  const peerInfo: PeerInfo = flowable
    ? { status: 'ran', name: 'Flowable', banner: flowable.banner, settings: flowable.settings, warmup: peerWarmup, lockRetries: (await flowable.stats()).lockRetries }
    : { status: 'skipped', reason: ctx.peerSkipped ?? 'not asked for' };
  return {
    casesPerRun: sizes.cases,
    peer: peerInfo,
    runs,
    max,
    halfLoad: { ratePerSecond, engine: halfEngine, baseline: halfBaseline, ...(halfPeer ? { peer: halfPeer } : {}), engineActivities, breakdown },
  };
}
