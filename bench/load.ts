/**
 * Load drivers. Closed loop: `concurrency` lanes, each runs one case after another (the maximum
 * throughput at that concurrency). Open loop: cases arrive at a fixed rate whatever the latency
 * (latency at a given load, the way users arrive).
 */
import { watchCpu, type CpuUsage } from './cpu';
import type { Progress } from './progress';
import { summarize, type Summary } from './stats';

/** What one case cost, in milliseconds. */
export interface CaseTimings {
  /** Filing: the start with its `filed` Update, answered once the case is filed. */
  start: number;
  /** Each action's Update, answered with the new view. */
  actions: number[];
  /** From the start to the workflow's completion (messages delivered). */
  total: number;
}

export type CaseRunner = (index: number) => Promise<CaseTimings>;

export interface LoadResult {
  cases: number;
  failed: number;
  /** First errors, for the report. */
  errors: string[];
  wallMs: number;
  casesPerSecond: number;
  start: Summary;
  action: Summary;
  caseTotal: Summary;
  cpu?: CpuUsage;
}

export interface LoadOptions {
  label: string;
  total: number;
  run: CaseRunner;
  progress: Progress;
  /** Processes whose CPU to account for, by name. */
  pids?: Record<string, number>;
}

function collect({ progress, label, total, pids }: LoadOptions) {
  const stopCpu = pids ? watchCpu(pids) : undefined;
  const starts: number[] = [];
  const actions: number[] = [];
  const totals: number[] = [];
  const errors: string[] = [];
  let failed = 0;
  const t0 = performance.now();
  progress.phase(label, total);
  return {
    async one(run: CaseRunner, index: number): Promise<void> {
      try {
        const t = await run(index);
        starts.push(t.start);
        actions.push(...t.actions);
        totals.push(t.total);
        progress.tick(1);
      } catch (err) {
        failed += 1;
        if (errors.length < 5) errors.push(err instanceof Error ? err.message : String(err));
        progress.tick(1, `${failed} failed`);
      }
    },
    finish(): LoadResult {
      const wallMs = performance.now() - t0;
      const result: LoadResult = {
        cases: totals.length,
        failed,
        errors,
        wallMs: Math.round(wallMs),
        casesPerSecond: Math.round((totals.length / (wallMs / 1000)) * 100) / 100,
        start: summarize(starts),
        action: summarize(actions),
        caseTotal: summarize(totals),
        ...(stopCpu ? { cpu: stopCpu() } : {}),
      };
      const cpu = result.cpu ? `, machine ${result.cpu.machineBusyPct}% busy` : '';
      progress.done(
        `${result.cases} cases in ${(wallMs / 1000).toFixed(1)} s, ${result.casesPerSecond} cases/s, action p99 ${result.action.p99} ms${cpu}${failed ? `, ${failed} FAILED` : ''}`,
      );
      return result;
    },
  };
}

export async function closedLoop(opts: LoadOptions & { concurrency: number }): Promise<LoadResult> {
  const c = collect(opts);
  let next = 0;
  const lane = async () => {
    while (next < opts.total) await c.one(opts.run, next++);
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.total) }, lane));
  return c.finish();
}

export async function openLoop(opts: LoadOptions & { ratePerSecond: number }): Promise<LoadResult> {
  const c = collect(opts);
  const t0 = performance.now();
  const interval = 1000 / opts.ratePerSecond;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < opts.total; i++) {
    // Arrivals on a fixed schedule: a slow case does not hold the next one back.
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(c.one(opts.run, i));
  }
  await Promise.all(inflight);
  return c.finish();
}
