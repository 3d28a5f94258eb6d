import { createProjectionActivities } from '../../../activities/projection';
import { getCase } from '../../../db/cases';
import { readJournal } from '../../../db/journal';
import { verifyJournal } from '../../../db/journal-verify';
import type { Db } from '../../../db/pool';
import { createTestDb, type TestDb } from '../../support/db';
import { projection, type FixtureCase } from './case-fixtures';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

let n = 0;
function freshCase(): FixtureCase {
  n += 1;
  return { caseId: `c-proj-${n}`, reference: `AI-2026-9${String(n).padStart(5, '0')}`, unit: '141.01.05', applicantId: `app-${n}` };
}

/** Everything the read model holds about one case, minus the write timestamp. */
async function snapshot(db: Db, caseId: string): Promise<unknown> {
  const q = async (sql: string) => (await db.query(sql, [caseId])).rows;
  const cases = await q('SELECT * FROM cases WHERE case_id = $1');
  return {
    cases: cases.map(({ updated_at: _u, ...rest }) => rest),
    tasks: await q('SELECT * FROM case_tasks WHERE case_id = $1 ORDER BY position'),
    clocks: await q('SELECT * FROM case_clocks WHERE case_id = $1 ORDER BY name'),
    journal: await q('SELECT * FROM journal WHERE case_id = $1 ORDER BY sequence'),
    pending: await q('SELECT * FROM journal_pending WHERE case_id = $1 ORDER BY sequence'),
  };
}

/**
 * The snapshot with the case's own id and reference replaced, and hashes left out (they cover the
 * case id, so they differ between two cases by design, as do the salts and digests of the personal fields; each chain is verified on its own).
 */
async function normalized(c: FixtureCase): Promise<unknown> {
  const text = JSON.stringify(await snapshot(t.db, c.caseId)).replaceAll(c.caseId, 'CASE').replaceAll(c.reference, 'REF');
  return JSON.parse(text, (k, v) => (k === 'hash' || k === 'prev_hash' || k === 'personal_salt' || k === 'personal_digest' ? undefined : v));
}

