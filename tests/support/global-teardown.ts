import type { DevServer } from '../../worker/dev-server';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __masarDevServer?: DevServer }).__masarDevServer;
  if (server) await server.stop();
}
