/**
 * Which PostgreSQL a test run uses, decided once by the global setup. A port that answers is not
 * enough: on a newcomer's machine a PostgreSQL often runs on localhost:5432 without the test role,
 * and every test would then fail with "password authentication failed". So the login is tried:
 * - `MASAR_TEST_DB=pglite`: the embedded PGlite;
 * - `DATABASE_URL` set: it must log in as a role that may create databases, or the run stops at
 *   once with one line saying what to set (the author asked for that database);
 * - unset: the default URL when it logs in on localhost:5432; otherwise the embedded PGlite, saying why.
 */
import net from 'node:net';
import { Client } from 'pg';

/** The URL tests use when `DATABASE_URL` is unset (the CI and docs role). */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://masar:masar@localhost:5432/masar_test';

export type PostgresChoice =
  | { kind: 'server'; url: string }
  | { kind: 'pglite'; reason: string }
  | { kind: 'stop'; message: string };

/** How the decision looks at the machine; real by default, swappable to test the decision. */
export interface PostgresProbe {
  /** Whether something accepts TCP connections on host:port. */
  answers(host: string, port: number): Promise<boolean>;
  /** Why `url` cannot serve the tests (no login, no right to create databases), or undefined when it can. */
  loginProblem(url: string): Promise<string | undefined>;
}

/** `url` with its password hidden, for messages. */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

export const realProbe: PostgresProbe = {
  answers(host, port) {
    return new Promise((resolve) => {
      const socket = net.connect({ host, port });
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1_000, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  },
  async loginProblem(url) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      // Each test file creates its own database.
      const { rows } = await client.query<{ may: boolean; role: string }>(
        'SELECT rolcreatedb OR rolsuper AS may, current_user AS role FROM pg_roles WHERE rolname = current_user',
      );
      return rows[0]?.may ? undefined : `role "${rows[0]?.role ?? '?'}" may not create databases (ALTER ROLE ... CREATEDB)`;
    } catch (err) {
      return (err as Error).message || String(err);
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};

/** Decides which database the run uses (see the module comment). */
export async function choosePostgres(
  env: Record<string, string | undefined>,
  probe: PostgresProbe = realProbe,
  defaultUrl: string = DEFAULT_TEST_DATABASE_URL,
): Promise<PostgresChoice> {
  if (env.MASAR_TEST_DB === 'pglite') return { kind: 'pglite', reason: 'MASAR_TEST_DB=pglite' };
  const fix = 'set DATABASE_URL to a role that may create databases, or MASAR_TEST_DB=pglite to use the embedded database';
  if (env.DATABASE_URL) {
    const problem = await probe.loginProblem(env.DATABASE_URL);
    if (!problem) return { kind: 'server', url: env.DATABASE_URL };
    return { kind: 'stop', message: `DATABASE_URL ${redacted(env.DATABASE_URL)} cannot serve the tests: ${problem}; ${fix}` };
  }
  const { hostname, port } = new URL(defaultUrl);
  if (!(await probe.answers(hostname === 'localhost' ? '127.0.0.1' : hostname, Number(port || 5432)))) {
    return { kind: 'pglite', reason: `no DATABASE_URL and no PostgreSQL on ${hostname}:${port || 5432}` };
  }
  const problem = await probe.loginProblem(defaultUrl);
  if (!problem) return { kind: 'server', url: defaultUrl };
  return {
    kind: 'pglite',
    reason: `a PostgreSQL answers on ${hostname}:${port || 5432} but ${redacted(defaultUrl)} cannot serve the tests (${problem}); to use it, ${fix.replace(/, or MASAR_TEST_DB.*/, '')}`,
  };
}
