/**
 * One call from a document's content to its sealed PDF bytes: draw the bilingual page, reserve the
 * seal, finish the file, sign it. The bytes returned are final: their SHA-256 is what the public
 * verification page confirms, so nothing may touch them afterwards.
 */
import { addSealPlaceholder, applySeal, type SealKey } from './seal';
import { drawDocument, newDocument, type DocumentContent, type VerificationMark } from './layout';

export interface SealOptions {
  seal: SealKey;
  signedAt: Date;
  /** Where the seal is applied (the signature's `/Location`), e.g. the issuing unit. */
  location: string;
}

/** Draws `content` with its verification mark and seals it. */
export async function renderSealedPdf(content: DocumentContent, mark: VerificationMark, options: SealOptions): Promise<Buffer> {
  const doc = newDocument(content);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  await drawDocument(doc, content, mark);
  addSealPlaceholder(doc, options.seal, { reason: `${content.title.fr} ${mark.code}`, location: options.location, signedAt: options.signedAt });
  doc.end();
  return applySeal(await done, options.seal, options.signedAt);
}
