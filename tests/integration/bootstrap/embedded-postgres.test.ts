/**
 * The embedded PostgreSQL (PGlite over the wire protocol) runs what Masar asks of PostgreSQL:
 * the real migrations (plpgsql triggers, jsonb), the directory's recursive walks, per-case advisory
 * locks keyed by `hashtextextended`, persistence across a restart, and one instance per test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createDirectory } from '../../../db/directory';
import { migrate } from '../../../db/migrate';
import { createDb, type Db } from '../../../db/pool';
import { seedDirectory } from '../../../db/seed/seed-directory';
import { createTestDb, type TestDb } from '../../support/db';
import { startPgliteProcess, type PgliteProcess } from '../../support/pglite-process';

describe('embedded PostgreSQL (PGlite)', () => {
  let pg: PgliteProcess;
  let db: Db;

  beforeAll(async () => {
    pg = await startPgliteProcess(); // fresh, not from the run's template: the migrations run here
    db = createDb({ url: pg.url, max: 4 });
    await migrate(db);
  });

  afterAll(async () => {
    await db.end();
    await pg.stop();
  });

  it('should refuse to update or truncate the journal (plpgsql triggers from the migrations)', async () => {
    await db.query(
      `INSERT INTO journal (case_id, sequence, at, actor, kind, prev_hash, hash)
       VALUES ('c-1', 1, now(), '{"id":"system"}'::jsonb, 'filed', '', 'h1')`,
    );
    await expect(db.query(`UPDATE journal SET kind = 'forged' WHERE case_id = 'c-1'`)).rejects.toThrow('journal is append-only: UPDATE refused on case c-1');
    await expect(db.query('TRUNCATE journal')).rejects.toThrow('journal is append-only: TRUNCATE refused');
    const { rows } = await db.query<{ actor: { id: string } }>(`SELECT actor FROM journal WHERE case_id = 'c-1'`);
    expect(rows[0]?.actor.id).toBe('system');
  });

  it('should walk the seeded directory up to the ministry and down from a province', async () => {
    await seedDirectory(db);
    const directory = createDirectory(db);
    expect(await directory.caseUnit('01.511.01.01')).toMatchObject({ code: '01.511.01.01', province: '01.511', region: '01', ministry: 'DGCT' });
    expect((await directory.descendants('01.511')).map((u) => u.code)).toContain('01.511.01.01');
  });

  it('should serialise transactions that take the same per-case advisory lock', async () => {
    await db.query('CREATE TABLE counter (n integer NOT NULL)');
    await db.query('INSERT INTO counter VALUES (0)');
    const increment = async () => {
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', ['masar:case:c-1']);
        const { rows } = await client.query<{ n: number }>('SELECT n FROM counter');
        await new Promise((r) => setTimeout(r, 5));
        await client.query('UPDATE counter SET n = $1', [(rows[0]?.n ?? 0) + 1]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: 12 }, increment));
    expect((await db.query<{ n: number }>('SELECT n FROM counter')).rows[0]?.n).toBe(12);
  });

  it('should keep concurrent clients apart on its one session (no statement mix-ups, electric-sql/pglite#1046)', async () => {
    // pglite-socket 0.2.17 failed this with "bind message supplies 2 parameters, but prepared
    // statement "" requires 1" in a few of the 400 (ten clients, big messages split over reads).
    const pool = createDb({ url: pg.url, max: 10 });
    const big = 'x'.repeat(200_000);
    try {
      const queries = Array.from({ length: 400 }, (_, i) =>
        i % 3 === 0
          ? pool.query('SELECT $1::int AS v, length($2::text) AS len', [i, big])
          : i % 3 === 1
            ? pool.query('SELECT $1::int AS v', [i])
            : pool.query('SELECT $1::int AS v, $2::text AS w, $3::jsonb AS j', [i, `w${i}`, JSON.stringify({ i })]),
      );
      const rows = (await Promise.all(queries)).map((r) => r.rows[0]);
      rows.forEach((row, i) => {
        expect(row).toMatchObject(i % 3 === 0 ? { v: i, len: big.length } : i % 3 === 1 ? { v: i } : { v: i, w: `w${i}`, j: { i } });
      });
    } finally {
      await pool.end();
    }
  });

  it('should roll back the open transaction of a client that disconnects', async () => {
    await db.query('CREATE TABLE left_behind (n integer)');
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO left_behind VALUES (1)');
    await client.end(); // mid-transaction: the next client must not inherit it
    expect((await db.query('SELECT count(*)::int AS n FROM left_behind')).rows).toEqual([{ n: 0 }]);
  });

  it('should keep its data in its folder across a restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'masar-pg-'));
    try {
      const first = await startPgliteProcess({ dataDir: dir });
      const a = createDb({ url: first.url, max: 1 });
      await migrate(a);
      await a.query(`INSERT INTO units (code, kind, name_fr, name_ar, parent_code) VALUES ('99', 'region', 'Essai', 'تجربة', 'DGCT')`);
      await a.end();
      await first.stop();

      const second = await startPgliteProcess({ dataDir: dir });
      const b = createDb({ url: second.url, max: 1 });
      expect(await migrate(b)).toEqual([]);
      expect((await b.query(`SELECT name_fr AS fr FROM units WHERE code = '99'`)).rows).toEqual([{ fr: 'Essai' }]);
      await b.end();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should name the port and the fix when the port is taken', async () => {
    const port = Number(new URL(pg.url).port);
    await expect(startPgliteProcess({ port })).rejects.toThrow(`embedded PostgreSQL: port ${port} on 127.0.0.1 is taken`);
  });

  it('should give each test file a database of its own', async () => {
    const one: TestDb = await createTestDb({ pglite: true });
    const two: TestDb = await createTestDb({ pglite: true });
    try {
      await one.db.query(`INSERT INTO units (code, kind, name_fr, name_ar, parent_code) VALUES ('98', 'region', 'Un', 'واحد', 'DGCT')`);
      expect((await two.db.query(`SELECT code FROM units WHERE code = '98'`)).rows).toEqual([]);
      expect(one.url).not.toBe(two.url);
    } finally {
      await one.drop();
      await two.drop();
    }
  });
});
