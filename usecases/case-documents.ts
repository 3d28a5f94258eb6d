/**
 * A case's sealed documents and their public verification.
 * - The receipt and the decision go to whoever may read the case (`visibleCase`): the applicant, and
 *   the staff of the unit (an agent prints the receipt of a filing made at the counter). The
 *   decision exists once the case has an outcome.
 * - Verification is public and says nothing personal: whether a document with this code (and this
 *   hash) was issued, by which unit, when, for which reference.
 */
import { issuedByCode, issuedBySha256, type DocumentKind, type IssuedDocument } from '../db/issued-documents';
import { issueCaseDocument, NotIssuable, sha256Hex, VERIFICATION_CODE, type DocumentIssuer, type IssuedPdf } from '../documents/issue';
import { visibleCase, type CaseAccessDeps } from './access';
import { recordCaseRead, type ReadRoute } from './access-log';
import type { UseCaseDeps } from './deps';
import { conflict, invalid, notFound, unavailable } from './errors';
import type { Principal } from './principal';

/** What the document use cases need: case access, and the issuer when a seal is configured. */
export interface CaseDocumentDeps extends CaseAccessDeps, Pick<UseCaseDeps, 'now'> {
  /** Absent when no seal is configured: documents are then refused as unavailable. */
  documents?: DocumentIssuer | undefined;
}

const NO_SEAL = 'sealed documents are not available: the organisation seal is not configured (set MASAR_SEAL_CERT and MASAR_SEAL_KEY)';

/**
 * The case's receipt or decision as a sealed PDF, for a caller who may read the case; a read by anyone
 * but the applicant is recorded in the access log with `via`.
 */
export async function caseDocument(deps: CaseDocumentDeps, p: Principal, caseId: string, kind: DocumentKind, via?: ReadRoute): Promise<IssuedPdf> {
  const { record } = await visibleCase(deps, p, caseId);
  await recordCaseRead(deps, p, { caseId, applicantId: record.applicantId, what: 'documents' }, via);
  if (kind === 'decision' && !record.view.outcome) {
    throw conflict('not-decided', `case ${caseId} has no decision yet (state ${record.view.state}): the decision PDF exists once the case is decided`);
  }
  if (!deps.documents) throw unavailable(NO_SEAL);
  try {
    return await issueCaseDocument(deps.documents, caseId, kind);
  } catch (err) {
    if (err instanceof NotIssuable && err.reason === 'not-decided') throw conflict('not-decided', err.message);
    if (err instanceof NotIssuable && err.reason === 'erased') throw conflict('erased', err.message);
    throw err;
  }
}

/** What the public may know of an issued document. */
export interface Verification {
  code: string;
  kind: DocumentKind;
  reference: string;
  unit: IssuedDocument['unit'];
  issuedAt: string;
  sha256: string;
  /** With a hash or bytes to compare: whether they are the issued document's. */
  matches?: boolean;
}

const publicView = (d: IssuedDocument): Verification => ({ code: d.code, kind: d.kind, reference: d.reference, unit: d.unit, issuedAt: d.issuedAt, sha256: d.sha256 });

/** A printed code as stored: upper case, `XXXX-XXXX-XXXX`; refuses anything else, naming the format. */
export function normaliseCode(raw: string): string {
  const code = raw.trim().toUpperCase();
  if (!VERIFICATION_CODE.test(code)) {
    throw invalid('not a verification code', [{ path: 'code', message: 'must be the code printed under the QR code: three groups of four letters or digits, e.g. 7KQ2-M9XD-4T1B' }]);
  }
  return code;
}

/**
 * The issued document with this code; with `sha256` (a hash of a copy), whether the copy is that
 * document. Not-found for a code never issued.
 */
export async function verifyCode(deps: Pick<CaseDocumentDeps, 'db'>, rawCode: string, sha256?: string): Promise<Verification> {
  const code = normaliseCode(rawCode);
  if (sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha256)) {
    throw invalid('not a SHA-256', [{ path: 'sha256', message: 'must be 64 hexadecimal digits (sha256sum of the PDF)' }]);
  }
  const doc = await issuedByCode(deps.db, code);
  if (!doc) throw notFound(`no document was issued with code ${code}`);
  return { ...publicView(doc), ...(sha256 !== undefined ? { matches: sha256.toLowerCase() === doc.sha256 } : {}) };
}

/**
 * Checks a copy of a PDF: with a code, whether the copy is the document issued under it; without,
 * whether any document with the copy's hash was issued (not-found otherwise).
 */
export async function verifyPdf(deps: Pick<CaseDocumentDeps, 'db'>, pdf: Buffer, rawCode?: string): Promise<Verification> {
  if (pdf.length === 0) throw invalid('no document to check', [{ path: 'body', message: 'send the PDF file as the request body (Content-Type: application/pdf)' }]);
  const sha256 = sha256Hex(pdf);
  if (rawCode !== undefined) return verifyCode(deps, rawCode, sha256);
  const doc = await issuedBySha256(deps.db, sha256);
  if (!doc) throw notFound(`no document with SHA-256 ${sha256} was issued by Masar: this copy is not an issued document, or was altered`);
  return { ...publicView(doc), matches: true };
}
