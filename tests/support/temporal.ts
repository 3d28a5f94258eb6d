/**
 * Temporal environments for tests: the time-skipping test server (one per test file, started from
 * the binary `npm run setup` provisioned) and the shared dev server started by global setup.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker/create-worker';

export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  return TestWorkflowEnvironment.createTimeSkipping(
    path ? { server: { executable: { type: 'existing-path', path } } } : undefined,
  );
}

/** A time-skipping server and a worker polling `taskQueue` with `activities`; `stop` ends both. */
export async function timeSkippingWorker(
  taskQueue: string,
  activities: object,
): Promise<{ env: TestWorkflowEnvironment; stop(): Promise<void> }> {
  const env = await timeSkippingEnv();
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  const running = worker.run();
  return {
    env,
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** The dev server started once for the whole run (see global-setup.ts). */
export async function devServerEnv(): Promise<TestWorkflowEnvironment> {
  const address = process.env.MASAR_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('MASAR_TEST_TEMPORAL_ADDRESS is not set: jest global setup did not start the dev server');
  return TestWorkflowEnvironment.createFromExistingServer({ address });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per test file (bundling takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  return bundle;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
