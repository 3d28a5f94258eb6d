/**
 * Cases that need an administrator (`case_attention`): written by the `recordAttention` activity
 * when a case's step failed permanently, read by `GET /api/v1/attention`. See docs/operations.md
 * ("Cases that need attention") for what an administrator does.
 */
import type { AttentionRecord } from '../workflows/messages';
import type { Db } from './pool';

export type { AttentionRecord };

/** A case waiting for an administrator, as the API lists it. */
export interface AttentionItem {
  caseId: string;
  reference: string;
  procedureId: string;
  unit: string;
  step: string;
  error: string;
  errorType: string | null;
  since: string;
  updatedAt: string;
  attempts: number;
}

/** Longest error text kept: enough for a stack's first lines, small enough for a list. */
export const MAX_ERROR_TEXT = 2_000;

/**
 * Text PostgreSQL will store, whatever the error said: NUL and lone surrogates become U+FFFD
 * (the error may quote the very value that could not be stored), then shortened.
 */
export function storableText(text: string, max = MAX_ERROR_TEXT): string {
  // eslint-disable-next-line no-control-regex -- replacing NUL is the point
  const clean = text.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (clean.length <= max) return clean;
  // Do not cut a surrogate pair in half.
  const end = /[\uD800-\uDBFF]/.test(clean.charAt(max - 1)) ? max - 1 : max;
  return `${clean.slice(0, end)}…`;
}

/** Opens, refreshes or resolves a case's attention row; idempotent (a retried call changes nothing more). */
export async function recordAttention(db: Db, r: AttentionRecord): Promise<void> {
  const s = (v: string) => storableText(v, 200);
  if (r.error === undefined) {
    await db.query('UPDATE case_attention SET resolved_at = now(), updated_at = now() WHERE case_id = $1 AND resolved_at IS NULL', [r.caseId]);
    return;
  }
  await db.query(
    `INSERT INTO case_attention (case_id, reference, procedure_id, unit_code, step, error, error_type)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (case_id) DO UPDATE SET
       step = EXCLUDED.step, error = EXCLUDED.error, error_type = EXCLUDED.error_type, updated_at = now(),
       attempts = case_attention.attempts + 1,
       -- A case that needs attention again after being resolved starts a new wait.
       since = CASE WHEN case_attention.resolved_at IS NULL THEN case_attention.since ELSE now() END,
       resolved_at = NULL`,
    [s(r.caseId), s(r.reference), s(r.procedureId), s(r.unit), s(r.step), storableText(r.error), r.errorType ? s(r.errorType) : null],
  );
}

interface AttentionRow {
  case_id: string;
  reference: string;
  procedure_id: string;
  unit_code: string;
  step: string;
  error: string;
  error_type: string | null;
  since: Date;
  updated_at: Date;
  attempts: number;
}

/** Open attention rows, oldest first, keyset-paginated on (since, case id). */
export async function listAttention(db: Db, options: { limit: number; after?: [string, string] }): Promise<AttentionItem[]> {
  const res = await db.query<AttentionRow>(
    `SELECT * FROM case_attention
      WHERE resolved_at IS NULL AND ($1::timestamptz IS NULL OR (since, case_id) > ($1::timestamptz, $2::text))
      ORDER BY since, case_id LIMIT $3`,
    [options.after?.[0] ?? null, options.after?.[1] ?? null, options.limit],
  );
  return res.rows.map((r) => ({
    caseId: r.case_id,
    reference: r.reference,
    procedureId: r.procedure_id,
    unit: r.unit_code,
    step: r.step,
    error: r.error,
    errorType: r.error_type,
    since: r.since.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    attempts: r.attempts,
  }));
}

/** Whether the case waits for an administrator now. */
export async function needsAttention(db: Db, caseId: string): Promise<boolean> {
  const res = await db.query('SELECT 1 FROM case_attention WHERE case_id = $1 AND resolved_at IS NULL', [caseId]);
  return (res.rowCount ?? 0) > 0;
}
