/** The PostgreSQL pool shared by activities (writes) and the API (reads). */
import { Pool, type PoolConfig } from 'pg';

export type Db = Pool;

export interface DbOptions {
  /** A `postgres://` URL. */
  url: string;
  /** Pool size. @default 10 */
  max?: number;
  /** Applied to every statement so a stuck query cannot hold a request forever. @default 10000 */
  statementTimeoutMs?: number;
}

/** Creates a pool; connections are opened lazily. */
export function createDb(options: DbOptions): Db {
  const config: PoolConfig = {
    connectionString: options.url,
    max: options.max ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    connectionTimeoutMillis: 5_000,
  };
  const pool = new Pool(config);
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}