describe('projection activity', () => {
  it('should write the case, its task, its clock and a chained journal', async () => {
    const { project } = createProjectionActivities({ db: t.db });
    const c = freshCase();
    await project(projection(c, 1));
    await project(projection(c, 3, 2));

    const stored = await getCase(t.db, c.caseId);
    expect(stored?.view.state).toBe('step_3');
    expect(stored?.data).toEqual({ subject: 'budget 2025', nationalId: 'AB123456', phone: '+212600000000' });
    const journal = await readJournal(t.db, c.caseId);
    expect(journal.map((e) => e.sequence)).toEqual([1, 2, 3]);
    expect(journal[1]?.prevHash).toBe(journal[0]?.hash);
    expect(journal[2]?.data).toEqual({ n: 3, nested: { b: 2, a: [1, 'x'] } });
    expect(await verifyJournal(t.db, c.caseId)).toMatchObject({ ok: true, entries: 3 });
    const tasks = await t.db.query('SELECT unit_code, role, state FROM case_tasks WHERE case_id = $1', [c.caseId]);
    expect(tasks.rows).toEqual([{ unit_code: '141.01.05', role: 'agent', state: 'step_3' }]);
  });

  it('should end identical when every projection is delivered twice', async () => {
    const { project } = createProjectionActivities({ db: t.db });
    const once = freshCase();
    const twice = { ...once, caseId: `${once.caseId}-twice`, reference: `${once.reference}-twice` };
    for (const s of [1, 2, 3]) await project(projection(once, s));
    for (const s of [1, 1, 2, 2, 3, 3]) await project(projection(twice, s));
    expect(await normalized(twice)).toEqual(await normalized(once));
    expect(await verifyJournal(t.db, twice.caseId)).toMatchObject({ ok: true, entries: 3 });
  });

  it('should end identical whatever order the projections arrive in', async () => {
    const { project } = createProjectionActivities({ db: t.db });
    const base = freshCase();
    const orders = [
      [1, 2, 3, 4],
      [4, 3, 2, 1],
      [2, 4, 1, 3],
      [3, 1, 4, 2, 1, 4],
    ];
    const results: unknown[] = [];
    for (const [i, order] of orders.entries()) {
      const c = { ...base, caseId: `${base.caseId}-o${i}`, reference: `${base.reference}-o${i}` };
      for (const s of order) await project(projection(c, s));
      results.push(await normalized(c));
      expect(await verifyJournal(t.db, c.caseId)).toMatchObject({ ok: true, entries: 4 });
    }
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });

  it('should keep the newer view when an older projection arrives late', async () => {
    const { project } = createProjectionActivities({ db: t.db });
    const c = freshCase();
    await project(projection(c, 1));
    const newer = await project(projection(c, 2, 2, { status: 'closed', outcome: 'answered', tasks: [], closedAt: '2026-03-05T10:00:00.000Z' }));
    const late = await project(projection(c, 1));
    expect(newer.applied).toBe(true);
    expect(late.applied).toBe(false);
    const stored = await getCase(t.db, c.caseId);
    expect(stored?.view).toMatchObject({ status: 'closed', outcome: 'answered', sequence: 2 });
    const tasks = await t.db.query('SELECT count(*)::int AS n FROM case_tasks WHERE case_id = $1', [c.caseId]);
    expect(tasks.rows[0]).toEqual({ n: 0 });
  });

  it('should hold entries after a gap until the gap fills', async () => {
    const { project } = createProjectionActivities({ db: t.db });
    const c = freshCase();
    const ahead = await project(projection(c, 3, 3));
    expect(ahead).toEqual({ applied: true, journaled: 0 });
    expect(await readJournal(t.db, c.caseId)).toEqual([]);
    await project(projection(c, 2, 1));
    expect((await readJournal(t.db, c.caseId)).map((e) => e.sequence)).toEqual([1, 2, 3]);
    expect((await t.db.query('SELECT * FROM journal_pending WHERE case_id = $1', [c.caseId])).rowCount).toBe(0);
  });

  it('should end the same when the same projections run concurrently', async () => {
    const { project } = createProjectionActivities({ db: t.db });
    const c = freshCase();
    await Promise.all([1, 2, 3, 1, 2, 3, 3].map((s) => project(projection(c, s))));
    expect(await verifyJournal(t.db, c.caseId)).toMatchObject({ ok: true, entries: 3 });
    expect((await getCase(t.db, c.caseId))?.view.sequence).toBe(3);
  });
});

describe('journal', () => {
  it('should refuse to update or delete a journal row', async () => {
    const { project } = createProjectionActivities({ db: t.db });
    const c = freshCase();
    await project(projection(c, 1));
    await expect(t.db.query(`UPDATE journal SET kind = 'forged' WHERE case_id = $1`, [c.caseId])).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM journal WHERE case_id = $1', [c.caseId])).rejects.toThrow(/append-only/);
    await expect(t.db.query('TRUNCATE journal')).rejects.toThrow(/append-only/);
  });

  it('should report the first edited row when the chain is verified', async () => {
    const { project } = createProjectionActivities({ db: t.db });
    const c = freshCase();
    await project(projection(c, 4, 1));
    // Someone with owner rights switches the guard off to forge history.
    await t.db.query('ALTER TABLE journal DISABLE TRIGGER journal_no_update');
    try {
      await t.db.query(`UPDATE journal SET reason = 'nothing to see' WHERE case_id = $1 AND sequence = 3`, [c.caseId]);
    } finally {
      await t.db.query('ALTER TABLE journal ENABLE TRIGGER journal_no_update');
    }
    const verdict = await verifyJournal(t.db, c.caseId);
    expect(verdict).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringMatching(/edited/) });
  });

  it('should report a deleted row when the chain is verified', async () => {
    const { project } = createProjectionActivities({ db: t.db });
    const c = freshCase();
    await project(projection(c, 3, 1));
    await t.db.query('ALTER TABLE journal DISABLE TRIGGER journal_no_update');
    try {
      await t.db.query('DELETE FROM journal WHERE case_id = $1 AND sequence = 2', [c.caseId]);
    } finally {
      await t.db.query('ALTER TABLE journal ENABLE TRIGGER journal_no_update');
    }
    expect(await verifyJournal(t.db, c.caseId)).toMatchObject({ ok: false, brokenAt: 2, problem: 'missing', reason: expect.stringMatching(/entry 2 is missing/) });
  });
});
