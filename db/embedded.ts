/**
 * An embedded PostgreSQL for `npm start` and for test runs on a machine without one: PGlite (the
 * PostgreSQL server compiled to WebAssembly, in this process) served over the Postgres wire
 * protocol (`db/embedded-server.ts`), so the API, the worker, the CLI and `psql` connect with an
 * ordinary `postgres://` URL.
 *
 * Hazards of PGlite, known and accepted for development use (production uses `DATABASE_URL`):
 * - It is ONE database session. The server lends it to one client at a time, from its first
 *   message to the end of its query or transaction. A client that opens a transaction and then
 *   waits for another connection's query would wait forever; Masar's code never does that.
 * - Session state is shared by all connections: session advisory locks do not exclude each other
 *   (run migrations from one place before starting the rest), and startup options such as
 *   `statement_timeout` or `search_path` in the URL are ignored.
 * - There is one database: `CREATE DATABASE` cannot give a test its own. Tests start one
 *   in-memory instance per test file instead (`tests/support/db.ts`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { servePglite, type ServedPglite } from './embedded-server';

export interface EmbeddedPostgresOptions {
  /** Folder of the data files; in memory (gone at stop) when absent. */
  dataDir?: string;
  /** TCP port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /**
   * A data folder saved by `dumpTo` to start from (a new `dataDir` or memory only): restoring one
   * takes a fraction of a second where creating a database takes seconds.
   */
  template?: string;
}

export interface EmbeddedPostgres {
  /** `postgres://` URL of the server (user, password and database name are not checked). */
  url: string;
  port: number;
  /** Saves the whole data folder to `file` (a tarball), for `template`. */
  dumpTo(file: string): Promise<void>;
  /** Closes every connection, then the database (flushing its files). */
  stop(): Promise<void>;
}

/** Starts PGlite and serves it on `host:port`; rejects with a clear message when the port is taken. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? 'memory://', {
    ...(options.template ? { loadDataDir: new Blob([readFileSync(options.template)]) } : {}),
  });
  let served: ServedPglite;
  try {
    served = await servePglite(db, { host, port: options.port ?? 0 });
  } catch (err) {
    await db.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `embedded PostgreSQL: port ${options.port} on ${host} is taken (is another Masar running?): ` +
          'stop what holds it, or choose another port (MASAR_PG_PORT), or set DATABASE_URL to use a real server',
      );
    }
    throw err;
  }
  const port = served.port;
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    port,
    async dumpTo(file) {
      const dump = await db.dumpDataDir('none');
      writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    },
    stop() {
      stopped ??= (async () => {
        await served.close();
        await db.close();
      })();
      return stopped;
    },
  };
}
