/**
 * Retention in the read model (migration 100): which closed cases have passed their retention
 * period, and the erasure of one case's personal data, in one transaction with the journal's
 * erasure entry, so a case is either wholly erased (and says so in `cases.erased_at`) or not at all.
 *
 * What goes: the applicant's input (`cases.data`), name and e-mail (`cases.facts`), the file names
 * of the documents (their bytes go from the store before, `usecases/retention.ts`), the sealed PDFs'
 * bytes, the messages' addresses and bodies, the text of failures that may quote them, the journal's
 * reasons and data. What stays, for the archives (law 69-99): reference, procedure and version,
 * unit, dates, states and outcome, documents' hashes, the journal's chain, the access log (staff).
 */
import { lockCase } from './journal';
import { eraseJournal } from './journal-erasure';
import type { JournalKey } from './journal-keys';
import type { Db } from './pool';

/** A closed case whose retention period has passed. */
export interface CasePastRetention {
  caseId: string;
  reference: string;
  closedAt: string;
  /** The period applied (the procedure's, else the default), ISO 8601. */
  retention: string;
  /** closedAt + retention. */
  dueAt: string;
}

/**
 * Closed cases not yet erased whose closure plus retention is at or before `asOf`, oldest closure
 * first. The procedure version the case ran under says the period (a later version's change does
 * not reach back); `defaultPeriod` covers procedures that declare none.
 */
export async function findCasesPastRetention(db: Db, options: { asOf: Date; defaultPeriod: string; limit: number }): Promise<CasePastRetention[]> {
  const res = await db.query<{ case_id: string; reference: string; closed_at: Date; retention: string; due_at: Date }>(
    `SELECT c.case_id, c.reference, c.closed_at, r.retention, c.closed_at + r.retention::interval AS due_at
       FROM cases c
       LEFT JOIN procedures p ON p.id = c.procedure_id AND p.version = c.procedure_version
       CROSS JOIN LATERAL (SELECT COALESCE(p.compiled->'retention'->>'after', $2) AS retention) r
      WHERE c.status = 'closed' AND c.erased_at IS NULL AND c.closed_at <= $1
        AND c.closed_at + r.retention::interval <= $1
      ORDER BY c.closed_at, c.case_id
      LIMIT $3`,
    [options.asOf.toISOString(), options.defaultPeriod, options.limit],
  );
  return res.rows.map((r) => ({ caseId: r.case_id, reference: r.reference, closedAt: r.closed_at.toISOString(), retention: r.retention, dueAt: r.due_at.toISOString() }));
}

