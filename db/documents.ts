/**
 * The documents table (migration 050): what each stored document is, who uploaded it, and which
 * case names it. Attaching is one conditional UPDATE, so two filings naming the same upload at
 * once cannot both take it; the purge deletes the row before the bytes, so an upload attached
 * during a purge is either attached (and kept) or gone (and refused), never half.
 */
import type { Db } from './pool';

export interface DocumentRow {
  id: string;
  caseId: string | null;
  field: string;
  sha256: string;
  size: number;
  mediaType: string;
  fileName: string;
  uploadedBy: string;
  uploadedAt: string;
  attachedAt: string | null;
  attachedAs: string | null;
}

type Queryable = Pick<Db, 'query'>;

const COLUMNS = `id::text AS id, case_id, field, sha256, size::float8 AS size, media_type, file_name, uploaded_by,
  uploaded_at, attached_at, attached_as`;

interface Raw {
  id: string;
  case_id: string | null;
  field: string;
  sha256: string;
  size: number;
  media_type: string;
  file_name: string;
  uploaded_by: string;
  uploaded_at: Date;
  attached_at: Date | null;
  attached_as: string | null;
}

function toRow(r: Raw): DocumentRow {
  return {
    id: r.id,
    caseId: r.case_id,
    field: r.field,
    sha256: r.sha256,
    size: r.size,
    mediaType: r.media_type,
    fileName: r.file_name,
    uploadedBy: r.uploaded_by,
    uploadedAt: r.uploaded_at.toISOString(),
    attachedAt: r.attached_at?.toISOString() ?? null,
    attachedAs: r.attached_as,
  };
}

/** What an upload records. */
export type NewDocument = Pick<DocumentRow, 'id' | 'field' | 'sha256' | 'size' | 'mediaType' | 'fileName' | 'uploadedBy' | 'uploadedAt'>;

export async function insertDocument(db: Queryable, doc: NewDocument): Promise<void> {
  await db.query(
    `INSERT INTO documents (id, field, sha256, size, media_type, file_name, uploaded_by, uploaded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [doc.id, doc.field, doc.sha256, doc.size, doc.mediaType, doc.fileName, doc.uploadedBy, doc.uploadedAt],
  );
}

/** The rows of `ids` that exist (callers check the ids' shape first: the column is a uuid). */
export async function getDocuments(db: Queryable, ids: string[]): Promise<Map<string, DocumentRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<Raw>(`SELECT ${COLUMNS} FROM documents WHERE id = ANY($1::uuid[])`, [ids]);
  return new Map(rows.map((r) => [r.id, toRow(r)]));
}

export async function getDocument(db: Queryable, id: string): Promise<DocumentRow | undefined> {
  return (await getDocuments(db, [id])).get(id);
}

/** The documents a case names, in the order they were attached. */
export async function listCaseDocuments(db: Queryable, caseId: string): Promise<DocumentRow[]> {
  const { rows } = await db.query<Raw>(`SELECT ${COLUMNS} FROM documents WHERE case_id = $1 ORDER BY attached_at, attached_as, id`, [caseId]);
  return rows.map(toRow);
}

/**
 * Attaches each document to `caseId` unless another case has it; one already attached to this
 * case (a retried filing or action) stays as it was. Returns the ids attached now or before to
 * this case: an id missing from the answer was taken by another case meanwhile, or purged.
 */
export async function attachDocuments(db: Queryable, caseId: string, items: { id: string; attachedAs: string }[], at: string): Promise<string[]> {
  if (items.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `UPDATE documents d
        SET case_id = $1,
            attached_at = CASE WHEN d.case_id IS NULL THEN $2::timestamptz ELSE d.attached_at END,
            attached_as = CASE WHEN d.case_id IS NULL THEN i.attached_as ELSE d.attached_as END
       FROM unnest($3::uuid[], $4::text[]) AS i(id, attached_as)
      WHERE d.id = i.id AND (d.case_id IS NULL OR d.case_id = $1)
      RETURNING d.id::text AS id`,
    [caseId, at, items.map((i) => i.id), items.map((i) => i.attachedAs)],
  );
  return rows.map((r) => r.id);
}

/** Undoes `attachDocuments` of `at` (the filing or action did not happen). */
export async function detachDocuments(db: Queryable, caseId: string, ids: string[], at: string): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE documents SET case_id = NULL, attached_at = NULL, attached_as = NULL
      WHERE case_id = $1 AND id = ANY($2::uuid[]) AND attached_at = $3::timestamptz`,
    [caseId, ids, at],
  );
}

/** Unattached uploads older than `before`, oldest first. */
export async function unattachedBefore(db: Queryable, before: string, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM documents WHERE case_id IS NULL AND uploaded_at < $1 ORDER BY uploaded_at LIMIT $2`,
    [before, limit],
  );
  return rows.map((r) => r.id);
}

/** Deletes the row of an upload still unattached; false when it was attached meanwhile (or is gone). */
export async function deleteUnattached(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM documents WHERE id = $1 AND case_id IS NULL`, [id]);
  return (rowCount ?? 0) > 0;
}
