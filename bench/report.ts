/**
 * Results: the machine's description, the goals checked against the numbers, and the two files
 * written under `bench/results/` (`<mode>.json`, `<mode>.md`). The Markdown is what the README's
 * performance section quotes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/pool';
import type { HistoryRow } from './scenarios/history';
import type { CalendarResult } from './scenarios/calendar';
import type { ReadModelResult } from './scenarios/read-model';
import type { StandingResult } from './scenarios/standing';
import type { ThroughputResult } from './scenarios/throughput';
import { mb } from './stats';
import type { LoadResult } from './load';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  postgres: string;
  temporalCli: string;
  /** Which Temporal server and store (`BENCH_TEMPORAL`); absent in records from before the choice existed (dev server). */
  temporalBackend?: string;
  temporalSdk: string;
  commit: string;
}

export interface Results {
  mode: 'quick' | 'full';
  startedAt: string;
  durationS: number;
  machine: Machine;
  throughput?: ThroughputResult;
  history?: HistoryRow[];
  standing?: StandingResult;
  calendar?: CalendarResult;
  readModel?: ReadModelResult;
  goals: Goal[];
}

export interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | null;
}

export async function describeMachine(db: Db, temporalCli: string, root: string, temporalBackend: string): Promise<Machine> {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim();
    if (dirty) commit += ' (with uncommitted changes)';
  } catch {
    // not a git checkout
  }
  const pg = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = (require('@temporalio/worker/package.json') as { version: string }).version;
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 1_073_741_824),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: pg.rows[0]?.v ?? 'unknown',
    temporalCli: temporalCli.split('\n')[0] ?? temporalCli,
    temporalBackend,
    temporalSdk: sdk,
    commit,
  };
}

export function checkGoals(r: Omit<Results, 'goals'>): Goal[] {
  const goals: Goal[] = [];
  const t = r.throughput;
  goals.push({
    goal: 'engine throughput vs bare Temporal',
    target: '≥ 70%',
    measured: t ? `${Math.round(t.max.ratio * 100)}% (${t.max.engine} vs ${t.max.baseline} cases/s)` : 'not run',
    met: t ? t.max.ratio >= 0.7 : null,
  });
  goals.push({
    goal: 'action p99 at half the maximum throughput',
    target: '< 100 ms',
    measured: t ? `${t.halfLoad.engine.action.p99} ms at ${t.halfLoad.ratePerSecond} cases/s` : 'not run',
    met: t ? t.halfLoad.engine.action.p99 < 100 : null,
  });
  const peerMax = t?.max.peer;
  goals.push({
    goal: 'engine throughput vs Flowable (the peer), same machine and unit of work',
    target: '≥ 100%',
    measured: !t ? 'not run' : peerMax === undefined || t.max.peerRatio === undefined ? `not run (${t.peer.status === 'skipped' ? t.peer.reason : 'no run'})` : `${Math.round(t.max.peerRatio * 100)}% (${t.max.engine} vs ${peerMax} cases/s)`,
    met: t && t.max.peerRatio !== undefined ? t.max.peerRatio >= 1 : null,
  });
  const inbox = r.readModel?.queries.find((q) => q.name === 'inbox');
  goals.push({
    goal: `inbox p99 on a read model of ${r.readModel ? r.readModel.cases.toLocaleString('en') : '1,000,000'} cases`,
    target: '< 50 ms',
    measured: inbox ? `${inbox.latency.p99} ms` : 'not run',
    met: inbox ? inbox.latency.p99 < 50 : null,
  });
  const inboxPage = r.readModel?.queries.find((q) => q.name === 'inbox page');
  goals.push({
    goal: `console inbox page p99 on a read model of ${r.readModel ? r.readModel.cases.toLocaleString('en') : '1,000,000'} cases`,
    target: '≤ 100 ms',
    measured: inboxPage ? `${inboxPage.latency.p99} ms` : 'not run',
    met: inboxPage ? inboxPage.latency.p99 <= 100 : null,
  });
  const c = r.calendar;
  goals.push({
    goal: `move the due dates of ${c ? c.cases.toLocaleString('en') : '100,000'} open cases after a calendar change, read model consistent`,
    target: '≤ 60 s',
    measured: c ? `${(c.recomputeMs / 1000).toFixed(1)} s` : 'not run',
    met: c ? c.recomputeMs <= 60_000 && c.consistency.staleClocks + c.consistency.disagreeing + c.consistency.notMoved === 0 && c.sample.agreeing === c.sample.woken : null,
  });
  return goals;
}

