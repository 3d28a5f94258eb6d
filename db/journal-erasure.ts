/**
 * Erasing the personal fields of a case's journal at the end of its retention, and recording it.
 *
 * An entry's `reason` and `data` may hold personal data (an applicant's answer, an agent's note
 * naming someone). Format 2 entries chain a salted digest of them (`journal.ts`), so nulling them
 * and their salt keeps every hash, signature and the checkpoint valid. Format 1 entries (written
 * before migration 100) chained the fields themselves: their stored hash stays as the link, and the
 * digest of what remains of them (`residueDigest`) goes into the erasure entry, which is chained and
 * signed like any other, so an edit of what remains still shows (`journal-verify.ts`).
 *
 * Hazards: the caller holds the case's projection lock (`lockCase`) in its transaction, and a
 * format 1 entry that no longer matches its hash is never erased: that would launder an edit.
 */
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { canonicalJson } from '../definitions/compile';
import type { JournalEntry } from '../workflows/messages';
import { appendJournal, entryHash, GENESIS_HASH, JournalFormat, toRow, type DbJournalRow } from './journal';
import type { JournalKey } from './journal-keys';

/** The kind of the entry that records an erasure. */
export const ERASURE_KIND = 'retention.erased';

/** What verification needs from the erasure entry. */
export interface ErasureRecord {
  sequence: number;
  /** Digest of each erased format 1 entry's remaining fields, by sequence. */
  residues: Record<string, string>;
}

/** The erasure entry among a case's rows, if any (the system's, itself not erased). */
export function erasureRecordOf(rows: DbJournalRow[]): ErasureRecord | undefined {
  for (let i = rows.length - 1; i >= 0; i -= 1) {
    const r = rows[i] as DbJournalRow;
    if (r.kind !== ERASURE_KIND || r.actor.id !== 'system' || r.erased_at) continue;
    const residues = r.data?.residues;
    const clean: Record<string, string> = {};
    if (residues && typeof residues === 'object') {
      for (const [k, v] of Object.entries(residues)) if (typeof v === 'string') clean[k] = v;
    }
    return { sequence: r.sequence, residues: clean };
  }
  return undefined;
}

/** Digest of what an erased format 1 entry keeps: every field but `reason` and `data`, and its place in the chain. */
export function residueDigest(caseId: string, r: DbJournalRow): string {
  const row = toRow(r);
  return createHash('sha256')
    .update(
      canonicalJson({
        caseId,
        sequence: row.sequence,
        at: row.at,
        actor: row.actor,
        kind: row.kind,
        fromState: row.fromState ?? null,
        toState: row.toState ?? null,
        prevHash: row.prevHash,
        hash: row.hash,
      }),
    )
    .digest('hex');
}

/** A format 1 entry no longer matches its hash: erasing it would hide the edit. */
export class JournalBrokenBeforeErasure extends Error {
  constructor(
    readonly caseId: string,
    readonly sequence: number,
  ) {
    super(`case ${caseId}: journal entry ${sequence} does not match its hash, so its erasure would hide an edit; run \`masar journal verify --case ${caseId}\` and investigate before erasing`);
    this.name = 'JournalBrokenBeforeErasure';
  }
}

/**
 * Erases the personal fields of every entry of the case not yet erased and appends the erasure
 * entry (with `facts`: counts, the retention period, never personal data). Idempotent: entries
 * already erased are left as they are, and a journal with nothing left to erase gets no new record.
 * @returns how many entries were erased now.
 */
export async function eraseJournal(client: PoolClient, caseId: string, at: Date, facts: Record<string, unknown>, key?: JournalKey): Promise<number> {
  const rows = (await client.query<DbJournalRow>('SELECT * FROM journal WHERE case_id = $1 ORDER BY sequence', [caseId])).rows;
  // A later erasure (entries journaled after the first) carries the earlier residues on: verification reads the last record.
  const previous = erasureRecordOf(rows);
  const residues: Record<string, string> = { ...previous?.residues };
  let prevHash = GENESIS_HASH;
  let toErase = 0;
  for (const r of rows) {
    const pending = !r.erased_at && r.kind !== ERASURE_KIND;
    if (pending && (r.format ?? JournalFormat.whole) === JournalFormat.whole) {
      if (r.prev_hash !== prevHash || entryHash(prevHash, caseId, toRow(r)) !== r.hash) throw new JournalBrokenBeforeErasure(caseId, r.sequence);
      residues[String(r.sequence)] = residueDigest(caseId, r);
    }
    if (pending) toErase += 1;
    prevHash = r.hash;
  }
  if (toErase === 0 && (previous || rows.length === 0)) return 0;
  // Erasure entries hold counts and digests only, never personal data: they stay, as the record.
  const erased = await client.query(
    `UPDATE journal SET reason = NULL, data = NULL, personal_salt = NULL, erased_at = $2
     WHERE case_id = $1 AND erased_at IS NULL AND kind <> $3`,
    [caseId, at.toISOString(), ERASURE_KIND],
  );
  const last = rows[rows.length - 1];
  const entry: JournalEntry = {
    sequence: (last?.sequence ?? 0) + 1,
    at: at.toISOString(),
    actor: { id: 'system', roles: [] },
    kind: ERASURE_KIND,
    data: { ...facts, erasedEntries: erased.rowCount ?? 0, ...(Object.keys(residues).length > 0 ? { residues } : {}) },
  };
  await appendJournal(client, caseId, [entry], key);
  return erased.rowCount ?? 0;
}
