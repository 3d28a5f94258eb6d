/**
 * Documents: uploading one for a procedure's file field, checking and attaching the documents a
 * filing or an action names, listing and downloading a case's documents, and purging uploads
 * never attached. Who may:
 * - applicants and staff upload; a document is the uploader's alone until a filing or an action
 *   of theirs names it, and it can be named once, by its uploader only;
 * - a case's documents go to whoever may see the case's data (`access.ts`: the applicant, staff of
 *   the unit where it was filed or where its task waits, supervisors an escalation reached);
 *   others get the case's own answer (404 for applicants, 403 for staff of another unit).
 * The bytes are the store's (`documents/`), the facts PostgreSQL's (`db/documents.ts`).
 */
import type { Readable } from 'node:stream';
import {
  attachDocuments,
  deleteUnattached,
  detachDocuments,
  getDocument,
  getDocuments,
  insertDocument,
  listCaseDocuments,
  unattachedBefore,
  type DocumentRow,
} from '../db/documents';
import { getProcedure } from '../db/procedures';
import type { Db } from '../db/pool';
import { sanitiseFileName } from '../documents/file-name';
import { acceptsMediaType } from '../documents/sniff';
import { DocumentNotFound, DocumentTooLarge } from '../documents/store';
import { fileFields, fileReferences, maxSizeBytes, type FileField } from '../definitions/file-fields';
import { DOCUMENT_ID } from '../definitions/input-validate';
import type { Fields } from '../definitions/schema';
import type { AttachedDocument } from '../workflows/messages';
import { isApplicant, isStaff, visibleCase, type CaseAccessDeps } from './access';
import { recordCaseRead, type ReadRoute } from './access-log';
import type { DocumentsConfig, UseCaseDeps } from './deps';
import { conflict, forbidden, invalid, notFound, tooLarge, unavailable, unsupportedMediaType, type FieldError } from './errors';
import type { Principal } from './principal';

/** How long an upload may wait for a filing or an action before the purge removes it. */
export const UNATTACHED_TTL_MS = 24 * 60 * 60 * 1000;

function storeOf(deps: Pick<UseCaseDeps, 'documents'>): DocumentsConfig {
  if (!deps.documents) throw unavailable('no document store is configured on this server');
  return deps.documents;
}

/** What a document is uploaded for: a file field of a published procedure. */
export interface UploadTarget {
  procedure: string;
  version?: number | undefined;
  /** The field's path in the definition: `input.plans`, `states.review.actions.complete.input.documents`. */
  field: string;
}

/** The field an upload is for, with the limit that applies to it. */
export async function uploadField(
  deps: Pick<UseCaseDeps, 'db' | 'documents'>,
  target: UploadTarget,
): Promise<{ field: FileField; maxBytes: number }> {
  const config = storeOf(deps);
  const published = await getProcedure(deps.db, target.procedure, target.version);
  if (!published) {
    const what = target.version ? `procedure "${target.procedure}" version ${target.version}` : `procedure "${target.procedure}"`;
    throw invalid(`${what} is not published (see GET /api/v1/procedures)`, [{ path: target.version ? 'version' : 'procedure', message: 'unknown' }]);
  }
  const fields = fileFields(published.compiled);
  const field = fields.get(target.field);
  if (!field) {
    const known = [...fields.keys()];
    throw invalid(`"${target.field}" is not a file field of ${published.compiled.id} v${published.compiled.version}`, [
      { path: 'field', message: known.length ? `expected one of ${known.join(', ')}` : 'this procedure has no file field' },
    ]);
  }
  return { field, maxBytes: maxSizeBytes(field) ?? config.maxBytes };
}

/** What an upload answers. */
export type UploadedDocument = Pick<DocumentRow, 'id' | 'sha256' | 'size' | 'mediaType' | 'fileName' | 'field' | 'uploadedAt'>;

/** Throws forbidden unless `p` may upload: applicants, and staff with a unit (at the counter). */
export function requireUploader(p: Principal): void {
  if (!isApplicant(p) && !isStaff(p)) throw forbidden('uploading a document needs the applicant role, or a staff role with a unit');
}

/**
 * Stores `content` for `target`'s field and records it as `p`'s upload. The type is sniffed from
 * the bytes and must be one of the field's `accept`; past the field's limit nothing is kept.
 */
