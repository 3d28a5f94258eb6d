/**
 * An embedded PostgreSQL for `npm start` and for test runs on a machine without one: PGlite (the
 * PostgreSQL server compiled to WebAssembly, in this process) served over the Postgres wire
 * protocol by `@electric-sql/pglite-socket`, so the API, the worker, the CLI and `psql` connect
 * with an ordinary `postgres://` URL.
 *
 * Hazards of PGlite, known and accepted for development use (production uses `DATABASE_URL`):
 * - It is ONE database session. The socket server multiplexes every client connection onto it,
 *   one protocol message at a time, and while a client holds an open transaction only that
 *   client's messages run. A client that opens a transaction and then waits for another
 *   connection's query would wait forever; Masar's code never does that.
 * - Session state is shared by all connections: session advisory locks do not exclude each other
 *   (run migrations from one place before starting the rest), and startup options such as
 *   `statement_timeout` or `search_path` in the URL are ignored.
 * - There is one database: `CREATE DATABASE` cannot give a test its own. Tests start one
 *   in-memory instance per test file instead (`tests/support/db.ts`).
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgresOptions {
  /** Folder of the data files; in memory (gone at stop) when absent. */
  dataDir?: string;
  /** TCP port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Concurrent client connections the socket server accepts. @default 100 */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** `postgres://` URL of the server (user, password and database name are not checked). */
  url: string;
  port: number;
  /** Closes every connection, then the database (flushing its files). */
  stop(): Promise<void>;
}

/** Starts PGlite and serves it on `host:port`; rejects with a clear message when the port is taken. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? 'memory://');
  const server = new PGLiteSocketServer({
    db,
    host,
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 100,
  });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `embedded PostgreSQL: port ${options.port} on ${host} is taken (is another Masar running?): ` +
          'stop what holds it, or choose another port (MASAR_PG_PORT), or set DATABASE_URL to use a real server',
      );
    }
    throw err;
  }
  // getServerConn() is "host:port" with the port the OS chose when asked for 0.
  const port = Number(server.getServerConn().split(':').pop());
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    port,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        await db.close();
      })();
      return stopped;
    },
  };
}
