/**
 * The document store on the local filesystem (`npm start`, small installations): one file per
 * document under `<root>/<first two hex digits of the id>/<id>`, written to a temporary file first
 * and moved into place, so a reader never sees half a document; documents are made read-only.
 */
import { createReadStream } from 'node:fs';
import { chmod, link, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { spool } from './spool';
import { DocumentNotFound, isDocumentId, type DocumentStore, type PutOptions, type StoredDocument } from './store';

function pathOf(root: string, id: string): string {
  // Ids are checked before they become paths: nothing outside `root` can be named.
  if (!isDocumentId(id)) throw new DocumentNotFound(id);
  return path.join(root, id.slice(0, 2), id);
}

/** A store keeping documents under `root` (created when missing). */
export function createFsDocumentStore(root: string): DocumentStore {
  const absolute = path.resolve(root);
  const tmp = path.join(absolute, 'tmp');
  return {
    description: `filesystem ${absolute}`,

    async put(content: Readable, options: PutOptions = {}): Promise<StoredDocument> {
      const spooled = await spool(content, tmp, options.maxBytes);
      const id = randomUUID();
      const target = pathOf(absolute, id);
      try {
        await mkdir(path.dirname(target), { recursive: true });
        await chmod(spooled.file, 0o400);
        // link() fails if the target exists: a document is never overwritten.
        await link(spooled.file, target);
      } finally {
        await rm(spooled.file, { force: true });
      }
      return { id, sha256: spooled.sha256, size: spooled.size, mediaType: spooled.mediaType };
    },

    async get(id: string): Promise<Readable> {
      const file = pathOf(absolute, id);
      const stream = createReadStream(file);
      // Open first, so a missing document rejects here rather than erroring mid-response.
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new DocumentNotFound(id) : err));
      });
      return stream;
    },

    async head(id: string): Promise<{ size: number } | undefined> {
      if (!isDocumentId(id)) return undefined;
      try {
        return { size: (await stat(pathOf(absolute, id))).size };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },

    async delete(id: string): Promise<void> {
      if (!isDocumentId(id)) return;
      await rm(pathOf(absolute, id), { force: true });
    },
  };
}