export async function uploadDocument(
  deps: Pick<UseCaseDeps, 'db' | 'documents' | 'now'>,
  p: Principal,
  target: UploadTarget,
  upload: { content: Readable; fileName: string | undefined },
  resolved?: { field: FileField; maxBytes: number },
): Promise<UploadedDocument> {
  requireUploader(p);
  const { store } = storeOf(deps);
  const { field, maxBytes } = resolved ?? (await uploadField(deps, target));
  let stored;
  try {
    stored = await store.put(upload.content, { maxBytes });
  } catch (err) {
    if (err instanceof DocumentTooLarge) {
      throw tooLarge(`the document exceeds the limit of ${maxBytes} bytes for ${target.field}`, [{ path: 'file', message: `larger than ${maxBytes} bytes` }]);
    }
    throw err;
  }
  if (!acceptsMediaType(field.accept, stored.mediaType)) {
    await store.delete(stored.id);
    throw unsupportedMediaType(`the document's bytes are ${stored.mediaType}, and ${target.field} accepts ${field.accept?.join(', ')}`, [
      { path: 'file', message: `is ${stored.mediaType} (read from its content, whatever its name or declared type says)` },
    ]);
  }
  const row = {
    id: stored.id,
    field: target.field,
    sha256: stored.sha256,
    size: stored.size,
    mediaType: stored.mediaType,
    fileName: sanitiseFileName(upload.fileName, stored.mediaType),
    uploadedBy: p.sub,
    uploadedAt: deps.now().toISOString(),
  };
  try {
    await insertDocument(deps.db, row);
  } catch (err) {
    await store.delete(stored.id).catch(() => undefined);
    throw err;
  }
  return { id: row.id, sha256: row.sha256, size: row.size, mediaType: row.mediaType, fileName: row.fileName, field: row.field, uploadedAt: row.uploadedAt };
}

/**
 * Checks every document `value` names in `fields` (ids already of the right shape, `validateInput`
 * saw to that): it exists, `p` uploaded it, no other case has it (`caseId`'s own, from a retry,
 * is fine), it is named once, and its type and size fit the field that names it now. Every
 * problem is reported naming the field, under `prefix` (`data`, `input`).
 */
export async function checkDocuments(
  db: Db,
  p: Principal,
  fields: Fields,
  value: unknown,
  prefix: string,
  caseId: string | undefined,
): Promise<AttachedDocument[]> {
  const refs = fileReferences(fields, value).filter((r) => DOCUMENT_ID.test(r.id));
  if (refs.length === 0) return [];
  const rows = await getDocuments(db, refs.map((r) => r.id));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const documents: AttachedDocument[] = [];
  for (const ref of refs) {
    const path = `${prefix}.${ref.path}`;
    const row = rows.get(ref.id);
    // Another caller's upload is answered like a missing one: ids of others' documents reveal nothing.
    if (!row || row.uploadedBy !== p.sub) {
      errors.push({ path, message: `no document ${ref.id} uploaded by you (upload it with POST /api/v1/documents first)` });
      continue;
    }
    if (seen.has(ref.id)) {
      errors.push({ path, message: `document ${ref.id} is named twice; upload each document once per field` });
      continue;
    }
    seen.add(ref.id);
    if (row.caseId !== null && row.caseId !== caseId) {
      errors.push({ path, message: `document ${ref.id} is already attached to another case; upload it again for this one` });
      continue;
    }
    if (!acceptsMediaType(ref.field.accept, row.mediaType)) {
      errors.push({ path, message: `document ${ref.id} is ${row.mediaType}; this field accepts ${ref.field.accept?.join(', ')}` });
      continue;
    }
    const max = maxSizeBytes(ref.field);
    if (max !== undefined && row.size > max) {
      errors.push({ path, message: `document ${ref.id} has ${row.size} bytes; this field takes at most ${max}` });
      continue;
    }
    documents.push({ id: row.id, path: ref.path, sha256: row.sha256, size: row.size, mediaType: row.mediaType });
  }
  if (errors.length > 0) throw invalid('a document named in the input cannot be attached', errors);
  return documents;
}

/**
 * Attaches checked documents to `caseId` as of `at` (`as` prefixes where: `data`, `answer:input`).
 * Refuses with 409 when one was taken by another case or purged since the check.
 */
export async function attach(db: Db, caseId: string, documents: AttachedDocument[], as: string, at: string): Promise<void> {
  if (documents.length === 0) return;
  const attached = new Set(await attachDocuments(db, caseId, documents.map((d) => ({ id: d.id, attachedAs: `${as}.${d.path}` })), at));
  const lost = documents.filter((d) => !attached.has(d.id));
  if (lost.length > 0) {
    await detachDocuments(db, caseId, documents.map((d) => d.id), at);
    throw conflict('document-taken', `document ${lost.map((d) => d.id).join(', ')} was attached to another case or purged meanwhile; upload it again`);
  }
}

