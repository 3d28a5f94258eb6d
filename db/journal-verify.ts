/**
 * Verifying a case's journal: recompute the chain from the first entry, check each entry's
 * signature and the case's head checkpoint, and name the first entry that does not hold and why.
 * What each check catches:
 * - a sequence gap: an entry deleted from the start or the middle;
 * - `prev_hash` or `hash` not matching: an entry edited (or inserted) without recomputing the chain;
 * - a signature not matching: an entry edited and the chain recomputed, without the key;
 * - the checkpoint beyond the last entry: the last entries deleted;
 * - the checkpoint's own signature: the head moved back (or forward) without the key.
 * `checkJournal` is pure (rows in, verdict out); `verifyJournal` and `verifyJournals` read the rows.
 * The journal's rows are the evidence, so nothing here trusts `cases` or the workflow.
 */
import { entryHash, entryHashApart, GENESIS_HASH, JournalFormat, personalDigest, toRow, type DbJournalRow } from './journal';
import { erasureRecordOf, residueDigest, type ErasureRecord } from './journal-erasure';
import { checkpointMac, entryMac, NO_JOURNAL_KEYS, sameMac, type JournalKeyring } from './journal-keys';
import type { Db } from './pool';

/** Why an entry does not hold; stable slugs for the API and the CLI's output. */
export const JournalProblem = {
  /** An entry is absent before the last one: deleted. */
  missing: 'missing',
  /** `prev_hash` is not the previous entry's hash: an entry was inserted, or the chain spliced. */
  unlinked: 'unlinked',
  /** The content does not match the stored hash: edited without recomputing the chain. */
  edited: 'edited',
  /** The hash holds but its signature does not: edited and re-chained without the key. */
  rechained: 'rechained',
  /** Keys are configured but the entry or the checkpoint carries no signature. */
  unsigned: 'unsigned',
  /** Signed with a key id verification is not given (see MASAR_JOURNAL_PREVIOUS_KEYS). */
  unknownKey: 'unknown-key',
  /** The checkpoint says the journal goes further than its last entry: the last entries were deleted. */
  truncated: 'truncated',
  /** Entries beyond the checkpoint: appended outside the projection. */
  beyondCheckpoint: 'beyond-checkpoint',
  /** Entries but no checkpoint. */
  noCheckpoint: 'no-checkpoint',
  /** The checkpoint does not match the entry it points at, or its signature does not hold. */
  checkpoint: 'checkpoint',
  /** An entry's personal fields are gone but no later erasure entry records retention erasing them. */
  unrecordedErasure: 'unrecorded-erasure',
} as const;
export type JournalProblem = (typeof JournalProblem)[keyof typeof JournalProblem];

export type JournalVerdict =
  | { caseId: string; ok: true; entries: number; signed: boolean }
  | { caseId: string; ok: false; entries: number; brokenAt: number; problem: JournalProblem; reason: string };

/** A case's head as stored in `journal_checkpoints`. */
export interface JournalCheckpoint {
  sequence: number;
  headHash: string;
  keyId: string | null;
  mac: string | null;
}

type Signature = { ok: true } | { ok: false; problem: JournalProblem; reason: string };

/** Checks a signature against the keyring; with no key configured, signatures are not checked. */
function checkSignature(keyring: JournalKeyring, keyId: string | null, mac: string | null, expected: (secret: Buffer) => string, what: string): Signature {
  if (keyring.verifying.size === 0) return { ok: true };
  if (keyId === null || mac === null) {
    return { ok: false, problem: JournalProblem.unsigned, reason: `${what} is not signed (written without MASAR_JOURNAL_KEY, or its signature was removed)` };
  }
  const secret = keyring.verifying.get(keyId);
  if (!secret) {
    return { ok: false, problem: JournalProblem.unknownKey, reason: `${what} is signed with key "${keyId}", which is not configured (add it to MASAR_JOURNAL_PREVIOUS_KEYS)` };
  }
  if (!sameMac(mac, expected(secret))) {
    return { ok: false, problem: JournalProblem.rechained, reason: `${what}'s signature does not match (edited and re-hashed without the key, or key "${keyId}" is configured with another secret)` };
  }
  return { ok: true };
}

type Content = { ok: true; hash: string } | { ok: false; problem: JournalProblem; reason: string };

