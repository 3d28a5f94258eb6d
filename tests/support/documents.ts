/**
 * A document row as an upload leaves it, for tests about filing and acting rather than uploading
 * (tests/integration/api/documents.test.ts covers the upload itself, bytes and all).
 */
import { randomUUID } from 'node:crypto';
import { insertDocument } from '../../db/documents';
import type { Db } from '../../db/pool';

/** Records an unattached upload by `uploadedBy` for `field`; returns its id. */
export async function recordUpload(db: Db, uploadedBy: string, field = 'input.document', mediaType = 'application/pdf'): Promise<string> {
  const id = randomUUID();
  await insertDocument(db, { id, field, sha256: '0'.repeat(64), size: 1, mediaType, fileName: 'document.pdf', uploadedBy, uploadedAt: new Date().toISOString() });
  return id;
}
