/**
 * Builds a Masar worker: the one case workflow plus the activities given. Production runs a
 * prebuilt bundle (`npm run build:workflows`) so a worker starts fast and runs exactly the code
 * that was reviewed; development and tests bundle from source.
 */
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { MasarActivities, WorkerActivities } from '../activities/types';
import { TASK_QUEUE } from '../workflows/messages';

export interface MasarWorkerOptions {
  connection: NativeConnection;
  /** @default 'default' */
  namespace?: string;
  /** @default TASK_QUEUE */
  taskQueue?: string;
  /** The case activities; a production worker also registers the calendar broadcast's. */
  activities: MasarActivities | WorkerActivities;
  /** Path of a prebuilt workflow bundle; bundles `workflows/` from source when absent. */
  workflowBundlePath?: string;
  identity?: string;
  /** The payload codec (`temporalDataConverter`); clients of the same cases must use the same keys. */
  dataConverter?: DataConverter;
  /** Extra worker options (tests: reuse a bundle, tune concurrency). */
  /** Options over the defaults; a `workflowBundle` here replaces the default `workflowsPath`. */
  extra?: Partial<WorkerOptions>;
}

/** The entry module of the workflow bundle. */
export const WORKFLOWS_PATH = require.resolve('../workflows');

export async function createMasarWorker(options: MasarWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities: options.activities,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : options.extra?.workflowBundle
        ? {}
        : { workflowsPath: WORKFLOWS_PATH }),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    // Graceful shutdown: running activities get this long to finish before they are cancelled.
    shutdownGraceTime: '10 seconds',
    ...options.extra,
  });
}
