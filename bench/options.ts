/**
 * Command-line options of `npm run bench` and the sizes of each mode. `--quick` is the CI smoke
 * run (under 3 minutes); the full run is what `bench/results/full.*` holds (about 25 minutes on 2
 * cores).
 */
import { z } from 'zod';
import type { TemporalBackend, TemporalStore } from './harness';

export const SCENARIOS = ['throughput', 'history', 'standing', 'calendar', 'read-model'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Sizes {
  /** Cases per closed-loop run (engine and baseline each). */
  cases: number;
  concurrencies: number[];
  /** Cases run before measuring, so bundles, JIT and pools are warm. */
  warmup: number;
  /** Cases of the open-loop run at half the maximum throughput. */
  halfLoadCases: number;
  /** Open cases waiting on clocks (standing load and calendar change). */
  openCases: number;
  /** Synthetic cases in the read model for the inbox and list queries. */
  readModelCases: number;
  /** Open cases the calendar change reaches: the standing load's, and copies of their read-model rows up to this. */
  calendarCases: number;
  /** Timed executions of each query. */
  queries: number;
}

export const SIZES: Record<'quick' | 'full', Sizes> = {
  quick: { cases: 40, concurrencies: [4, 16], warmup: 8, halfLoadCases: 30, openCases: 200, readModelCases: 100_000, calendarCases: 2_000, queries: 200 },
  full: { cases: 800, concurrencies: [4, 16, 48], warmup: 50, halfLoadCases: 400, openCases: 10_000, readModelCases: 1_000_000, calendarCases: 100_000, queries: 1_000 },
};

export interface BenchOptions {
  mode: 'quick' | 'full';
  sizes: Sizes;
  only: ScenarioName[];
  /** Some scenarios only (`--only`): results go to `<mode>-<scenarios>.*`, the full record stays. */
  partial: boolean;
  databaseUrl: string;
  /** Worker CPU profiles (`--cpu-prof`) written under bench/results/profiles. */
  profile: boolean;
  temporalStore: TemporalStore;
  /**
   * Run the Flowable peer beside Masar and the baseline in the throughput scenario: by default in
   * the full run, not in `--quick` (CI's smoke run: a JVM start and a first Maven build would
   * break its 3 minutes); `--peer` / `--no-peer` override. Skipped, with the reason in the
   * results, when Java 17 or Maven is missing.
   */
  peer: boolean;
  /** The worker's workflow cache size (`--cache`). @default the SDK's */
  maxCachedWorkflows?: number;
  /** `dev` (the dev server, SQLite) or `cluster` (the server `npm run setup:cluster` builds, on PostgreSQL). */
  temporalBackend: TemporalBackend;
}

const USAGE = `usage: npm run bench -- [--quick] [--only=throughput,history,standing,calendar,read-model] [--profile] [--peer|--no-peer]
  --quick     small sizes, for CI (under 3 minutes)
  --only      run some scenarios (calendar needs standing, which it implies)
  --profile   record CPU profiles of the worker (bench/results/profiles/)
  --peer, --no-peer  run the Flowable peer in the throughput scenario (default: full run yes, --quick no; needs Java 17 and Maven)
  --open-cases=N  open cases of the standing load and calendar change (default: 200 quick, 10000 full)
  --cache=N   the worker's workflow cache (MASAR_MAX_CACHED_WORKFLOWS; default: the SDK's for the machine)
  --calendar-cases=N  cases the calendar change reaches, the open cases' read-model rows copied up to N (default: 2000 quick, 100000 full)
env: BENCH_DATABASE_URL (default postgres://masar:masar@localhost:5432/masar_bench): this database is DROPPED and recreated
     BENCH_TEMPORAL=dev|cluster (default dev): cluster runs Temporal on PostgreSQL (npm run setup:cluster first);
       its databases masar_bench_temporal(_visibility) are DROPPED and recreated; results go to <mode>-cluster.*
     BENCH_TEMPORAL_STORE=memory|file|file-wal (default file-wal): the dev server's store`;

const Store = z.enum(['memory', 'file', 'file-wal']);
const Backend = z.enum(['dev', 'cluster']);

const Args = z.object({
  quick: z.boolean(),
  profile: z.boolean(),
  peer: z.boolean().optional(),
  only: z.array(z.enum(SCENARIOS)),
  openCases: z.number().int().min(1).max(1_000_000).optional(),
  calendarCases: z.number().int().min(1).max(1_000_000).optional(),
  cache: z.number().int().min(1).max(1_000_000).optional(),
});

export function parseOptions(argv: string[], env: Record<string, string | undefined>): BenchOptions {
  const raw = { quick: false, profile: false, peer: undefined as boolean | undefined, only: [] as string[], openCases: undefined as number | undefined, calendarCases: undefined as number | undefined, cache: undefined as number | undefined };
  for (const arg of argv) {
    if (arg === '--quick') raw.quick = true;
    else if (arg === '--profile') raw.profile = true;
    else if (arg === '--peer') raw.peer = true;
    else if (arg === '--no-peer') raw.peer = false;
    else if (arg.startsWith('--only=')) raw.only = arg.slice('--only='.length).split(',').filter(Boolean);
    else if (arg.startsWith('--open-cases=')) raw.openCases = Number(arg.slice('--open-cases='.length));
    else if (arg.startsWith('--calendar-cases=')) raw.calendarCases = Number(arg.slice('--calendar-cases='.length));
    else if (arg.startsWith('--cache=')) raw.cache = Number(arg.slice('--cache='.length));
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  const parsed = Args.safeParse(raw);
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}\n${USAGE}`);
  const mode = parsed.data.quick ? 'quick' : 'full';
  let only: ScenarioName[] = parsed.data.only.length ? parsed.data.only : [...SCENARIOS];
  if (only.includes('calendar') && !only.includes('standing')) only = [...only, 'standing'];
  const databaseUrl = env.BENCH_DATABASE_URL ?? 'postgres://masar:masar@localhost:5432/masar_bench';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error(`BENCH_DATABASE_URL must be a postgres:// URL\n${USAGE}`);
  const store = Store.safeParse(env.BENCH_TEMPORAL_STORE ?? 'file-wal');
  if (!store.success) throw new Error(`BENCH_TEMPORAL_STORE must be memory, file or file-wal\n${USAGE}`);
  const backend = Backend.safeParse(env.BENCH_TEMPORAL ?? 'dev');
  if (!backend.success) throw new Error(`BENCH_TEMPORAL must be dev or cluster, not "${env.BENCH_TEMPORAL}"\n${USAGE}`);
  const sizes = { ...SIZES[mode], ...(parsed.data.openCases ? { openCases: parsed.data.openCases } : {}), ...(parsed.data.calendarCases ? { calendarCases: parsed.data.calendarCases } : {}) };
  const peer = parsed.data.peer ?? mode === 'full';
  return {
    mode,
    sizes,
    only,
    partial: parsed.data.only.length > 0,
    databaseUrl,
    profile: parsed.data.profile,
    temporalStore: store.data,
    temporalBackend: backend.data,
    peer,
    ...(parsed.data.cache ? { maxCachedWorkflows: parsed.data.cache } : {}),
  };
}
