/**
 * Entry point of the REST API (`npm run api`): reads the configuration and starts the API
 * (`api/server.ts`: migrate, publish the shipped procedures it does not have yet, listen).
 * Temporal is connected lazily, so the API starts while Temporal is still coming up; `/readyz`
 * says when both answer.
 */
import { loadApiConfig } from '../config/env';
import { createLogger } from '../config/logging';
import { startApi } from './server';
// The entry point composes the process: the API and, at `/`, the console.
import { consoleFromConfig } from '../console';
import { PROCEDURE_TEMPLATE_NAMES } from '../activities/notifications/render';

async function main(): Promise<void> {
  const config = loadApiConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  // The console's administrators validate definitions against the shipped templates, as the API does.
  const api = await startApi(config, logger, { console: consoleFromConfig(config, [], { knownTemplates: PROCEDURE_TEMPLATE_NAMES }) });
  const stop = () => {
    logger.info('shutting down');
    void api.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