const cpuCells = (run: { cpu?: import('./cpu').CpuUsage }): (string | number)[] =>
  run.cpu ? [`${run.cpu.machineBusyPct}%`, run.cpu.processes.worker ?? '', run.cpu.processes.temporal ?? '', run.cpu.processes.loadGenerator ?? '', run.cpu.otherPct] : ['', '', '', '', ''];
const CPU_HEAD = ['machine busy', 'worker %CPU', 'Temporal %CPU', 'client %CPU', 'other %CPU'];
const peerCpuCells = (run: { cpu?: import('./cpu').CpuUsage }): (string | number)[] => [...cpuCells(run), run.cpu?.processes.flowable ?? ''];

/** At most `n` elements of `xs`, evenly spaced, the last always included. */
function evenly<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round(((i + 1) * (xs.length - 1)) / n)] as T);
}

/** CPU the whole machine spent per case (ms): busy share × cores × wall time ÷ cases; includes whatever else ran. */
export function cpuMsPerCase(run: LoadResult, cores: number): number | '' {
  if (!run.cpu || run.cases === 0) return '';
  return Math.round(((run.cpu.machineBusyPct / 100) * cores * run.wallMs) / run.cases);
}

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: (string | number)[][]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

export function toMarkdown(r: Results): string {
  const m = r.machine;
  const out: string[] = [
    `# Masar benchmark (${r.mode})`,
    '',
    `Run ${r.startedAt}, ${Math.round(r.durationS)} s, commit ${m.commit}.`,
    `Machine: ${m.cores} × ${m.cpu}, ${m.memoryGb} GB RAM, ${m.os}; Node ${m.node}; PostgreSQL ${m.postgres};`,
    `${m.temporalCli} (${m.temporalBackend ?? 'dev server, SQLite file'}); Temporal TypeScript SDK ${m.temporalSdk}. Everything (Temporal, PostgreSQL,`,
    'SMTP sink, worker, load generator) on this one machine.',
    '',
    '## Goals',
    '',
    table(['goal', 'target', 'measured', 'met'], r.goals.map((g) => [g.goal, g.target, g.measured, g.met === null ? '–' : g.met ? 'yes' : '**no**'])),
  ];
  const t = r.throughput;
  if (t) {
    out.push(
      '',
      `## 1. Throughput and latency (${t.casesPerRun} cases per run, closed loop)`,
      '',
      'Case: file (update-with-start, answered when filed), `review`, `decide` (two Updates), then wait for the workflow to close (receipt and decision sent).',
      'Latencies in ms, measured by the client.',
      '',
      table(
        ['concurrency', 'run', 'cases/s', 'ratio', 'start p50', 'start p95', 'start p99', 'action p50', 'action p95', 'action p99', 'failed'],
        t.runs.flatMap((x) => [
          [x.concurrency, 'engine', x.engine.casesPerSecond, x.ratio, x.engine.start.p50, x.engine.start.p95, x.engine.start.p99, x.engine.action.p50, x.engine.action.p95, x.engine.action.p99, x.engine.failed],
          [x.concurrency, 'baseline', x.baseline.casesPerSecond, '', x.baseline.start.p50, x.baseline.start.p95, x.baseline.start.p99, x.baseline.action.p50, x.baseline.action.p95, x.baseline.action.p99, x.baseline.failed],
          ...(x.peer ? [[x.concurrency, 'Flowable', x.peer.casesPerSecond, '', x.peer.start.p50, x.peer.start.p95, x.peer.start.p99, x.peer.action.p50, x.peer.action.p95, x.peer.action.p99, x.peer.failed]] : []),
        ]),
      ),
      '',
      'Ratio: engine ÷ baseline. Flowable\'s start answers once the process instance is committed (read-model row written, receipt job stored, review task open), its actions once the task is completed; Masar\'s answer with the case view.',
      '',
      'CPU during each run (%CPU: of one core; machine busy: of all cores; other: PostgreSQL and anything else on the machine):',
      '',
      table(
        ['concurrency', 'run', ...CPU_HEAD, ...(t.peer.status === 'ran' ? ['Flowable %CPU'] : []), 'machine CPU ms per case'],
        t.runs.flatMap((x) => {
          const cells = (run: LoadResult) => [...(t.peer.status === 'ran' ? peerCpuCells(run) : cpuCells(run)), cpuMsPerCase(run, m.cores)];
          return [
            [x.concurrency, 'engine', ...cells(x.engine)],
            [x.concurrency, 'baseline', ...cells(x.baseline)],
            ...(x.peer ? [[x.concurrency, 'Flowable', ...cells(x.peer)]] : []),
          ];
        }),
      ),
      '',
      `Maximum: engine ${t.max.engine} cases/s (c=${t.max.engineConcurrency}), baseline ${t.max.baseline} cases/s (c=${t.max.baselineConcurrency}), ratio ${t.max.ratio}` +
        (t.max.peer !== undefined ? `; Flowable ${t.max.peer} cases/s (c=${t.max.peerConcurrency}), engine ÷ Flowable ${t.max.peerRatio}.` : '.'),
      ...peerSection(t),
      '',
      `At half the engine's maximum (${t.halfLoad.ratePerSecond} cases/s, open loop, ${t.halfLoad.engine.cases + t.halfLoad.engine.failed} cases):`,
      '',
      table(
        ['run', 'start p50', 'start p95', 'start p99', 'action p50', 'action p95', 'action p99', 'case p50', 'failed'],
        [
          ['engine', t.halfLoad.engine.start.p50, t.halfLoad.engine.start.p95, t.halfLoad.engine.start.p99, t.halfLoad.engine.action.p50, t.halfLoad.engine.action.p95, t.halfLoad.engine.action.p99, t.halfLoad.engine.caseTotal.p50, t.halfLoad.engine.failed],
          ['baseline', t.halfLoad.baseline.start.p50, t.halfLoad.baseline.start.p95, t.halfLoad.baseline.start.p99, t.halfLoad.baseline.action.p50, t.halfLoad.baseline.action.p95, t.halfLoad.baseline.action.p99, t.halfLoad.baseline.caseTotal.p50, t.halfLoad.baseline.failed],
          ...(t.halfLoad.peer
            ? [['Flowable', t.halfLoad.peer.start.p50, t.halfLoad.peer.start.p95, t.halfLoad.peer.start.p99, t.halfLoad.peer.action.p50, t.halfLoad.peer.action.p95, t.halfLoad.peer.action.p99, t.halfLoad.peer.caseTotal.p50, t.halfLoad.peer.failed]]
            : []),
        ],
      ),
      '',
      t.halfLoad.peer
        ? table(
            ['run', ...CPU_HEAD, 'Flowable %CPU'],
            [['engine', ...peerCpuCells(t.halfLoad.engine)], ['baseline', ...peerCpuCells(t.halfLoad.baseline)], ['Flowable', ...peerCpuCells(t.halfLoad.peer)]],
          )
        : table(['run', ...CPU_HEAD], [['engine', ...cpuCells(t.halfLoad.engine)], ['baseline', ...cpuCells(t.halfLoad.baseline)]]),
      '',
      `Where an action's time goes at half load (mean ms per \`act\` Update, from the histories of ${t.halfLoad.breakdown.engine.updates / 2} cases each; the client's latency adds its round trip and the Update's long poll):`,
      '',
      table(
        ['phase', 'engine', 'baseline'],
        [
          ...[...new Set([...Object.keys(t.halfLoad.breakdown.engine.phases), ...Object.keys(t.halfLoad.breakdown.baseline.phases)])]
            .sort()
            .map((k) => [k, t.halfLoad.breakdown.engine.phases[k] ?? 0, t.halfLoad.breakdown.baseline.phases[k] ?? 0]),
          ['**span in history** (p50 / p99)', `${t.halfLoad.breakdown.engine.span.p50} / ${t.halfLoad.breakdown.engine.span.p99}`, `${t.halfLoad.breakdown.baseline.span.p50} / ${t.halfLoad.breakdown.baseline.span.p99}`],
          ['**client-measured action** (p50 / p99)', `${t.halfLoad.engine.action.p50} / ${t.halfLoad.engine.action.p99}`, `${t.halfLoad.baseline.action.p50} / ${t.halfLoad.baseline.action.p99}`],
        ],
      ),
      '',
      'Engine activities, as timed inside the worker (ms), at half load and at the maximum:',
      '',
      table(
        ['activity', 'calls (half)', 'p50', 'p95', 'p99', 'calls (max)', 'p50', 'p95', 'p99'],
        Object.keys(t.halfLoad.engineActivities).sort().map((name) => {
          const a = t.halfLoad.engineActivities[name];
          const b = t.runs.find((x) => x.concurrency === t.max.engineConcurrency)?.engineActivities[name];
          return [name, a?.count ?? '', a?.p50 ?? '', a?.p95 ?? '', a?.p99 ?? '', b?.count ?? '', b?.p50 ?? '', b?.p95 ?? '', b?.p99 ?? ''];
        }),
      ),
    );
  }
  if (r.history) {
    out.push(
      '',
      '## 2. History cost per case (main path)',
      '',
      table(
        ['procedure', 'path', 'events', 'bytes', 'workflow tasks', 'activities', 'timers', 'updates'],
        r.history.map((h) => [h.procedure, h.path, h.events, h.bytes, h.workflowTasks, h.activities, h.timers, h.updates]),
      ),
    );
  }
  const s = r.standing;
  if (s) {
    out.push(
      '',
      `## 3. Standing load: ${s.openCases.toLocaleString('en')} open cases waiting on a clock`,
      '',
      table(
        ['measure', 'before', 'after'],
        [
          ['worker RSS', mb(s.worker.before.rss), mb(s.worker.after.rss)],
          ['worker peak RSS', mb(s.worker.before.peakRss), mb(s.worker.after.peakRss)],
          ['worker V8 heap used', mb(s.worker.before.heapUsed), mb(s.worker.after.heapUsed)],
          [`Temporal database (${m.temporalBackend ?? 'dev server, SQLite file'})`, mb(s.temporalDbBytes.before), mb(s.temporalDbBytes.after)],
          ['PostgreSQL database', '', mb(s.postgres.databaseBytes)],
        ],
      ),
      '',
      table(CPU_HEAD, [cpuCells(s.filing)]),
      '',
      `Workflow cache: ${s.worker.maxCachedWorkflows} workflows (\`--cache\`, else the SDK's default for this machine). Filing them: ${s.filing.casesPerSecond} cases/s at c=32,`,
      `start p50 ${s.filing.start.p50} ms, p99 ${s.filing.start.p99} ms; read model caught up ${(s.projectionLagMs / 1000).toFixed(1)} s after the last filing answered.`,
      `Largest tables: ${Object.entries(s.postgres.tables).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}.`,
      ...(s.rssCurve?.length
        ? ['', table(['open cases', 'worker RSS (MB)', 'seconds'], evenly(s.rssCurve, 10).map((p) => [p.openCases, p.rssMb, p.seconds]))]
        : []),
    );
  }
  const rm = r.readModel;
  if (rm) {
    out.push(
      '',
      `## 3b. Read model: ${rm.cases.toLocaleString('en')} cases (synthetic), ${rm.openTasks.toLocaleString('en')} open tasks`,
      '',
      `1,503 communes, skewed: the largest (${rm.largestUnit.code}) holds ${rm.largestUnit.cases.toLocaleString('en')} cases, ${rm.largestUnit.openTasks.toLocaleString('en')} open tasks.`,
      `Seeded in ${(rm.seedMs / 1000).toFixed(0)} s; cases ${mb(rm.tableBytes.cases)}, case_tasks ${mb(rm.tableBytes.caseTasks)} (with indexes). Queries run one at a time through the API's own functions.`,
      '',
      table(
        ['query', 'what', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'rows'],
        rm.queries.map((q) => [q.name, q.description, q.latency.p50, q.latency.p95, q.latency.p99, q.latency.max, q.rows]),
      ),
    );
  }
  const c = r.calendar;
  if (c) {
    out.push(
      '',
      `## 4. Calendar change: ${c.cases.toLocaleString('en')} open cases`,
      '',
      `Closure recorded on ${c.closureDate}; the calendar pass moved ${c.moved.toLocaleString('en')} due dates and queued ${c.notices.toLocaleString('en')} notices in ${(c.recomputeMs / 1000).toFixed(1)} s (${c.casesPerSecond} cases/s),`,
      `signalling ${c.signalled} cases (next wake earlier). ${c.workflows.toLocaleString('en')} of the cases are real workflows, the rest copies of their read-model rows.`,
      `Consistency after the pass: ${c.consistency.staleClocks} running clocks left on the old calendar, ${c.consistency.disagreeing} cases whose clock, task, view and next due disagree, ${c.consistency.notMoved} clocks not moved;`,
      `${c.sample.agreeing} of ${c.sample.woken} sampled workflows, woken, hold the read model's date.`,
      '',
      table(CPU_HEAD, [cpuCells(c)]),
    );
  }
  return `${out.join('\n')}\n`;
}

