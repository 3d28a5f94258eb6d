/**
 * Spooling an incoming stream to a temporary file while hashing, counting and keeping its first
 * bytes: both stores need the SHA-256 and the size before the document is committed (the S3 store
 * signs the payload hash and sends `Content-Length`), and a too-large stream must leave nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { SNIFF_BYTES, sniffMediaType } from './sniff';
import { DocumentTooLarge } from './store';

export interface Spooled {
  /** The temporary file; the caller moves or removes it. */
  file: string;
  sha256: string;
  size: number;
  mediaType: string;
}

/**
 * Writes `content` to a new file in `dir`. Past `maxBytes` the file is removed and the rest of the
 * stream is read and dropped (a multipart parser stalls if its file stream is left unread), then
 * the promise rejects with `DocumentTooLarge`.
 */
export async function spool(content: Readable, dir: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Spooled> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `.upload-${randomUUID()}`);
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let tooLarge = false;
  try {
    for await (const chunk of content) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (tooLarge) continue;
      if (size > maxBytes) {
        tooLarge = true;
        continue;
      }
      if (headLength < SNIFF_BYTES) {
        head.push(buf.subarray(0, SNIFF_BYTES - headLength));
        headLength += Math.min(buf.length, SNIFF_BYTES - headLength);
      }
      hash.update(buf);
      if (!out.write(buf)) await new Promise<void>((resolve, reject) => out.once('drain', resolve).once('error', reject));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (tooLarge) throw new DocumentTooLarge(maxBytes);
    return { file, sha256: hash.digest('hex'), size, mediaType: sniffMediaType(Buffer.concat(head)) };
  } catch (err) {
    out.destroy();
    await rm(file, { force: true });
    throw err;
  }
}
