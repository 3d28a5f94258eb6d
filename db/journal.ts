/**
 * The journal of a case: append-only rows chained by hash, so an edited or deleted row is
 * detectable long after the fact. `hash = sha256(prev_hash || canonical entry)`; the first entry's
 * `prev_hash` is `GENESIS_HASH`.
 *
 * Appending is idempotent by (case id, sequence) and tolerates out-of-order delivery: entries that
 * arrive ahead of a gap wait in `journal_pending` and are chained once the gap fills, so the
 * chain is the same whatever order projections arrive in.
 */
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { canonicalJson } from '../definitions/compile';
import type { JournalEntry } from '../workflows/messages';
import type { Db } from './pool';

/** `prev_hash` of a case's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** A journal row as the API returns it. */
export interface JournalRow extends JournalEntry {
  caseId: string;
  prevHash: string;
  hash: string;
}

/**
 * The hashed form of an entry: fixed fields, absent ones as null, instants normalised to
 * `toISOString()`, so the same entry read back from PostgreSQL hashes the same.
 */
export function canonicalEntry(caseId: string, entry: JournalEntry): string {
  return canonicalJson({
    caseId,
    sequence: entry.sequence,
    at: new Date(entry.at).toISOString(),
    actor: entry.actor,
    kind: entry.kind,
    fromState: entry.fromState ?? null,
    toState: entry.toState ?? null,
    reason: entry.reason ?? null,
    data: entry.data ?? null,
  });
}

export function entryHash(prevHash: string, caseId: string, entry: JournalEntry): string {
  return createHash('sha256').update(prevHash).update(canonicalEntry(caseId, entry)).digest('hex');
}

interface DbJournalRow {
  case_id: string;
  sequence: number;
  at: Date;
  actor: JournalEntry['actor'];
  kind: string;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  data: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

function toRow(r: DbJournalRow): JournalRow {
  return {
    caseId: r.case_id,
    sequence: r.sequence,
    at: r.at.toISOString(),
    actor: r.actor,
    kind: r.kind,
    ...(r.from_state !== null ? { fromState: r.from_state } : {}),
    ...(r.to_state !== null ? { toState: r.to_state } : {}),
    ...(r.reason !== null ? { reason: r.reason } : {}),
    ...(r.data !== null ? { data: r.data } : {}),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Takes the case's projection lock for the caller's transaction (released at COMMIT or ROLLBACK):
 * two deliveries of the same case never interleave, so the chain below is read and extended by one
 * writer at a time. A transaction-scoped lock, not a session one: PGlite shares one session.
 */
export async function lockCase(client: PoolClient, caseId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`masar:case:${caseId}`]);
}

/**
 * Appends entries inside the caller's transaction. The caller must hold the case's projection lock
 * (`lockCase`), since the chain reads the last row before writing the next.
 * @returns the sequence of the last entry now chained in the journal (0 when none).
 */
export async function appendJournal(client: PoolClient, caseId: string, entries: JournalEntry[]): Promise<number> {
  for (const entry of entries) {
    await client.query(
      `INSERT INTO journal_pending (case_id, sequence, entry) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [caseId, entry.sequence, JSON.stringify(entry)],
    );
  }
  const last = await client.query<{ sequence: number; hash: string }>(
    'SELECT sequence, hash FROM journal WHERE case_id = $1 ORDER BY sequence DESC LIMIT 1',
    [caseId],
  );
  let sequence = last.rows[0]?.sequence ?? 0;
  let prevHash = last.rows[0]?.hash ?? GENESIS_HASH;
  const pending = await client.query<{ sequence: number; entry: JournalEntry }>(
    'SELECT sequence, entry FROM journal_pending WHERE case_id = $1 ORDER BY sequence',
    [caseId],
  );
  for (const row of pending.rows) {
    if (row.sequence <= sequence) continue; // already chained: a re-delivery
    if (row.sequence !== sequence + 1) break; // a gap: wait for the missing projection
    const entry = row.entry;
    const hash = entryHash(prevHash, caseId, entry);
    await client.query(
      `INSERT INTO journal (case_id, sequence, at, actor, kind, from_state, to_state, reason, data, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT DO NOTHING`,
      [
        caseId,
        entry.sequence,
        new Date(entry.at).toISOString(),
        JSON.stringify(entry.actor),
        entry.kind,
        entry.fromState ?? null,
        entry.toState ?? null,
        entry.reason ?? null,
        entry.data === undefined ? null : JSON.stringify(entry.data),
        prevHash,
        hash,
      ],
    );
    sequence = row.sequence;
    prevHash = hash;
  }
  await client.query('DELETE FROM journal_pending WHERE case_id = $1 AND sequence <= $2', [caseId, sequence]);
  return sequence;
}

/** A page of a case's journal, oldest first. */
export async function readJournal(
  db: Db,
  caseId: string,
  options: { after?: number; limit?: number } = {},
): Promise<JournalRow[]> {
  const res = await db.query<DbJournalRow>(
    `SELECT * FROM journal WHERE case_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3`,
    [caseId, options.after ?? 0, options.limit ?? 200],
  );
  return res.rows.map(toRow);
}

export type JournalVerdict =
  | { ok: true; entries: number }
  | { ok: false; entries: number; brokenAt: number; reason: string };

/**
 * Recomputes the chain of a case from the first row and reports the first row whose stored hash,
 * link or sequence does not match: an edited, deleted or inserted row.
 */
export async function verifyJournal(db: Db, caseId: string): Promise<JournalVerdict> {
  const res = await db.query<DbJournalRow>('SELECT * FROM journal WHERE case_id = $1 ORDER BY sequence', [caseId]);
  let prevHash = GENESIS_HASH;
  let expected = 1;
  for (const r of res.rows) {
    const row = toRow(r);
    if (row.sequence !== expected) {
      return { ok: false, entries: res.rows.length, brokenAt: row.sequence, reason: `expected sequence ${expected}, found ${row.sequence} (a row is missing)` };
    }
    if (row.prevHash !== prevHash) {
      return { ok: false, entries: res.rows.length, brokenAt: row.sequence, reason: 'prev_hash does not match the hash of the previous row' };
    }
    const hash = entryHash(prevHash, caseId, row);
    if (hash !== row.hash) {
      return { ok: false, entries: res.rows.length, brokenAt: row.sequence, reason: 'hash does not match the row content (the row was edited)' };
    }
    prevHash = hash;
    expected += 1;
  }
  return { ok: true, entries: res.rows.length };
}
