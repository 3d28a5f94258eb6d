/**
 * Jest global setup: provisions the Temporal binaries, starts ONE Temporal dev server for the
 * integration tests (in memory, on free ports) and exposes its address to the tests through
 * `MASAR_TEST_TEMPORAL_ADDRESS`. The time-skipping test server is started per test file by
 * `TestWorkflowEnvironment` (see `tests/support/temporal.ts`).
 *
 * PostgreSQL: `DATABASE_URL` when set, else the server on localhost:5432 when one answers there.
 * When neither (or with `MASAR_TEST_DB=pglite`), an embedded PGlite serves the run: it is started
 * here, `DATABASE_URL` points at it, and `MASAR_TEST_PGLITE=1` tells `tests/support/db.ts` to give
 * each test file its own instance, started from the migrated database saved in
 * `MASAR_TEST_PGLITE_TEMPLATE`.
 */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { createDb } from '../../db/pool';
import { ensureTemporalToolchain } from '../../worker/temporal-toolchain';
import { startDevServer } from '../../worker/dev-server';

/** Whether something accepts TCP connections on host:port within a second. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function providePostgres(): Promise<void> {
  const forced = process.env.MASAR_TEST_DB === 'pglite';
  if (!forced && (process.env.DATABASE_URL || (await answers('127.0.0.1', 5432)))) return;
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
  console.log(
    `\n${forced ? 'MASAR_TEST_DB=pglite' : 'no DATABASE_URL and no PostgreSQL on localhost:5432'}: ` +
      `using embedded PGlite (DATABASE_URL=${pg.url}, one in-memory instance per test file)`,
  );
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
