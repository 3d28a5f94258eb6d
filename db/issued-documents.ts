/**
 * Issued documents: the public record of each sealed PDF (code, hash, unit, reference, kind, when)
 * and where its bytes are. Recording is first-writer-wins per (case, kind): two requests racing to
 * issue the same receipt both get the one that was stored first, never two receipts with two hashes.
 * The bytes live in the document store under `storeKey` (migration 090); documents issued before
 * that kept them in PostgreSQL (`issued_document_files`), which `legacyIssuedPdf` still reads.
 */
import type { Label } from '../definitions/schema';
import type { Db } from './pool';

export const DOCUMENT_KINDS = ['receipt', 'decision'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** What the verification page may say about a document: nothing personal. */
export interface IssuedDocument {
  code: string;
  caseId: string;
  kind: DocumentKind;
  sha256: string;
  size: number;
  unit: { code: string; name: Label };
  reference: string;
  issuedAt: string;
  /**
   * The id of the sealed bytes in the document store; null for a document issued before the store
   * held them (its bytes are in `issued_document_files`). Internal: never shown to the public.
   */
  storeKey: string | null;
}

interface Row {
  code: string;
  case_id: string;
  kind: DocumentKind;
  sha256: string;
  size: number;
  unit_code: string;
  unit_name_fr: string;
  unit_name_ar: string;
  reference: string;
  issued_at: Date;
  store_key: string | null;
}

const COLUMNS = 'code, case_id, kind, sha256, size, unit_code, unit_name_fr, unit_name_ar, reference, issued_at, store_key::text AS store_key';

const toDocument = (r: Row): IssuedDocument => ({
  code: r.code,
  caseId: r.case_id,
  kind: r.kind,
  sha256: r.sha256,
  size: r.size,
  unit: { code: r.unit_code, name: { fr: r.unit_name_fr, ar: r.unit_name_ar } },
  reference: r.reference,
  issuedAt: r.issued_at.toISOString(),
  storeKey: r.store_key,
});

/** The document of `kind` issued for a case, if any. */
export async function findIssued(db: Db, caseId: string, kind: DocumentKind): Promise<IssuedDocument | undefined> {
  const res = await db.query<Row>(`SELECT ${COLUMNS} FROM issued_documents WHERE case_id = $1 AND kind = $2`, [caseId, kind]);
  return res.rows[0] ? toDocument(res.rows[0]) : undefined;
}

export async function issuedByCode(db: Db, code: string): Promise<IssuedDocument | undefined> {
  const res = await db.query<Row>(`SELECT ${COLUMNS} FROM issued_documents WHERE code = $1`, [code]);
  return res.rows[0] ? toDocument(res.rows[0]) : undefined;
}

export async function issuedBySha256(db: Db, sha256: string): Promise<IssuedDocument | undefined> {
  const res = await db.query<Row>(`SELECT ${COLUMNS} FROM issued_documents WHERE sha256 = $1`, [sha256]);
  return res.rows[0] ? toDocument(res.rows[0]) : undefined;
}

/**
 * Records `doc` unless a document of the same case and kind exists; returns the one kept (the
 * caller's, or the earlier one, whose bytes the caller must then serve instead of its own).
 */
export async function recordIssued(db: Db, doc: IssuedDocument): Promise<IssuedDocument> {
  const res = await db.query<Row>(
    `INSERT INTO issued_documents (code, case_id, kind, sha256, size, unit_code, unit_name_fr, unit_name_ar, reference, issued_at, store_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (case_id, kind) DO NOTHING
     RETURNING ${COLUMNS}`,
    [doc.code, doc.caseId, doc.kind, doc.sha256, doc.size, doc.unit.code, doc.unit.name.fr, doc.unit.name.ar, doc.reference, doc.issuedAt, doc.storeKey],
  );
  if (res.rows[0]) return toDocument(res.rows[0]);
  const kept = await findIssued(db, doc.caseId, doc.kind);
  if (!kept) throw new Error(`issued ${doc.kind} of case ${doc.caseId}: not recorded and not found (deleted meanwhile?)`);
  return kept;
}

/**
 * The bytes of a document issued before the document store held them (`storeKey` null), kept in
 * PostgreSQL by migration 055; undefined when there are none.
 */
export async function legacyIssuedPdf(db: Db, code: string): Promise<Buffer | undefined> {
  const res = await db.query<{ pdf: Buffer }>('SELECT pdf FROM issued_document_files WHERE code = $1', [code]);
  return res.rows[0]?.pdf;
}
