import type { TemporalCluster } from '../../worker/temporal-cluster';
import globalTeardown from '../support/global-teardown';

export default async function clusterGlobalTeardown(): Promise<void> {
  await globalTeardown();
  const cluster = (globalThis as { __masarCluster?: TemporalCluster }).__masarCluster;
  await cluster?.stop();
}
