/**
 * The journal proves itself on a real PostgreSQL: journals written by the projection activity with a
 * signing key, then tampered with as someone holding the database (but not the key) would: an
 * edited entry, the last entries deleted, a middle entry deleted, an edit with the chain and the
 * checkpoint recomputed, signatures stripped, the head moved back. Each is reported at the right
 * entry with the right reason, by the library, by `masar journal verify` and by the admin endpoint.
 */
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { createProjectionActivities } from '../../../activities/projection';
import { createApp } from '../../../api/app';
import { createTokenVerifier, mintToken } from '../../../api/auth';
import { createCaseEngine } from '../../../usecases/case-engine';
import { main } from '../../../cli/main';
import { createDirectory } from '../../../db/directory';
import { entryHash, entryHashApart, lockCase, personalDigest, toRow, type DbJournalRow } from '../../../db/journal';
import { eraseJournal } from '../../../db/journal-erasure';
import { checkpointMac, entryMac, journalKeyring, NO_JOURNAL_KEYS, type JournalKeyring } from '../../../db/journal-keys';
import { verifyJournal } from '../../../db/journal-verify';
import { createTestDb, type TestDb } from '../../support/db';
import { projection, type FixtureCase } from './case-fixtures';

const KEY_1 = 'journal-key-one-0123456789abcdef0123456789';
const KEY_2 = 'journal-key-two-0123456789abcdef0123456789';
const keyring = journalKeyring({ MASAR_JOURNAL_KEY: KEY_1, MASAR_JOURNAL_KEY_ID: 'k1' });

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

let n = 0;
/** A case journaled with `entries` entries (one projection each), signed with `ring`'s key. */
async function journaled(entries = 5, ring: JournalKeyring = keyring): Promise<FixtureCase> {
  n += 1;
  const c: FixtureCase = { caseId: `c-verify-${String(n).padStart(3, '0')}`, reference: `AI-2026-8${String(n).padStart(5, '0')}`, unit: '141.01.05', applicantId: `app-${n}` };
  const { project } = createProjectionActivities({ db: t.db, ...(ring.signing ? { journalKey: ring.signing } : {}) });
  for (let s = 1; s <= entries; s += 1) await project(projection(c, s));
  return c;
}

/** Runs SQL with the append-only guard off, as an owner forging history would. */
async function forge(sql: string, params: unknown[]): Promise<void> {
  await t.db.query('ALTER TABLE journal DISABLE TRIGGER journal_no_update');
  try {
    await t.db.query(sql, params);
  } finally {
    await t.db.query('ALTER TABLE journal ENABLE TRIGGER journal_no_update');
  }
}

/**
 * Edits entry `sequence`'s reason, then recomputes every hash (and personal digest, for entries of
 * format 2) from there and the checkpoint's head, without the key: a forger who knows the format.
 */
async function rechain(caseId: string, sequence: number, reason: string): Promise<void> {
  const rows = (await t.db.query<DbJournalRow>('SELECT * FROM journal WHERE case_id = $1 ORDER BY sequence', [caseId])).rows;
  let prev = rows[sequence - 2]?.hash ?? '0'.repeat(64);
  for (const r of rows.slice(sequence - 1)) {
    const entry = { ...toRow(r), ...(r.sequence === sequence ? { reason } : {}) };
    const digest = r.format === 2 ? personalDigest(r.personal_salt ?? '', { reason: entry.reason ?? null, data: r.data }) : null;
    const hash = digest ? entryHashApart(prev, caseId, entry, digest) : entryHash(prev, caseId, entry);
    await forge('UPDATE journal SET reason = $3, prev_hash = $4, hash = $5, personal_digest = $6 WHERE case_id = $1 AND sequence = $2', [caseId, r.sequence, entry.reason ?? null, prev, hash, digest]);
    prev = hash;
  }
  await t.db.query('UPDATE journal_checkpoints SET head_hash = $2 WHERE case_id = $1', [caseId, prev]);
}

