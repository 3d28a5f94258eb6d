/**
 * The benchmark's worker, in a process of its own so its memory is measured apart from the load
 * generator's: a Masar worker with the real activities (PostgreSQL read model and outbox,
 * directory, calendars from the database, SMTP), wired as `worker/run.ts` wires them, and the
 * baseline worker on its own task queue and bundle. Production defaults everywhere (pool size,
 * worker slots, workflow cache).
 *
 * Talks to the parent over IPC: sends `{ type: 'ready', ... }` once both workers poll, answers
 * `{ type: 'memory' }` with `process.memoryUsage()`, stops on `{ type: 'stop' }`.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { z } from 'zod';
import { createActivities } from '../activities';
import { createSmtpChannel } from '../activities/notifications';
import { createDbCalendarSource } from '../db/calendars';
import { createDirectory } from '../db/directory';
import { createDb } from '../db/pool';
import { createMasarWorker } from '../worker/create-worker';
import { baselineActivities } from './baseline/activities';
import { BASELINE_TASK_QUEUE } from './baseline/messages';

const Env = z.object({
  BENCH_TEMPORAL_ADDRESS: z.string().min(1),
  BENCH_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//),
  BENCH_SMTP_URL: z.string().regex(/^smtp:\/\//),
  BENCH_TASK_QUEUE: z.string().min(1),
  BENCH_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).optional(),
});

export type WorkerMessage =
  | { type: 'ready'; pid: number; maxCachedWorkflows: number; bundleMs: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage }
  | { type: 'activity-times'; times: Record<string, number[]> }
  | { type: 'error'; message: string };

function send(message: WorkerMessage): void {
  process.send?.(message);
}

/** Durations (ms) of each activity since the last `activity-times` request: where an action's time goes. */
const times: Record<string, number[]> = {};

function timed<T extends object>(activities: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    out[name] = async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } finally {
        (times[name] ??= []).push(performance.now() - t0);
      }
    };
  }
  return out as T;
}

async function main(): Promise<void> {
  const env = Env.parse(process.env);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const db = createDb({ url: env.BENCH_DATABASE_URL });
  const connection = await NativeConnection.connect({ address: env.BENCH_TEMPORAL_ADDRESS });
  const t0 = performance.now();
  const engine = await createMasarWorker({
    connection,
    taskQueue: env.BENCH_TASK_QUEUE,
    activities: timed(
      createActivities({
        db,
        directory: createDirectory(db),
        channel: createSmtpChannel({ url: env.BENCH_SMTP_URL }),
        calendars: createDbCalendarSource(db),
      }),
    ),
    ...(env.BENCH_MAX_CACHED_WORKFLOWS ? { extra: { maxCachedWorkflows: env.BENCH_MAX_CACHED_WORKFLOWS } } : {}),
  });
  const baseline = await Worker.create({
    connection,
    taskQueue: BASELINE_TASK_QUEUE,
    workflowsPath: require.resolve('./baseline/workflows'),
    activities: baselineActivities,
  });
  const bundleMs = performance.now() - t0;
  const running = Promise.all([engine.run(), baseline.run()]);
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'memory') send({ type: 'memory', usage: process.memoryUsage() });
    if (m.type === 'activity-times') {
      send({ type: 'activity-times', times: { ...times } });
      for (const name of Object.keys(times)) delete times[name];
    }
    if (m.type === 'stop') {
      engine.shutdown();
      baseline.shutdown();
    }
  });
  process.on('disconnect', () => {
    if (engine.getState() === 'RUNNING') engine.shutdown();
    if (baseline.getState() === 'RUNNING') baseline.shutdown();
  });
  send({ type: 'ready', pid: process.pid, maxCachedWorkflows: engine.options.maxCachedWorkflows, bundleMs });
  await running;
  await connection.close();
  await db.end();
  // Exit now (the CPU profile is written on exit) rather than wait for idle sockets to close.
  process.exit(0);
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  console.error(err);
  process.exit(1);
});
