/**
 * `npm run bench [-- --quick] [--only=...] [--profile]`: the benchmarks of issue "Benchmarks:
 * throughput, latency and standing load, against a bare-Temporal baseline", on real servers
 * started here. Prints the result tables and writes `bench/results/<mode>.json` and `.md`.
 * See bench/README.md for what each scenario measures and how to read the numbers.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ROOT, startHarness, type Harness } from './harness';
import { parseOptions, type BenchOptions } from './options';
import { preparePeer, startFlowablePeer, type FlowablePeer } from './peer/flowable';
import { createProgress } from './progress';
import { checkGoals, describeMachine, toMarkdown, writeResults, type Results } from './report';
import type { ScenarioContext } from './scenarios/context';
import { runCalendar } from './scenarios/calendar';
import { runHistory } from './scenarios/history';
import { runReadModel } from './scenarios/read-model';
import { runStanding } from './scenarios/standing';
import { runThroughput } from './scenarios/throughput';

const RESULTS_DIR = path.join(__dirname, 'results');

async function bench(options: BenchOptions): Promise<number> {
  const progress = createProgress();
  const started = new Date();
  const t0 = performance.now();
  progress.log(`Masar benchmark, ${options.mode} run: ${options.only.join(', ')}`);
  let h: Harness | undefined;
  let peer: FlowablePeer | undefined;
  // Ctrl-C or a CI timeout: stop the worker and the servers rather than leave them behind.
  const interrupt = (signal: NodeJS.Signals) => {
    progress.log(`${signal}: stopping the worker and servers`);
    void Promise.all([peer?.stop(), h?.close()]).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    h = await startHarness({
      databaseUrl: options.databaseUrl,
      temporalStore: options.temporalStore,
      temporalBackend: options.temporalBackend,
      ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
      progress,
      ...(options.profile ? { cpuProfileDir: path.join(RESULTS_DIR, 'profiles') } : {}),
    });
    const ctx: ScenarioContext = { h, sizes: options.sizes, progress, runId: `r${randomBytes(3).toString('hex')}`,
      pids: { worker: h.worker.pid, temporal: h.temporal.pid, loadGenerator: process.pid },
    };
    const r: Omit<Results, 'goals'> = {
      mode: options.mode,
      startedAt: started.toISOString(),
      durationS: 0,
      machine: await describeMachine(h.db, h.temporal.version, ROOT, h.temporal.description),
    };
    const has = (name: BenchOptions['only'][number]) => options.only.includes(name);
    if (has('throughput')) {
      progress.log('1. throughput and latency');
      let peerSkipped: string | undefined = options.peer ? undefined : options.mode === 'quick' ? 'not run by --quick unless --peer is given' : 'turned off by --no-peer';
      if (options.peer) {
        // The peer runs for this scenario only: an idle JVM would be noise in the others.
        const ready = preparePeer(progress);
        if (ready.ok) {
          progress.log(`starting the Flowable peer (${ready.java})`);
          try {
            peer = await startFlowablePeer({ databaseUrl: options.databaseUrl, smtpUrl: h.smtp.url });
            progress.log(`  Flowable peer ready: ${peer.banner}`);
          } catch (err) {
            peerSkipped = `the peer did not start: ${err instanceof Error ? err.message : String(err)}`;
          }
        } else {
          peerSkipped = ready.reason;
        }
        if (peerSkipped) progress.log(`Flowable peer skipped: ${peerSkipped}`);
      }
      r.throughput = await runThroughput({
        ...ctx,
        ...(peer ? { peer, pids: { ...ctx.pids, flowable: peer.pid } } : {}),
        ...(peerSkipped ? { peerSkipped } : {}),
      });
      await peer?.stop();
      peer = undefined;
    }
    if (has('history')) {
      progress.log('2. history cost');
      r.history = await runHistory(ctx);
    }
    if (has('standing')) {
      progress.log('3. standing load');
      r.standing = await runStanding(ctx);
      if (has('calendar')) {
        progress.log('4. calendar change');
        r.calendar = await runCalendar(ctx, r.standing.prefix);
      }
    }
    if (has('read-model')) {
      progress.log('3b. read model queries');
      r.readModel = await runReadModel(ctx);
    }
    r.durationS = Math.round((performance.now() - t0) / 1000);
    const results: Results = { ...r, goals: checkGoals(r) };
    const files = writeResults(RESULTS_DIR, results, options.partial ? options.only : undefined, options.temporalBackend === 'dev' ? undefined : options.temporalBackend);
    process.stdout.write(`\n${toMarkdown(results)}\n`);
    progress.log(`results: ${path.relative(process.cwd(), files.md)}, ${path.relative(process.cwd(), files.json)}`);
    const failed = [
      ...(r.throughput
        ? [
            ...r.throughput.runs.flatMap((x) => [x.engine, x.baseline, ...(x.peer ? [x.peer] : [])]),
            r.throughput.halfLoad.engine,
            r.throughput.halfLoad.baseline,
            ...(r.throughput.halfLoad.peer ? [r.throughput.halfLoad.peer] : []),
          ]
        : []),
      ...(r.standing ? [r.standing.filing] : []),
    ].reduce((n, run) => n + run.failed, 0);
    if (failed > 0) {
      progress.log(`${failed} cases FAILED (first errors in the JSON results)`);
      return 1;
    }
    return 0;
  } finally {
    await peer?.stop();
    await h?.close();
  }
}

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2), process.env);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
bench(options).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
