/**
 * Jest global setup: provisions the Temporal binaries, starts ONE Temporal dev server for the
 * integration tests (in memory, on free ports) and exposes its address to the tests through
 * `MASAR_TEST_TEMPORAL_ADDRESS`. The time-skipping test server is started per test file by
 * `TestWorkflowEnvironment` (see `tests/support/temporal.ts`).
 */
import path from 'node:path';
import { ensureTemporalToolchain } from '../../worker/temporal-toolchain';
import { startDevServer } from '../../worker/dev-server';

export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const toolchain = ensureTemporalToolchain({ env: process.env, root, install: true, log: (l) => console.log(l) });
  if (toolchain.cli) process.env.TEMPORAL_CLI_PATH = toolchain.cli;
  if (toolchain.testServer) process.env.TEMPORAL_TEST_SERVER_PATH = toolchain.testServer;
  if (!process.env.MASAR_TEST_TEMPORAL_ADDRESS) {
    if (!toolchain.cli) throw new Error('no Temporal CLI found: run `npm run setup` or set TEMPORAL_CLI_PATH');
    const server = await startDevServer({ cli: toolchain.cli, log: () => undefined });
    process.env.MASAR_TEST_TEMPORAL_ADDRESS = server.address;
    (globalThis as { __masarDevServer?: typeof server }).__masarDevServer = server;
  }
}
