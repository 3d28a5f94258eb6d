/** Entry point of `npm run worker`: one worker process, stopped cleanly by SIGINT or SIGTERM. */
import { loadWorkerConfig } from '../config/env';
import { createLogger } from '../config/logging';
import { startWorker } from './run';

async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  const running = await startWorker(config, logger);
  // The SDK's Runtime already turns SIGINT/SIGTERM into a graceful worker shutdown.
  await running.done;
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
