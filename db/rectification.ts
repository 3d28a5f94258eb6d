/**
 * The read-model side of a rectification of an applicant's contact data (law 09-08, art. 8): which
 * cases are theirs, the applicant's copy in a closed case's facts (a running case's workflow
 * projects its own), and the messages still waiting to be sent to the address they corrected.
 * The rights register row is written by `recordRequest` (`db/personal-data.ts`).
 */
import type { Queryable } from './directory';

/** One of the applicant's cases, with the contact it holds. */
export interface ContactCase {
  caseId: string;
  reference: string;
  status: 'open' | 'closed';
  filedAt: string;
  /** The e-mail address the case writes to (absent: the applicant gave none). */
  email?: string;
}

/** The applicant's cases (one when `caseId` is given and theirs), newest first. */
export async function contactCases(db: Queryable, subjectId: string, caseId?: string): Promise<ContactCase[]> {
  const { rows } = await db.query<{ case_id: string; reference: string; status: 'open' | 'closed'; filed_at: Date; email: string | null }>(
    `SELECT case_id, reference, status, filed_at, facts->'applicant'->>'email' AS email
       FROM cases WHERE applicant_id = $1 AND ($2::text IS NULL OR case_id = $2)
      ORDER BY filed_at DESC, case_id DESC`,
    [subjectId, caseId ?? null],
  );
  return rows.map((r) => ({ caseId: r.case_id, reference: r.reference, status: r.status, filedAt: r.filed_at.toISOString(), ...(r.email ? { email: r.email } : {}) }));
}

/**
 * Writes the corrected e-mail into a case's facts, for a case whose workflow has ended (nothing
 * will project it again). @returns whether anything changed (false: already so, or not theirs).
 */
export async function rectifyStoredContact(db: Queryable, subjectId: string, caseId: string, email: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE cases SET facts = jsonb_set(facts, '{applicant,email}', to_jsonb($3::text)),
            updated_at = date_trunc('milliseconds', clock_timestamp())
      WHERE case_id = $1 AND applicant_id = $2 AND (facts->'applicant'->>'email') IS DISTINCT FROM $3`,
    [caseId, subjectId, email],
  );
  return rowCount === 1;
}

/**
 * Readdresses the applicant's messages of these cases that are not sent yet (queued while the
 * mail server was down, or failed): the sweeper would otherwise send them to the address the
 * person said is wrong. Sent messages keep the address they went to (what happened).
 * @returns how many messages were readdressed.
 */
export async function readdressPending(db: Queryable, subjectId: string, caseIds: string[], email: string): Promise<number> {
  if (caseIds.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE notification_outbox SET address = $3
      WHERE recipient = $1 AND case_id = ANY($2) AND status <> 'sent' AND address <> $3`,
    [subjectId, caseIds, email],
  );
  return rowCount ?? 0;
}