/** The documents of a case whose bytes are still to be deleted from the store. */
export async function documentsToErase(db: Db, caseId: string): Promise<string[]> {
  // The uploads, and the sealed receipts and decisions kept in the store (their `store_key`).
  const res = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM documents WHERE case_id = $1 AND erased_at IS NULL
     UNION ALL
     SELECT store_key::text FROM issued_documents WHERE case_id = $1 AND store_key IS NOT NULL
     ORDER BY 1`,
    [caseId],
  );
  return res.rows.map((r) => r.id);
}

/** The part of the document store erasure needs (documents/store.ts; db/ does not import it). */
export interface DocumentBytes {
  /** Removing a missing document is no error. */
  delete(id: string): Promise<void>;
}

/**
 * Erases one case's personal data: the document bytes first (a retry deletes again, harmlessly),
 * then the rows and the journal's personal fields in one transaction (`eraseCaseRecords`).
 */
export async function eraseCasePersonalData(
  db: Db,
  store: DocumentBytes,
  input: { caseId: string; retention: string; at: Date; journalKey?: JournalKey | undefined },
): Promise<CaseErasure> {
  for (const id of await documentsToErase(db, input.caseId)) await store.delete(id);
  return eraseCaseRecords(db, input);
}

/** What one erasure did (counts only: this goes to logs and the journal). */
export interface CaseErasure {
  /** false: the case was erased before (a retried activity), nothing done now. */
  erasedNow: boolean;
  documents: number;
  issuedDocuments: number;
  messages: number;
  journalEntries: number;
}

/**
 * Erases the case's personal data in the read model and records it in its journal. Idempotent: a
 * case already erased is left as it is. The documents' bytes must be gone from the store first.
 */
export async function eraseCaseRecords(db: Db, input: { caseId: string; at: Date; retention: string; journalKey?: JournalKey | undefined }): Promise<CaseErasure> {
  const { caseId, at } = input;
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await lockCase(client, caseId);
    const found = await client.query<{ erased_at: Date | null; status: string; closed_at: Date | null }>('SELECT erased_at, status, closed_at FROM cases WHERE case_id = $1 FOR UPDATE', [caseId]);
    const row = found.rows[0];
    if (!row) throw new Error(`case ${caseId} is not in the read model: nothing to erase`);
    if (row.status !== 'closed') throw new Error(`case ${caseId} is ${row.status}: only a closed case is erased`);
    if (row.erased_at) {
      await client.query('COMMIT');
      return { erasedNow: false, documents: 0, issuedDocuments: 0, messages: 0, journalEntries: 0 };
    }
    const when = at.toISOString();
    // The applicant's id (the identity provider's subject, a pseudonym) stays: it is how the
    // applicant still finds the case's reference and outcome. Name, e-mail and input go.
    await client.query(
      `UPDATE cases SET data = '{}'::jsonb, erased_at = $2, updated_at = now(),
         facts = facts
           || jsonb_build_object('applicant', jsonb_build_object('id', facts->'applicant'->'id', 'name', '', 'language', facts->'applicant'->'language'))
           || CASE WHEN facts ? 'filedBy' THEN jsonb_build_object('filedBy', (facts->'filedBy') - 'name') ELSE '{}'::jsonb END
       WHERE case_id = $1`,
      [caseId, when],
    );
    const documents = await client.query(`UPDATE documents SET file_name = 'document', erased_at = $2 WHERE case_id = $1 AND erased_at IS NULL`, [caseId, when]);
    // The sealed PDFs print the applicant's name; their record (hash, reference, unit) answers verification still.
    // Their bytes: in PostgreSQL for PDFs issued before the store held them, in the store (deleted
    // before this transaction) since; the record stops pointing at them.
    const issuedInDb = await client.query('DELETE FROM issued_document_files WHERE code IN (SELECT code FROM issued_documents WHERE case_id = $1)', [caseId]);
    const issuedInStore = await client.query('UPDATE issued_documents SET store_key = NULL WHERE case_id = $1 AND store_key IS NOT NULL', [caseId]);
    const messages = await client.query(
      `UPDATE notification_outbox
          SET recipient_name = '', address = '', subject = '', text = '', html = NULL, last_error = NULL,
              status = CASE WHEN status = 'sent' THEN 'sent' ELSE 'erased' END
        WHERE case_id = $1`,
      [caseId],
    );
    // Failure texts may quote an address or an input.
    await client.query(`UPDATE notification_problems SET reason = 'erased at the end of the retention period' WHERE case_id = $1`, [caseId]);
    await client.query(`UPDATE case_attention SET error = 'erased at the end of the retention period' WHERE case_id = $1`, [caseId]);
    await client.query('DELETE FROM journal_pending WHERE case_id = $1', [caseId]);
    // A queued notice (a calendar change's, not yet rendered) holds the applicant's contact; plans
    // are kept only while a clock runs, but a closed case's are cleared all the same.
    await client.query('DELETE FROM notice_queue WHERE case_id = $1', [caseId]);
    await client.query('UPDATE case_clocks SET plan = NULL WHERE case_id = $1 AND plan IS NOT NULL', [caseId]);
    const counts = { documents: documents.rowCount ?? 0, issuedDocuments: (issuedInDb.rowCount ?? 0) + (issuedInStore.rowCount ?? 0), messages: messages.rowCount ?? 0 };
    const journalEntries = await eraseJournal(client, caseId, at, { retention: input.retention, closedAt: row.closed_at?.toISOString() ?? null, ...counts }, input.journalKey);
    await client.query('COMMIT');
    return { erasedNow: true, ...counts, journalEntries };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