/** Undoes `attach` of `at` when the filing or the action did not happen. */
export async function detach(db: Db, caseId: string, documents: AttachedDocument[], at: string): Promise<void> {
  await detachDocuments(db, caseId, documents.map((d) => d.id), at);
}

/** A document as listed and described: no uploader id (personal data of staff or applicant). */
export type DocumentSummary = Pick<DocumentRow, 'id' | 'field' | 'sha256' | 'size' | 'mediaType' | 'fileName' | 'uploadedAt' | 'attachedAt' | 'attachedAs'>;

const summary = (row: DocumentRow): DocumentSummary => ({
  id: row.id,
  field: row.field,
  sha256: row.sha256,
  size: row.size,
  mediaType: row.mediaType,
  fileName: row.fileName,
  uploadedAt: row.uploadedAt,
  attachedAt: row.attachedAt,
  attachedAs: row.attachedAs,
});

/**
 * Whether `p` may read the case's documents (its data), recording the read in the access log (a read
 * by anyone but the applicant); the case's own refusal otherwise.
 */
async function readDocumentsOf(deps: CaseAccessDeps & Pick<UseCaseDeps, 'now'>, p: Principal, caseId: string, via: ReadRoute | undefined): Promise<void> {
  const { record, access } = await visibleCase(deps, p, caseId);
  if (!access.personal) throw forbidden(`the documents of case ${caseId} are for the applicant and the staff handling it (your unit sees the case, not its data)`);
  await recordCaseRead(deps, p, { caseId, applicantId: record.applicantId, what: 'documents' }, via);
}

/** The documents attached to a case; a read by anyone but the applicant is recorded with `via`. */
export async function listDocumentsOfCase(
  deps: Pick<UseCaseDeps, 'db' | 'directory' | 'now'>,
  p: Principal,
  caseId: string,
  via?: ReadRoute,
): Promise<DocumentSummary[]> {
  await readDocumentsOf(deps, p, caseId, via);
  return (await listCaseDocuments(deps.db, caseId)).map(summary);
}

/**
 * A document's facts and bytes for `p`: an attached one under the case's authorization (the read
 * recorded in the access log with `via` when `p` is not the applicant), an unattached one for its
 * uploader only.
 */
export async function openDocument(
  deps: Pick<UseCaseDeps, 'db' | 'directory' | 'documents' | 'now'>,
  p: Principal,
  id: string,
  via?: ReadRoute,
): Promise<{ document: DocumentSummary; content: Readable }> {
  const missing = notFound(`no document ${id}`);
  if (!DOCUMENT_ID.test(id)) throw missing;
  const row = await getDocument(deps.db, id);
  if (!row) throw missing;
  if (row.caseId === null) {
    if (row.uploadedBy !== p.sub) throw missing;
  } else {
    try {
      await readDocumentsOf(deps, p, row.caseId, via);
    } catch (err) {
      // An applicant learns nothing of a document they may not read: the same answer as no document.
      if (!isStaff(p)) throw missing;
      throw err;
    }
  }
  const { store } = storeOf(deps);
  try {
    return { document: summary(row), content: await store.get(id) };
  } catch (err) {
    if (err instanceof DocumentNotFound) throw unavailable(`document ${id} is recorded but its bytes are missing from the store; tell an administrator`);
    throw err;
  }
}

/** What one purge did. */
export interface PurgeResult {
  purged: number;
  /** Rows removed whose bytes the store could not delete (left for a later look; logged by callers). */
  failed: string[];
}

/** Removes uploads never attached and older than `UNATTACHED_TTL_MS` (or `olderThanMs`), in batches. */
export async function purgeUnattachedDocuments(
  deps: Pick<UseCaseDeps, 'db' | 'documents' | 'now'>,
  options: { olderThanMs?: number; batch?: number } = {},
): Promise<PurgeResult> {
  const { store } = storeOf(deps);
  const before = new Date(deps.now().getTime() - (options.olderThanMs ?? UNATTACHED_TTL_MS)).toISOString();
  const batch = options.batch ?? 500;
  const result: PurgeResult = { purged: 0, failed: [] };
  for (;;) {
    const ids = await unattachedBefore(deps.db, before, batch);
    for (const id of ids) {
      // The row goes first: an attach racing the purge then finds nothing and is refused.
      if (!(await deleteUnattached(deps.db, id))) continue;
      try {
        await store.delete(id);
        result.purged += 1;
      } catch {
        result.failed.push(id);
      }
    }
    if (ids.length < batch) return result;
  }
}