/** Erases a case's journal as retention does, signed with `ring`'s key. */
async function erase(caseId: string, ring: JournalKeyring = keyring): Promise<number> {
  const client = await t.db.connect();
  try {
    await client.query('BEGIN');
    await lockCase(client, caseId);
    const n = await eraseJournal(client, caseId, new Date(), { retention: 'P5Y' }, ring.signing);
    await client.query('COMMIT');
    return n;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/**
 * A journal as written before migration 100 (format 1: every field chained), signed: the rows the
 * projection wrote then, recomputed the way it computed them.
 */
async function journaledWhole(entries = 4): Promise<FixtureCase> {
  const c = await journaled(entries);
  const rows = (await t.db.query<DbJournalRow>('SELECT * FROM journal WHERE case_id = $1 ORDER BY sequence', [c.caseId])).rows;
  let prev = '0'.repeat(64);
  for (const r of rows) {
    const hash = entryHash(prev, c.caseId, { ...toRow(r), reason: `motif ${r.sequence} de Applicant ${c.applicantId}` });
    await forge(
      `UPDATE journal SET format = 1, personal_salt = NULL, personal_digest = NULL, reason = $3, prev_hash = $4, hash = $5, mac = $6 WHERE case_id = $1 AND sequence = $2`,
      [c.caseId, r.sequence, `motif ${r.sequence} de Applicant ${c.applicantId}`, prev, hash, entryMac(keyring.signing!.secret, c.caseId, r.sequence, hash)],
    );
    prev = hash;
  }
  await t.db.query('UPDATE journal_checkpoints SET head_hash = $2, mac = $3 WHERE case_id = $1', [c.caseId, prev, checkpointMac(keyring.signing!.secret, c.caseId, entries, prev)]);
  return c;
}

describe('journal verification', () => {
  it('should find an intact signed journal intact', async () => {
    const c = await journaled();
    expect(await verifyJournal(t.db, c.caseId, keyring)).toEqual({ caseId: c.caseId, ok: true, entries: 5, signed: true });
    const head = await t.db.query('SELECT sequence, key_id FROM journal_checkpoints WHERE case_id = $1', [c.caseId]);
    expect(head.rows).toEqual([{ sequence: 5, key_id: 'k1' }]);
  });

  it.each<[string, (caseId: string) => Promise<void>, number, string, RegExp]>([
    ['an edited entry', (id) => forge(`UPDATE journal SET reason = 'nothing to see' WHERE case_id = $1 AND sequence = 3`, [id]), 3, 'edited', /entry 3's content does not match its hash/],
    ['an edited actor', (id) => forge(`UPDATE journal SET actor = '{"id":"someone-else","roles":[]}' WHERE case_id = $1 AND sequence = 2`, [id]), 2, 'edited', /entry 2/],
    ['the last entry deleted', (id) => forge('DELETE FROM journal WHERE case_id = $1 AND sequence = 5', [id]), 5, 'truncated', /entry 5 is missing: the checkpoint says the journal ends at 5, the last entry is 4/],
    ['the last two entries deleted', (id) => forge('DELETE FROM journal WHERE case_id = $1 AND sequence >= 4', [id]), 4, 'truncated', /entries 4 to 5 are missing/],
    ['a middle entry deleted', (id) => forge('DELETE FROM journal WHERE case_id = $1 AND sequence = 2', [id]), 2, 'missing', /entry 2 is missing \(deleted\): entry 3 follows entry 1/],
    ['the first entry deleted', (id) => forge('DELETE FROM journal WHERE case_id = $1 AND sequence = 1', [id]), 1, 'missing', /entry 1 is missing/],
    ['an edit re-chained without the key', (id) => rechain(id, 3, 'nothing to see'), 3, 'rechained', /entry 3's signature does not match/],
    ['the first entry re-chained', (id) => rechain(id, 1, 'backdated'), 1, 'rechained', /entry 1's signature/],
    ['the signatures stripped', (id) => forge('UPDATE journal SET key_id = NULL, mac = NULL WHERE case_id = $1', [id]), 1, 'unsigned', /entry 1 is not signed/],
    [
      'the last entry deleted and the head moved back',
      async (id) => {
        await forge('DELETE FROM journal WHERE case_id = $1 AND sequence = 5', [id]);
        await t.db.query(`UPDATE journal_checkpoints SET sequence = 4, head_hash = (SELECT hash FROM journal WHERE case_id = $1 AND sequence = 4) WHERE case_id = $1`, [id]);
      },
      4,
      'checkpoint',
      /the checkpoint's signature does not match/,
    ],
    ['the checkpoint deleted', (id) => t.db.query('DELETE FROM journal_checkpoints WHERE case_id = $1', [id]).then(() => undefined), 5, 'no-checkpoint', /no checkpoint/],
    [
      'the whole journal and its checkpoint deleted',
      async (id) => {
        await forge('DELETE FROM journal WHERE case_id = $1', [id]);
        await t.db.query('DELETE FROM journal_checkpoints WHERE case_id = $1', [id]);
      },
      1,
      'missing',
      /the case is filed but its journal and checkpoint are gone/,
    ],
  ])('should report %s at the right entry', async (_what, tamper, brokenAt, problem, reason) => {
    const c = await journaled();
    await tamper(c.caseId);
    const verdict = await verifyJournal(t.db, c.caseId, keyring);
    expect(verdict).toMatchObject({ caseId: c.caseId, ok: false, brokenAt, problem, reason: expect.stringMatching(reason) });
  });

  it('should need the key: without it, a re-chained edit passes (the reason signatures exist)', async () => {
    const c = await journaled();
    await rechain(c.caseId, 3, 'nothing to see');
    expect(await verifyJournal(t.db, c.caseId, NO_JOURNAL_KEYS)).toMatchObject({ ok: true, signed: false });
    expect(await verifyJournal(t.db, c.caseId, keyring)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('should verify entries signed before a key rotation with the retired key listed', async () => {
    const c = await journaled(3);
    const rotated = journalKeyring({ MASAR_JOURNAL_KEY: KEY_2, MASAR_JOURNAL_KEY_ID: 'k2', MASAR_JOURNAL_PREVIOUS_KEYS: `k1:${KEY_1}` });
    const { project } = createProjectionActivities({ db: t.db, journalKey: rotated.signing! });
    for (const s of [4, 5]) await project(projection(c, s));
    const ids = await t.db.query<{ key_id: string }>('SELECT key_id FROM journal WHERE case_id = $1 ORDER BY sequence', [c.caseId]);
    expect(ids.rows.map((r) => r.key_id)).toEqual(['k1', 'k1', 'k1', 'k2', 'k2']);
    expect(await verifyJournal(t.db, c.caseId, rotated)).toMatchObject({ ok: true, entries: 5 });
    const forgotten = journalKeyring({ MASAR_JOURNAL_KEY: KEY_2, MASAR_JOURNAL_KEY_ID: 'k2' });
    expect(await verifyJournal(t.db, c.caseId, forgotten)).toMatchObject({ ok: false, brokenAt: 1, problem: 'unknown-key', reason: expect.stringMatching(/key "k1".*MASAR_JOURNAL_PREVIOUS_KEYS/) });
    const wrong = journalKeyring({ MASAR_JOURNAL_KEY: KEY_2, MASAR_JOURNAL_KEY_ID: 'k1' });
    expect(await verifyJournal(t.db, c.caseId, wrong)).toMatchObject({ ok: false, brokenAt: 1, problem: 'rechained' });
  });
});

describe('journal verification after retention erased the personal fields', () => {
  const personalLeft = async (caseId: string) =>
    (await t.db.query('SELECT count(*)::int AS n FROM journal WHERE case_id = $1 AND kind <> $2 AND (reason IS NOT NULL OR data IS NOT NULL OR personal_salt IS NOT NULL)', [caseId, 'retention.erased'])).rows[0].n;

  it.each<[string, () => Promise<FixtureCase>]>([
    ['entries of format 2 (chained over a digest of the personal fields)', () => journaled(5)],
    ['entries of format 1 (written before the format changed)', () => journaledWhole(5)],
  ])('should still verify %s, with the erasure on record', async (_what, make) => {
    const c = await make();
    expect(await verifyJournal(t.db, c.caseId, keyring)).toMatchObject({ ok: true, entries: 5 });
    expect(await erase(c.caseId)).toBe(5);
    expect(await personalLeft(c.caseId)).toBe(0);
    expect(await verifyJournal(t.db, c.caseId, keyring)).toEqual({ caseId: c.caseId, ok: true, entries: 6, signed: true });
    const record = await t.db.query('SELECT kind, actor, data FROM journal WHERE case_id = $1 AND sequence = 6', [c.caseId]);
    expect(record.rows[0]).toMatchObject({ kind: 'retention.erased', actor: { id: 'system' }, data: { erasedEntries: 5, retention: 'P5Y' } });
    // Once is enough: a second run erases nothing and records nothing.
    expect(await erase(c.caseId)).toBe(0);
    expect(await verifyJournal(t.db, c.caseId, keyring)).toMatchObject({ ok: true, entries: 6 });
  });

  it('should refuse any other update of the journal, the erasure of a kept field included', async () => {
    const c = await journaled(3);
    for (const sql of [
      `UPDATE journal SET reason = 'x' WHERE case_id = $1`,
      `UPDATE journal SET reason = NULL, data = NULL, personal_salt = NULL, erased_at = now(), kind = 'x' WHERE case_id = $1`,
      `UPDATE journal SET reason = NULL, data = NULL, personal_salt = NULL, erased_at = now(), personal_digest = 'x' WHERE case_id = $1`,
      `UPDATE journal SET data = NULL, erased_at = now() WHERE case_id = $1`,
    ]) {
      await expect(t.db.query(sql, [c.caseId])).rejects.toThrow(/append-only|violates check constraint/);
    }
    await erase(c.caseId);
    await expect(t.db.query(`UPDATE journal SET erased_at = now() WHERE case_id = $1`, [c.caseId])).rejects.toThrow(/append-only/);
  });

  it.each<[string, (caseId: string) => Promise<void>, number, string]>([
    ['an erased entry of format 2 with its kind edited', (id) => forge(`UPDATE journal SET kind = 'approve' WHERE case_id = $1 AND sequence = 2`, [id]), 2, 'edited'],
    ['the erasure entry deleted (the erased entries are then unaccounted for)', (id) => forge('DELETE FROM journal WHERE case_id = $1 AND sequence = 6', [id]), 1, 'unrecorded-erasure'],
    ['the erasure entry re-chained without the key', (id) => rechain(id, 6, 'x'), 6, 'rechained'],
  ])('should still report %s', async (_what, tamper, brokenAt, problem) => {
    const c = await journaled(5);
    await erase(c.caseId);
    await tamper(c.caseId);
    expect(await verifyJournal(t.db, c.caseId, keyring)).toMatchObject({ ok: false, brokenAt, problem });
  });

  it('should report an erased entry of format 1 whose remaining fields were edited', async () => {
    const c = await journaledWhole(4);
    await erase(c.caseId);
    await forge(`UPDATE journal SET to_state = 'approved' WHERE case_id = $1 AND sequence = 3`, [c.caseId]);
    expect(await verifyJournal(t.db, c.caseId, keyring)).toMatchObject({ ok: false, brokenAt: 3, problem: 'edited' });
  });

  it('should report personal fields deleted outside retention (no erasure on record)', async () => {
    const c = await journaled(4);
    await t.db.query(`UPDATE journal SET reason = NULL, data = NULL, personal_salt = NULL, erased_at = now() WHERE case_id = $1 AND sequence = 2`, [c.caseId]);
    expect(await verifyJournal(t.db, c.caseId, keyring)).toMatchObject({ ok: false, brokenAt: 2, problem: 'unrecorded-erasure' });
  });

  it('should refuse to erase a format 1 journal that no longer matches its hashes (the erasure would hide the edit)', async () => {
    const c = await journaledWhole(3);
    await forge(`UPDATE journal SET reason = 'rewritten' WHERE case_id = $1 AND sequence = 2`, [c.caseId]);
    await expect(erase(c.caseId)).rejects.toThrow(/entry 2 does not match its hash.*masar journal verify/);
    expect((await t.db.query('SELECT count(*)::int AS n FROM journal WHERE case_id = $1 AND erased_at IS NOT NULL', [c.caseId])).rows[0].n).toBe(0);
  });
});

describe('masar journal verify and GET /journal/verify', () => {
  let intact: FixtureCase;
  let edited: FixtureCase;
  let truncated: FixtureCase;
  let tempDb: TestDb;
  beforeAll(async () => {
    // A database of its own: the report counts every case in it.
    const shared = t;
    tempDb = await createTestDb();
    t = tempDb;
    intact = await journaled();
    edited = await journaled();
    truncated = await journaled();
    await forge(`UPDATE journal SET kind = 'approve' WHERE case_id = $1 AND sequence = 4`, [edited.caseId]);
    await forge('DELETE FROM journal WHERE case_id = $1 AND sequence = 5', [truncated.caseId]);
    t = shared;
  });
  afterAll(async () => {
    await tempDb.drop();
  });

  async function cli(args: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['journal', 'verify', ...args], { out: (l) => out.push(l), err: (l) => err.push(l), cwd: process.cwd(), env: { DATABASE_URL: tempDb.url, ...env } });
    return { code, out, err };
  }

  it('should print each broken case with its entry and reason, and exit 1', async () => {
    const all = await cli([], { MASAR_JOURNAL_KEY: KEY_1 });
    expect(all.code).toBe(1);
    expect(all.out).toEqual([
      `case ${edited.caseId}: entry 4: edited: entry 4's content does not match its hash (the entry was edited)`,
      `case ${truncated.caseId}: entry 5: truncated: entry 5 is missing: the checkpoint says the journal ends at 5, the last entry is 4 (the last entries were deleted)`,
      'journal: 3 case(s) checked, 1 intact, 2 broken',
    ]);
    const one = await cli(['--case', intact.caseId], { MASAR_JOURNAL_KEY: KEY_1 });
    expect(one).toMatchObject({ code: 0, out: ['journal: 1 case(s) checked, 1 intact, 0 broken'] });
    const unkeyed = await cli(['--case', intact.caseId]);
    expect(unkeyed.code).toBe(0);
    expect(unkeyed.err.join('\n')).toMatch(/no MASAR_JOURNAL_KEY/);
  });

  it('should refuse bad arguments and settings with a usage error', async () => {
    expect((await cli(['--case', "x'; DROP TABLE journal; --"])).code).toBe(2);
    expect((await cli(['--bogus'])).code).toBe(2);
    expect((await cli([], { MASAR_JOURNAL_KEY: 'short' })).code).toBe(2);
    expect((await cli([], { MASAR_JOURNAL_PREVIOUS_KEYS: 'k0' })).code).toBe(2);
    expect((await main(['journal', 'check'], { out: () => undefined, err: () => undefined, cwd: process.cwd(), env: {} }))).toBe(2);
  });

  it('should answer administrators with the report, page by page, and refuse everyone else', async () => {
    const secret = 'journal-test-secret-0123456789abcdef';
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const app = createApp({
      db: tempDb.db,
      engine: createCaseEngine(client),
      directory: createDirectory(tempDb.db),
      verifyToken: createTokenVerifier({ jwtSecret: secret }),
      journalKeys: keyring,
      options: { rateLimit: false },
    });
    const admin = await mintToken({ secret, claims: { sub: 'admin-1', roles: ['admin'] } });
    const agent = await mintToken({ secret, claims: { sub: 'agent-1', roles: ['agent'], unit: '141.01.05' } });
    const verify = (token: string, query: string) => request(app).get(`/api/v1/journal/verify${query}`).set('Authorization', `Bearer ${token}`);
    try {
      const all = await verify(admin, '');
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ checked: 3, intact: 1, signaturesChecked: true });
      expect(all.body.broken.map((b: { caseId: string; brokenAt: number; problem: string }) => [b.caseId, b.brokenAt, b.problem])).toEqual([
        [edited.caseId, 4, 'edited'],
        [truncated.caseId, 5, 'truncated'],
      ]);
      const first = await verify(admin, '?limit=2');
      expect(first.body).toMatchObject({ checked: 2, next: edited.caseId });
      const rest = await verify(admin, `?limit=2&after=${first.body.next}`);
      expect(rest.body).toMatchObject({ checked: 1, broken: [{ caseId: truncated.caseId }] });
      expect(rest.body.next).toBeUndefined();
      const one = await verify(admin, `?case=${edited.caseId}`);
      expect(one.body).toMatchObject({ checked: 1, intact: 0, broken: [{ brokenAt: 4, problem: 'edited' }] });

      expect((await verify(agent, '')).status).toBe(403);
      expect((await request(app).get('/api/v1/journal/verify')).status).toBe(401);
      expect((await verify(admin, '?case=no-such-case')).status).toBe(404);
      for (const bad of ['?limit=0', '?limit=1001', '?limit=abc', `?case=${'a'.repeat(101)}`, '?case=a&after=b', '?case=a&case=b', '?bogus=1']) {
        const res = await verify(admin, bad);
        expect({ bad, status: res.status, type: res.type }).toEqual({ bad, status: 400, type: 'application/problem+json' });
      }
      // Text PostgreSQL cannot store is refused at the edge for every route (api/input-guard.ts).
      const unstorable = await verify(admin, '?case=%00');
      expect({ status: unstorable.status, type: unstorable.type }).toEqual({ status: 422, type: 'application/problem+json' });
    } finally {
      await client.connection.close().catch(() => undefined);
    }
  });
});
