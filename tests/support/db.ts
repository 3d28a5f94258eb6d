/**
 * A fresh PostgreSQL database per test file, migrated with the real migrations, dropped at the end.
 * Needs `DATABASE_URL` pointing at a role allowed to create databases (CI: `.ci/run` sets it up).
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../../db/migrate';
import { createDb, type Db } from '../../db/pool';

export const TEST_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://masar:masar@localhost:5432/masar_test';

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

export async function createTestDb(): Promise<TestDb> {
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
      const c = new Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
