/**
 * The journal of a case: append-only rows chained by hash, so an edited or deleted row is
 * detectable long after the fact. `hash = sha256(prev_hash || canonical entry)`; the first entry's
 * `prev_hash` is `GENESIS_HASH`. Since migration 100 the canonical entry holds a salted digest of
 * the personal fields (`reason`, `data`) instead of the fields (`JournalFormat`), so retention can
 * erase them and the chain still verifies (`journal-erasure.ts`).
 *
 * Appending is idempotent by (case id, sequence) and tolerates out-of-order delivery: entries that
 * arrive ahead of a gap wait in `journal_pending` and are chained once the gap fills, so the
 * chain is the same whatever order projections arrive in.
 *
 * With a signing key, each entry and the case's head checkpoint (`journal_checkpoints`, written in
 * the same transaction) carry an HMAC (`journal-keys.ts`): `journal-verify.ts` then detects an
 * edit even when the chain was recomputed, and the deletion of the last entries.
 */
import { createHash, createHmac } from 'node:crypto';
import type { PoolClient } from 'pg';
import { canonicalJson } from '../definitions/compile';
import type { JournalEntry } from '../workflows/messages';
import { checkpointMac, entryMac, type JournalKey } from './journal-keys';
import type { Db } from './pool';

/** `prev_hash` of a case's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** A journal row as the API returns it. */
export interface JournalRow extends JournalEntry {
  caseId: string;
  prevHash: string;
  hash: string;
  /** Retention erased this entry's reason and data (personal data) at this instant. */
  erasedAt?: string;
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

/** The hash of a format 1 entry: chained over every field, personal ones included. */
export function entryHash(prevHash: string, caseId: string, entry: JournalEntry): string {
  return createHash('sha256').update(prevHash).update(canonicalEntry(caseId, entry)).digest('hex');
}

/**
 * Entry formats. 1: hashed over every field (rows written before migration 100). 2: `reason` and
 * `data`, which may hold personal data, are hashed apart with a salt (`personalSalt`) and only that digest is
 * chained, so retention can erase them (and the salt) and the chain still verifies.
 */
export const JournalFormat = { whole: 1, personalApart: 2 } as const;
export type JournalFormat = (typeof JournalFormat)[keyof typeof JournalFormat];

/** The fields of an entry that retention erases. */
export interface PersonalFields {
  reason: string | null;
  data: Record<string, unknown> | null;
}

/**
 * Digest of an entry's personal fields under its salt. The salt makes the digest of a short answer
 * ("oui") impossible to guess once the salt is erased with the fields.
 */
export function personalDigest(salt: string, personal: PersonalFields): string {
  return createHash('sha256').update(salt).update(canonicalJson({ reason: personal.reason, data: personal.data })).digest('hex');
}

/**
 * The salt of an entry's personal digest. Deterministic, so a re-delivered or reordered projection
 * chains the same hashes: keyed by the journal key (unguessable without it); without a key
 * (development) derived from the entry itself, so an erased short answer's digest could be guessed:
 * one more reason production sets MASAR_JOURNAL_KEY.
 */
export function personalSalt(caseId: string, entry: JournalEntry, key?: JournalKey): string {
  const label = `masar-journal-salt\n${caseId}\n${entry.sequence}`;
  if (key) return createHmac('sha256', key.secret).update(label).digest('hex').slice(0, 32);
  return createHash('sha256').update(label).update(canonicalEntry(caseId, entry)).digest('hex').slice(0, 32);
}

/** The hash of a format 2 entry: its fields but `reason` and `data`, and their digest. */
export function entryHashApart(prevHash: string, caseId: string, entry: Omit<JournalEntry, 'reason' | 'data'>, digest: string): string {
  const canonical = canonicalJson({
    format: JournalFormat.personalApart,
    caseId,
    sequence: entry.sequence,
    at: new Date(entry.at).toISOString(),
    actor: entry.actor,
    kind: entry.kind,
    fromState: entry.fromState ?? null,
    toState: entry.toState ?? null,
    personal: digest,
  });
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

/** A journal row as stored (also read by `journal-verify.ts`). */
export interface DbJournalRow {
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
  key_id: string | null;
  mac: string | null;
  /** Absent on rows read before migration 100 ran (tests forging rows): format 1. */
  format?: JournalFormat;
  personal_salt?: string | null;
  personal_digest?: string | null;
  /** When retention erased `reason` and `data`. */
  erased_at?: Date | null;
}

export function toRow(r: DbJournalRow): JournalRow {
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
    ...(r.erased_at ? { erasedAt: r.erased_at.toISOString() } : {}),
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
 * Appends entries inside the caller's transaction, signed with `key` when given, and moves the
 * case's checkpoint to the new head. The caller must hold the case's projection lock (`lockCase`),
 * since the chain reads the last row before writing the next.
 * @returns the sequence of the last entry now chained in the journal (0 when none).
 */
export async function appendJournal(client: PoolClient, caseId: string, entries: JournalEntry[], key?: JournalKey): Promise<number> {
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
  const head = last.rows[0]?.sequence ?? 0;
  let sequence = head;
  let prevHash = last.rows[0]?.hash ?? GENESIS_HASH;
  const pending = await client.query<{ sequence: number; entry: JournalEntry }>(
    'SELECT sequence, entry FROM journal_pending WHERE case_id = $1 ORDER BY sequence',
    [caseId],
  );
  for (const row of pending.rows) {
    if (row.sequence <= sequence) continue; // already chained: a re-delivery
    if (row.sequence !== sequence + 1) break; // a gap: wait for the missing projection
    const entry = row.entry;
    const salt = personalSalt(caseId, entry, key);
    const digest = personalDigest(salt, { reason: entry.reason ?? null, data: entry.data ?? null });
    let hash = entryHashApart(prevHash, caseId, entry, digest);
    const inserted = await client.query(
      `INSERT INTO journal (case_id, sequence, at, actor, kind, from_state, to_state, reason, data, prev_hash, hash, key_id, mac,
         format, personal_salt, personal_digest)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
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
        key?.id ?? null,
        key ? entryMac(key.secret, caseId, entry.sequence, hash) : null,
        JournalFormat.personalApart,
        salt,
        digest,
      ],
    );
    if (inserted.rowCount === 0) {
      // Written meanwhile (the lock makes this unexpected): chain on from what is stored, since the
      // salt, hence the hash, differs from one write to the next.
      const stored = await client.query<{ hash: string }>('SELECT hash FROM journal WHERE case_id = $1 AND sequence = $2', [caseId, row.sequence]);
      hash = stored.rows[0]?.hash ?? hash;
    }
    sequence = row.sequence;
    prevHash = hash;
  }
  await client.query('DELETE FROM journal_pending WHERE case_id = $1 AND sequence <= $2', [caseId, sequence]);
  if (sequence > head) {
    // Same transaction as the rows: the head never points past what is committed, nor lags it.
    await client.query(
      `INSERT INTO journal_checkpoints (case_id, sequence, head_hash, key_id, mac) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (case_id) DO UPDATE SET sequence = EXCLUDED.sequence, head_hash = EXCLUDED.head_hash,
         key_id = EXCLUDED.key_id, mac = EXCLUDED.mac, updated_at = now()`,
      [caseId, sequence, prevHash, key?.id ?? null, key ? checkpointMac(key.secret, caseId, sequence, prevHash) : null],
    );
  }
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
