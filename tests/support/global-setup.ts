/**
 * Jest global setup: provisions the Temporal binaries, starts ONE Temporal dev server for the
 * integration tests (in memory, on free ports) and exposes its address to the tests through
 * `MASAR_TEST_TEMPORAL_ADDRESS`. The time-skipping test server is started per test file by
 * `TestWorkflowEnvironment` (see `tests/support/temporal.ts`).
 *
 * PostgreSQL: chosen by `postgres-choice.ts`, which tries the login rather than the port. When
 * the choice is the embedded database (or `MASAR_TEST_DB=pglite`), a PGlite serves the run: it is started
 * here, `DATABASE_URL` points at it, and `MASAR_TEST_PGLITE=1` tells `tests/support/db.ts` to give
 * each test file its own instance, started from the migrated database saved in
 * `MASAR_TEST_PGLITE_TEMPLATE`.
 */
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { createDb } from '../../db/pool';
import { ensureTemporalToolchain } from '../../worker/temporal-toolchain';
import { startDevServer } from '../../worker/dev-server';
import { choosePostgres } from './postgres-choice';

async function providePostgres(): Promise<void> {
  const choice = await choosePostgres(process.env);
  switch (choice.kind) {
    case 'server':
      process.env.DATABASE_URL = choice.url;
      return;
    case 'stop':
      // One line, before any test runs: 123 "password authentication failed" failures say less.
      process.stderr.write(`\nnpm test: ${choice.message}\n`);
      return process.exit(1);
    case 'pglite':
      break;
    default: {
      const never: never = choice;
      throw new Error(`unknown choice ${JSON.stringify(never)}`);
    }
  }
  const pg = await startEmbeddedPostgres();
  const db = createDb({ url: pg.url, max: 1 });
  await migrate(db);
  await db.end();
  const template = path.join(os.tmpdir(), `masar-pglite-template-${process.pid}.tar`);
  await pg.dumpTo(template);
  process.env.DATABASE_URL = pg.url;
  process.env.MASAR_TEST_PGLITE = '1';
  process.env.MASAR_TEST_PGLITE_TEMPLATE = template;
  (globalThis as { __masarPglite?: EmbeddedPostgres }).__masarPglite = pg;
  console.log(`\n${choice.reason}: using embedded PGlite (DATABASE_URL=${pg.url}, one in-memory instance per test file)`);
}

export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const toolchain = ensureTemporalToolchain({ env: process.env, root, install: true, log: (l) => console.log(l) });
  if (toolchain.cli) process.env.TEMPORAL_CLI_PATH = toolchain.cli;
  if (toolchain.testServer) process.env.TEMPORAL_TEST_SERVER_PATH = toolchain.testServer;
  await providePostgres();
  if (!process.env.MASAR_TEST_TEMPORAL_ADDRESS) {
    if (!toolchain.cli) throw new Error('no Temporal CLI found: run `npm run setup` or set TEMPORAL_CLI_PATH');
    const server = await startDevServer({ cli: toolchain.cli, log: () => undefined });
    process.env.MASAR_TEST_TEMPORAL_ADDRESS = server.address;
    (globalThis as { __masarDevServer?: typeof server }).__masarDevServer = server;
  }
}
