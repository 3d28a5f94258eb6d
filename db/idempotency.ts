/**
 * Idempotency keys of `POST /cases`. The first request with a key claims it and fixes the case id
 * and reference; a retry with the same key and the same body finds them again; the same key with
 * a different body is a client bug the API answers with 409.
 *
 * Concurrent retries: the primary key (caller, key) makes exactly one insert win; the losers wait
 * for its commit inside PostgreSQL and then read the winner's row.
 */
import type { Db } from './pool';

export interface IdempotencyClaim {
  caseId: string;
  reference: string;
  requestHash: string;
  /** True when this call created the claim, false when an earlier request had. */
  created: boolean;
}

/**
 * Claims `key` for `caller`, or returns the existing claim. `candidate` supplies the case id and
 * reference used if this call wins.
 */
export async function claimIdempotencyKey(
  db: Db,
  caller: string,
  key: string,
  requestHash: string,
  candidate: { caseId: string; reference: string },
): Promise<IdempotencyClaim> {
  const inserted = await db.query<{ case_id: string; reference: string }>(
    `INSERT INTO idempotency_keys (caller, key, request_hash, case_id, reference)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (caller, key) DO NOTHING RETURNING case_id, reference`,
    [caller, key, requestHash, candidate.caseId, candidate.reference],
  );
  if (inserted.rows[0]) return { ...candidate, requestHash, created: true };
  const existing = await db.query<{ case_id: string; reference: string; request_hash: string }>(
    'SELECT case_id, reference, request_hash FROM idempotency_keys WHERE caller = $1 AND key = $2',
    [caller, key],
  );
  const row = existing.rows[0];
  if (!row) throw new Error(`idempotency key "${key}" of ${caller}: neither claimed nor found (retry the request)`);
  return { caseId: row.case_id, reference: row.reference, requestHash: row.request_hash, created: false };
}

/** The next number for a case reference (`AI-2026-000123`): unique, not gap-free. */
export async function nextReferenceNumber(db: Db): Promise<number> {
  const res = await db.query<{ n: string }>(`SELECT nextval('case_reference_seq') AS n`);
  return Number(res.rows[0]?.n);
}

/** Deletes keys older than `olderThan`; a retry after that files a new case. */
export async function pruneIdempotencyKeys(db: Db, olderThan: Date): Promise<number> {
  const res = await db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [olderThan.toISOString()]);
  return res.rowCount ?? 0;
}
