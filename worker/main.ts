/** Entry point of `npm run worker`: one worker process, stopped cleanly by SIGINT or SIGTERM. */
import pino from 'pino';
import { loadWorkerConfig } from '../config/env';
import { startWorker } from './run';

async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = pino({ level: config.LOG_LEVEL });
  const running = await startWorker(config, logger);
  // The SDK's Runtime already turns SIGINT/SIGTERM into a graceful worker shutdown.
  await running.done;
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
