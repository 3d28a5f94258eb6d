/**
 * Idempotency keys of `POST /cases` and `POST /cases/{id}/actions`. The first request with a key
 * claims it (for filing, it fixes the case id and reference); a retry with the same key and the
 * same body finds the claim again; the same key with a different body is a client bug the API
 * answers with 409. Filing and actions keep separate keys: a key names one request of one caller
 * on one endpoint.
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

/** The request an action's key was first used for. */
export interface ActionKeyClaim {
  caseId: string;
  requestHash: string;
  /** True when this call created the claim, false when an earlier request had. */
  created: boolean;
}

/**
 * Claims `key` for `caller`'s action request (`caseId`, `requestHash`), or returns the request that
 * claimed it first. The caller compares: same case and hash is a retry, anything else a reuse.
 */
export async function claimActionKey(
  db: Db,
  caller: string,
  key: string,
  request: { caseId: string; requestHash: string },
): Promise<ActionKeyClaim> {
  const inserted = await db.query(
    `INSERT INTO action_idempotency_keys (caller, key, case_id, request_hash)
     VALUES ($1, $2, $3, $4) ON CONFLICT (caller, key) DO NOTHING`,
    [caller, key, request.caseId, request.requestHash],
  );
  if (inserted.rowCount === 1) return { ...request, created: true };
  const existing = await db.query<{ case_id: string; request_hash: string }>(
    'SELECT case_id, request_hash FROM action_idempotency_keys WHERE caller = $1 AND key = $2',
    [caller, key],
  );
  const row = existing.rows[0];
  if (!row) throw new Error(`action idempotency key "${key}" of ${caller}: neither claimed nor found (retry the request)`);
  return { caseId: row.case_id, requestHash: row.request_hash, created: false };
}

/** The next number for a case reference (`AI-2026-000123`): unique, not gap-free. */
export async function nextReferenceNumber(db: Db): Promise<number> {
  const res = await db.query<{ n: string }>(`SELECT nextval('case_reference_seq') AS n`);
  return Number(res.rows[0]?.n);
}

/** Deletes filing and action keys older than `olderThan`; a retry after that files a new case. */
export async function pruneIdempotencyKeys(db: Db, olderThan: Date): Promise<number> {
  const filing = await db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [olderThan.toISOString()]);
  const actions = await db.query('DELETE FROM action_idempotency_keys WHERE created_at < $1', [olderThan.toISOString()]);
  return (filing.rowCount ?? 0) + (actions.rowCount ?? 0);
}
