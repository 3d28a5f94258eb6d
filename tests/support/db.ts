/**
 * A fresh PostgreSQL database per test file, migrated with the real migrations, dropped at the end.
 * Needs `DATABASE_URL` pointing at a role allowed to create databases (CI: `.ci/run` sets it up).
 *
 * Without a PostgreSQL (the global setup then sets `MASAR_TEST_PGLITE=1`), each test file gets its
 * own in-memory PGlite instead: PGlite has a single database and a single session shared by every
 * connection, so neither `CREATE DATABASE` nor a schema per file (search_path is per session)
 * would keep files apart; a separate instance (a child process: jest's sandbox cannot load PGlite)
 * does, and is freed by `drop()`.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../../db/migrate';
import { createDb, type Db } from '../../db/pool';
import { startPgliteProcess } from './pglite-process';
import { DEFAULT_TEST_DATABASE_URL } from './postgres-choice';

export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;

/** Whether this run uses embedded PGlite instances (set by `tests/support/global-setup.ts`). */
export const ON_PGLITE = process.env.MASAR_TEST_PGLITE === '1';

export interface TestDb {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function createPgliteTestDb(): Promise<TestDb> {
  // The global setup saves a migrated database once; each file starts from it in well under a second.
  const template = process.env.MASAR_TEST_PGLITE_TEMPLATE;
  const server = await startPgliteProcess(template ? { template } : {});
  const db = createDb({ url: server.url, max: 5 });
  await migrate(db);
  return {
    db,
    url: server.url,
    async drop() {
      await db.end();
      await server.stop();
    },
  };
}

/** @param options.pglite use an embedded PGlite whatever the run uses. @default ON_PGLITE */
export async function createTestDb(options: { pglite?: boolean } = {}): Promise<TestDb> {
  if (options.pglite ?? ON_PGLITE) return createPgliteTestDb();
  const name = `masar_t_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(TEST_DATABASE_URL, name);
  const db = createDb({ url, max: 5 });
  await migrate(db);
  return {
    db,
    url,
    async drop() {
      await db.end();
      await dropDatabase(name);
    },
  };
}

/**
 * `DROP ... WITH (FORCE)` terminates the database's other backends, and refuses (42501) when one is not
 * the caller's to signal: an autovacuum worker that happens to be vacuuming the test database (it has no
 * role). Such a worker finishes or yields within moments, so the drop is tried again for a few seconds.
 */
async function dropDatabase(name: string): Promise<void> {
  const c = new Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        return;
      } catch (err) {
        const insufficientPrivilege = (err as { code?: string }).code === '42501';
        if (!insufficientPrivilege || attempt >= 50) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await c.end();
  }
}