/** Masar, bare Temporal and Flowable side by side: cases/s, action p50/p99 and the ratios. */
function peerSection(t: ThroughputResult): string[] {
  if (t.peer.status === 'skipped') return ['', `Flowable peer: not run (${t.peer.reason}).`];
  const ms = (run: LoadResult | undefined) => (run ? `${run.action.p50} / ${run.action.p99}` : '');
  return [
    '',
    `### Masar, bare Temporal and Flowable side by side`,
    '',
    `Peer: ${t.peer.banner} (an embedded engine, bench/flowable); warmed up on ${t.peer.warmup} cases; ${t.peer.lockRetries} optimistic-lock retries of task completions.`,
    '',
    table(
      ['concurrency', 'Masar cases/s', 'Temporal cases/s', 'Flowable cases/s', 'Masar ÷ Flowable', 'Temporal ÷ Flowable', 'Masar action p50 / p99', 'Temporal action p50 / p99', 'Flowable action p50 / p99'],
      [
        ...t.runs.map((x) => [x.concurrency, x.engine.casesPerSecond, x.baseline.casesPerSecond, x.peer?.casesPerSecond ?? '', x.peerRatio ?? '', x.baselinePeerRatio ?? '', ms(x.engine), ms(x.baseline), ms(x.peer)]),
        [
          `open loop ${t.halfLoad.ratePerSecond}/s`,
          t.halfLoad.engine.casesPerSecond,
          t.halfLoad.baseline.casesPerSecond,
          t.halfLoad.peer?.casesPerSecond ?? '',
          '',
          '',
          ms(t.halfLoad.engine),
          ms(t.halfLoad.baseline),
          ms(t.halfLoad.peer),
        ],
      ],
    ),
  ];
}

/** Writes `<mode>.json|md`, or `<mode>-<scenarios>.json|md` for a partial run (`--only`). */
/** `variant` (e.g. `cluster`) keeps another backend's run beside the default one, not over it. */
export function writeResults(dir: string, r: Results, only?: string[], variant?: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const name = [r.mode, ...(variant ? [variant] : []), ...(only ?? [])].join('-');
  const json = path.join(dir, `${name}.json`);
  const md = path.join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, toMarkdown(r));
  return { json, md };
}