/**
 * The hash a row's content gives, by its format. An erased row's personal fields are gone: format 2
 * chains their digest, still there; format 1 chained the fields themselves, so its stored hash is
 * taken as given and its remaining fields are checked against the digest the erasure entry recorded
 * (signed and chained after it). Either way the erasure must be on record after the entry.
 */
function contentHash(prevHash: string, caseId: string, r: DbJournalRow, erasure: ErasureRecord | undefined): Content {
  const edited: Content = { ok: false, problem: JournalProblem.edited, reason: `entry ${r.sequence}'s content does not match its hash (the entry was edited)` };
  if (r.erased_at) {
    if (!erasure || erasure.sequence <= r.sequence) {
      return { ok: false, problem: JournalProblem.unrecordedErasure, reason: `entry ${r.sequence}'s reason and data are erased but no later "retention.erased" entry records it (fields deleted outside retention)` };
    }
    if ((r.format ?? JournalFormat.whole) === JournalFormat.whole) {
      return erasure.residues[String(r.sequence)] === residueDigest(caseId, r) ? { ok: true, hash: r.hash } : edited;
    }
  }
  const row = toRow(r);
  if ((r.format ?? JournalFormat.whole) === JournalFormat.whole) {
    const hash = entryHash(prevHash, caseId, row);
    return hash === r.hash ? { ok: true, hash } : edited;
  }
  if (!r.personal_digest) return edited;
  if (!r.erased_at && personalDigest(r.personal_salt ?? '', { reason: r.reason, data: r.data }) !== r.personal_digest) return edited;
  const hash = entryHashApart(prevHash, caseId, row, r.personal_digest);
  return hash === r.hash ? { ok: true, hash } : edited;
}

/**
 * The verdict on one case's journal rows (in sequence order) and checkpoint: the first entry that
 * does not hold, and why.
 */
export function checkJournal(
  caseId: string,
  rows: DbJournalRow[],
  checkpoint: JournalCheckpoint | undefined,
  keyring: JournalKeyring = NO_JOURNAL_KEYS,
  /** The case is in the read model with nothing waiting to be chained: it must have entries. */
  filed = false,
): JournalVerdict {
  const entries = rows.length;
  const broken = (brokenAt: number, problem: JournalProblem, reason: string): JournalVerdict => ({ caseId, ok: false, entries, brokenAt, problem, reason });
  let prevHash = GENESIS_HASH;
  let expected = 1;
  const erasure = erasureRecordOf(rows);
  for (const r of rows) {
    const row = toRow(r);
    if (row.sequence !== expected) {
      const missing = expected === row.sequence - 1 ? `entry ${expected} is` : `entries ${expected} to ${row.sequence - 1} are`;
      return broken(expected, JournalProblem.missing, `${missing} missing (deleted): entry ${row.sequence} follows ${expected - 1 === 0 ? 'the start' : `entry ${expected - 1}`}`);
    }
    if (row.prevHash !== prevHash) {
      return broken(row.sequence, JournalProblem.unlinked, `entry ${row.sequence}'s prev_hash is not the hash of entry ${row.sequence - 1} (an entry was replaced or inserted)`);
    }
    const content = contentHash(prevHash, caseId, r, erasure);
    if (!content.ok) return broken(row.sequence, content.problem, content.reason);
    const hash = content.hash;
    const signature = checkSignature(keyring, r.key_id, r.mac, (secret) => entryMac(secret, caseId, row.sequence, hash), `entry ${row.sequence}`);
    if (!signature.ok) return broken(row.sequence, signature.problem, signature.reason);
    prevHash = hash;
    expected += 1;
  }
  const last = expected - 1;
  if (!checkpoint) {
    if (entries === 0 && filed) return broken(1, JournalProblem.missing, 'the case is filed but its journal and checkpoint are gone (deleted)');
    if (entries === 0) return { caseId, ok: true, entries, signed: false };
    return broken(last, JournalProblem.noCheckpoint, `the journal has ${entries} entries but no checkpoint (journal_checkpoints row deleted)`);
  }
  if (checkpoint.sequence > last) {
    const missing = checkpoint.sequence === last + 1 ? `entry ${last + 1} is` : `entries ${last + 1} to ${checkpoint.sequence} are`;
    return broken(last + 1, JournalProblem.truncated, `${missing} missing: the checkpoint says the journal ends at ${checkpoint.sequence}, the last entry is ${last} (the last entries were deleted)`);
  }
  if (checkpoint.sequence < last) {
    return broken(checkpoint.sequence + 1, JournalProblem.beyondCheckpoint, `entry ${checkpoint.sequence + 1} is beyond the checkpoint (${checkpoint.sequence}): appended outside the projection, or the checkpoint moved back`);
  }
  if (checkpoint.headHash !== prevHash) {
    return broken(last, JournalProblem.checkpoint, `the checkpoint's head hash is not the hash of entry ${last} (the journal or the checkpoint was rewritten)`);
  }
  const head = checkSignature(keyring, checkpoint.keyId, checkpoint.mac, (secret) => checkpointMac(secret, caseId, checkpoint.sequence, checkpoint.headHash), 'the checkpoint');
  if (!head.ok) {
    return broken(last, head.problem === JournalProblem.rechained ? JournalProblem.checkpoint : head.problem, head.reason);
  }
  return { caseId, ok: true, entries, signed: keyring.verifying.size > 0 };
}

