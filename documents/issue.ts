/**
 * Issuing a case's receipt or decision as a sealed PDF, once: the first request renders, seals,
 * puts the bytes into the document store (immutable, under a new id) and records the public facts
 * (code, hash, unit, reference, kind, when) with that id; every later request (the applicant's
 * download, the counter's print, a retried e-mail) gets the same bytes, checked against the hash
 * recorded. Callers decide who may ask (usecases/case-documents.ts); this module only issues.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { getCase } from '../db/cases';
import { listCaseDocuments } from '../db/documents';
import { findIssued, legacyIssuedPdf, recordIssued, type DocumentKind, type IssuedDocument } from '../db/issued-documents';
import { readJournal } from '../db/journal';
import type { Db } from '../db/pool';
import { getProcedure } from '../db/procedures';
import { decisionFacts, receiptFacts } from './case-facts';
import { decisionContent } from './pdf/decision';
import { receiptContent } from './pdf/receipt';
import { renderSealedPdf } from './pdf/render';
import type { SealKey } from './pdf/seal';
import type { DocumentStore } from './store';

/** What issuing needs: the read model, the document store, the seal, the public address, the clock. */
export interface DocumentIssuer {
  db: Db;
  /** Where the sealed bytes go: the same store as uploads (filesystem or S3-compatible). */
  store: DocumentStore;
  seal: SealKey;
  /** Where the public reaches Masar (the QR code's link), without a trailing slash. */
  publicUrl: string;
  now: () => Date;
}

/** A sealed document and its public record. */
export interface IssuedPdf {
  document: IssuedDocument;
  pdf: Buffer;
  /** A download name without personal data: `receipt-PC-2026-000123.pdf`. */
  filename: string;
}

/** Crockford's base32: no I, L, O, U, so a code read aloud or typed is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new short code: 60 random bits as `XXXX-XXXX-XXXX`, too many to guess one that exists. */
export function newVerificationCode(): string {
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => ALPHABET[b & 31] as string);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8, 12).join('')}`;
}

/** The pattern of a code, as printed (upper case; callers normalise case first). */
export const VERIFICATION_CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

export const verificationUrl = (publicUrl: string, code: string): string => `${publicUrl.replace(/\/+$/, '')}/verify/${code}`;

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const filenameOf = (doc: IssuedDocument) => `${doc.kind}-${doc.reference.replace(/[^A-Za-z0-9-]/g, '_')}.pdf`;

/** Thrown when the case cannot have this document (not there, not decided): callers check first. */
export class NotIssuable extends Error {
  constructor(readonly reason: 'no-case' | 'no-procedure' | 'not-decided' | 'erased', message: string) {
    super(message);
    this.name = 'NotIssuable';
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The bytes of an issued document, from the store (or, issued before migration 090, from
 * PostgreSQL), refused unless they hash to what was recorded: a document altered or damaged in
 * the store must fail loudly, not be mailed or printed as authentic.
 */
async function stored(issuer: DocumentIssuer, doc: IssuedDocument): Promise<IssuedPdf> {
  const where = doc.storeKey ? `document store id ${doc.storeKey} (${issuer.store.description})` : 'issued_document_files';
  const pdf = doc.storeKey ? await readAll(await issuer.store.get(doc.storeKey)) : await legacyIssuedPdf(issuer.db, doc.code);
  if (!pdf) {
    // A record pointing nowhere is one the retention job erased (it prints the applicant's name);
    // the record itself still answers verification.
    if (!doc.storeKey) throw new NotIssuable('erased', `the ${doc.kind} of case ${doc.caseId} was erased at the end of its retention period; its record (code ${doc.code}) still answers verification`);
    throw new Error(`issued ${doc.kind} ${doc.code} of case ${doc.caseId}: its bytes are missing from ${where}`);
  }
  if (sha256Hex(pdf) !== doc.sha256) {
    throw new Error(`issued ${doc.kind} ${doc.code} of case ${doc.caseId}: the bytes in ${where} do not hash to the recorded sha256 ${doc.sha256}: restore them from a backup`);
  }
  return { document: doc, pdf, filename: filenameOf(doc) };
}

/** The case's `kind` document, issued now if it never was. */
export async function issueCaseDocument(issuer: DocumentIssuer, caseId: string, kind: DocumentKind): Promise<IssuedPdf> {
  const existing = await findIssued(issuer.db, caseId, kind);
  if (existing) return stored(issuer, existing);

  const record = await getCase(issuer.db, caseId);
  if (!record) throw new NotIssuable('no-case', `no case ${caseId}`);
  const published = await getProcedure(issuer.db, record.view.procedure.id, record.view.procedure.version);
  if (!published) throw new NotIssuable('no-procedure', `case ${caseId}: procedure ${record.view.procedure.id} v${record.view.procedure.version} is not in the registry`);
  const procedure = published.compiled;

  let content;
  switch (kind) {
    case 'receipt': {
      // The receipt names the documents received by their file names, not their ids.
      const names = new Map((await listCaseDocuments(issuer.db, caseId)).map((d) => [d.id, d.fileName]));
      content = receiptContent(receiptFacts(record, procedure, names));
      break;
    }
    case 'decision': {
      const facts = decisionFacts(record, procedure, await readJournal(issuer.db, caseId, { limit: 10_000 }));
      if (!facts) throw new NotIssuable('not-decided', `case ${caseId} has no decision yet (state ${record.view.state})`);
      content = decisionContent(facts);
      break;
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown document kind ${String(never)}`);
    }
  }

  const code = newVerificationCode();
  const issuedAt = issuer.now();
  const pdf = await renderSealedPdf(content, { code, url: verificationUrl(issuer.publicUrl, code) }, {
    seal: issuer.seal,
    signedAt: issuedAt,
    location: record.facts.unit.name.fr,
  });
  // Bytes first: a record never points at bytes that are not there.
  const put = await issuer.store.put(Readable.from([pdf]));
  let kept: IssuedDocument;
  try {
    kept = await recordIssued(issuer.db, {
      code,
      caseId,
      kind,
      sha256: sha256Hex(pdf),
      size: pdf.length,
      unit: { code: record.unitCode, name: record.facts.unit.name },
      reference: record.view.reference,
      issuedAt: issuedAt.toISOString(),
      storeKey: put.id,
    });
  } catch (err) {
    await discard(issuer, put.id);
    throw err;
  }
  if (kept.code === code) return { document: kept, pdf, filename: filenameOf(kept) };
  // Another request issued it first: ours is referenced by nothing, so it goes.
  await discard(issuer, put.id);
  return stored(issuer, kept);
}

/** Removes bytes no record references; a failure leaves an orphan, never a missing document. */
async function discard(issuer: DocumentIssuer, id: string): Promise<void> {
  await issuer.store.delete(id).catch(() => undefined);
}
