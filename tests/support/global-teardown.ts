import { rmSync } from 'node:fs';
import type { EmbeddedPostgres } from '../../db/embedded';
import type { DevServer } from '../../worker/dev-server';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __masarDevServer?: DevServer }).__masarDevServer;
  if (server) await server.stop();
  const pg = (globalThis as { __masarPglite?: EmbeddedPostgres }).__masarPglite;
  if (pg) await pg.stop();
  if (process.env.MASAR_TEST_PGLITE_TEMPLATE) rmSync(process.env.MASAR_TEST_PGLITE_TEMPLATE, { force: true });
}