interface DbCheckpointRow {
  case_id: string;
  sequence: number;
  head_hash: string;
  key_id: string | null;
  mac: string | null;
}

const toCheckpoint = (r: DbCheckpointRow): JournalCheckpoint => ({ sequence: r.sequence, headHash: r.head_hash, keyId: r.key_id, mac: r.mac });

/** Verifies one case's journal. */
export async function verifyJournal(db: Db, caseId: string, keyring: JournalKeyring = NO_JOURNAL_KEYS): Promise<JournalVerdict> {
  const rows = await db.query<DbJournalRow>('SELECT * FROM journal WHERE case_id = $1 ORDER BY sequence', [caseId]);
  const checkpoint = await db.query<DbCheckpointRow>('SELECT * FROM journal_checkpoints WHERE case_id = $1', [caseId]);
  let filed = false;
  if (rows.rows.length === 0 && !checkpoint.rows[0]) {
    // Entries waiting for a gap to fill are not chained yet: not (yet) a deletion. Nor is a case
    // row the API wrote at filing (sequence 0, `db/filing.ts`) that no projection has reached yet.
    const state = await db.query<{ filed: boolean; pending: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM cases WHERE case_id = $1 AND last_sequence > 0) AS filed, EXISTS (SELECT 1 FROM journal_pending WHERE case_id = $1) AS pending`,
      [caseId],
    );
    filed = !!state.rows[0]?.filed && !state.rows[0]?.pending;
  }
  return checkJournal(caseId, rows.rows, checkpoint.rows[0] ? toCheckpoint(checkpoint.rows[0]) : undefined, keyring, filed);
}

/** Whether a case id is known at all: to tell "no such case" from "an empty journal". */
export async function journalCaseExists(db: Db, caseId: string): Promise<boolean> {
  const res = await db.query(
    `SELECT 1 FROM cases WHERE case_id = $1 UNION ALL SELECT 1 FROM journal_checkpoints WHERE case_id = $1
     UNION ALL SELECT 1 FROM journal WHERE case_id = $1 LIMIT 1`,
    [caseId],
  );
  return (res.rowCount ?? 0) > 0;
}

export interface JournalReport {
  checked: number;
  intact: number;
  /** The verdict of each broken case, in case id order. */
  broken: Extract<JournalVerdict, { ok: false }>[];
  /** Case id to pass as `after` for the next page; absent when every case was checked. */
  next?: string;
}

/**
 * Verifies up to `limit` cases whose id sorts after `after`: every case with a read-model row, a
 * journal entry or a checkpoint, so a case whose journal was deleted whole is checked too.
 */
export async function verifyJournals(db: Db, options: { after?: string; limit: number; keyring?: JournalKeyring }): Promise<JournalReport> {
  const ids = await db.query<{ case_id: string }>(
    `SELECT case_id FROM (
       SELECT case_id FROM cases WHERE case_id > $1
       UNION SELECT case_id FROM journal_checkpoints WHERE case_id > $1
       UNION SELECT DISTINCT case_id FROM journal WHERE case_id > $1
     ) ids ORDER BY case_id LIMIT $2`,
    [options.after ?? '', options.limit + 1],
  );
  const page = ids.rows.slice(0, options.limit).map((r) => r.case_id);
  const report: JournalReport = { checked: 0, intact: 0, broken: [] };
  for (const caseId of page) {
    const verdict = await verifyJournal(db, caseId, options.keyring);
    report.checked += 1;
    if (verdict.ok) report.intact += 1;
    else report.broken.push(verdict);
  }
  if (ids.rows.length > options.limit) report.next = page[page.length - 1] as string;
  return report;
}
