/**
 * Settings of the opt-in PostgreSQL-backed Temporal server (`npm run cluster`, the cluster test
 * tier, `BENCH_TEMPORAL=cluster`), parsed once from the environment the entry point hands in.
 */
import path from 'node:path';
import { z } from 'zod';

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');

const ClusterEnv = z.object({
  /** A role with CREATEDB: it creates and owns the two databases, and the server connects as it. */
  MASAR_CLUSTER_DATABASE_URL: postgresUrl.default('postgres://masar:masar@localhost:5432/postgres'),
  /** Persistence database; visibility is `<name>_visibility`. */
  MASAR_CLUSTER_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,50}$/, 'must be a plain lower-case name such as temporal')
    .default('temporal'),
  /** Frontend gRPC port on 127.0.0.1 (the address workers and APIs use). */
  MASAR_CLUSTER_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  /** Config, pid file and log of the server. */
  MASAR_CLUSTER_DIR: z.string().min(1).default(path.join('data', 'temporal-cluster')),
  MASAR_CLUSTER_NAMESPACE: z.string().min(1).default('default'),
});

/** The parsed settings; relative folders are taken from `root`. */
export interface ClusterConfig {
  databaseUrl: string;
  database: string;
  port: number;
  stateDir: string;
  namespace: string;
}

/** Parses the cluster settings, listing every bad variable in one error. */
export function loadClusterConfig(env: Record<string, string | undefined>, root: string): ClusterConfig {
  const parsed = ClusterEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid cluster settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.MASAR_CLUSTER_DATABASE_URL,
    database: e.MASAR_CLUSTER_DATABASE,
    port: e.MASAR_CLUSTER_PORT,
    stateDir: path.resolve(root, e.MASAR_CLUSTER_DIR),
    namespace: e.MASAR_CLUSTER_NAMESPACE,
  };
}
