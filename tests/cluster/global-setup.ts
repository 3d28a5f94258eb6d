/**
 * Global setup of the cluster tier: a fresh PostgreSQL-backed Temporal server (databases
 * `masar_test_temporal` and `masar_test_temporal_visibility`, dropped and recreated, on a free
 * port), whose address the ordinary setup then uses instead of starting the dev server.
 *
 * The server's role: MASAR_CLUSTER_DATABASE_URL, else the tests' DATABASE_URL (its database part
 * is ignored); it needs CREATEDB.
 */
import os from 'node:os';
import path from 'node:path';
import { loadClusterConfig } from '../../config/cluster-env';
import { ensureClusterToolchain } from '../../worker/cluster-toolchain';
import { freePort } from '../../worker/dev-server';
import { dropClusterDatabases, startCluster, type TemporalCluster } from '../../worker/temporal-cluster';
import globalSetup from '../support/global-setup';

export default async function clusterGlobalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const config = loadClusterConfig(
    {
      ...(process.env.DATABASE_URL ? { MASAR_CLUSTER_DATABASE_URL: process.env.DATABASE_URL } : {}),
      ...process.env,
      // Always the tier's own: these databases are dropped, never a running cluster's.
      MASAR_CLUSTER_DATABASE: 'masar_test_temporal',
      MASAR_CLUSTER_DIR: path.join(os.tmpdir(), `masar-cluster-test-${process.pid}`),
    },
    root,
  );
  const toolchain = ensureClusterToolchain({ root, env: process.env, install: false });
  await dropClusterDatabases(config.databaseUrl, config.database);
  const started = Date.now();
  const cluster = await startCluster({ ...config, port: await freePort(), toolchain, log: () => undefined });
  console.log(`\ncluster tier: Temporal server ${toolchain.version} on PostgreSQL at ${cluster.address} (${Date.now() - started} ms to start)`);
  process.env.MASAR_TEST_TEMPORAL_ADDRESS = cluster.address;
  (globalThis as { __masarCluster?: TemporalCluster }).__masarCluster = cluster;
  await globalSetup();
}
