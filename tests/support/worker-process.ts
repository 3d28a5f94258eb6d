/**
 * A Masar worker in its own process, so a test can kill it with SIGKILL mid-case.
 * Env: MASAR_TEST_TEMPORAL_ADDRESS, TASK_QUEUE. Prints "ready" once polling.
 */
import { NativeConnection } from '@temporalio/worker';
import { createMasarWorker } from '../../worker/create-worker';
import { recordingActivities } from './fake-activities';

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.MASAR_TEST_TEMPORAL_ADDRESS as string });
  const { activities } = recordingActivities();
  const worker = await createMasarWorker({
    connection,
    taskQueue: process.env.TASK_QUEUE as string,
    activities,
    extra: { bundlerOptions: { ignoreModules: [] } },
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
