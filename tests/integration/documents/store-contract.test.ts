/**
 * The document store's contract, run against both implementations: the filesystem store and the
 * S3 store talking to a real S3-compatible server (moto, with SigV4 verification on).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createFsDocumentStore } from '../../../documents/fs-store';
import { createS3DocumentStore, S3Error } from '../../../documents/s3-store';
import { DocumentNotFound, DocumentTooLarge, type DocumentStore } from '../../../documents/store';
import { startS3TestServer, type S3TestServer } from '../../support/s3';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);

/** A stream of `bytes` in chunks of `size`, as a network upload arrives. */
function chunked(bytes: Buffer, size = 7): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Subject {
  store: DocumentStore;
  /** The local folder where uploads are spooled: empty after every put, good or refused. */
  spoolDir: string;
}

function contract(name: string, make: () => Promise<Subject>, teardown: () => Promise<void>): void {
  describe(`${name} document store`, () => {
    let subject: Subject;
    beforeAll(async () => {
      subject = await make();
    }, 60_000);
    afterAll(teardown);

    const spoolLeft = () => {
      try {
        return readdirSync(subject.spoolDir).filter((f) => f.startsWith('.upload-'));
      } catch {
        return [];
      }
    };

    it.each([
      ['a PDF', PDF, 'application/pdf'],
      ['a PNG', PNG, 'image/png'],
      ['unknown bytes', Buffer.from('plain text, no magic number'), 'application/octet-stream'],
      ['an empty document', Buffer.alloc(0), 'application/octet-stream'],
      ['3 MB of random bytes', randomBytes(3 * 1024 * 1024 + 17), 'application/octet-stream'],
    ])('should keep %s byte for byte with its hash, size and sniffed media type', async (_what, bytes, mediaType) => {
      const stored = await subject.store.put(chunked(bytes, 64 * 1024 - 3));
      expect(stored).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), sha256: sha256(bytes), size: bytes.length, mediaType });
      // Compared by hash: jest's deep equality walks a Buffer byte by byte (minutes for 3 MB).
      const back = await readAll(await subject.store.get(stored.id));
      expect(back.length).toBe(bytes.length);
      expect(sha256(back)).toBe(sha256(bytes));
      expect(await subject.store.head(stored.id)).toEqual({ size: bytes.length });
      expect(spoolLeft()).toEqual([]);
    });

    it('should give the same bytes stored twice two ids, each immutable', async () => {
      const a = await subject.store.put(chunked(PDF));
      const b = await subject.store.put(chunked(PDF));
      expect(a.id).not.toBe(b.id);
      await subject.store.delete(a.id);
      expect(await readAll(await subject.store.get(b.id))).toEqual(PDF);
    });

    it('should refuse a document past maxBytes and keep nothing', async () => {
      const bytes = randomBytes(1000);
      await expect(subject.store.put(chunked(bytes), { maxBytes: 999 })).rejects.toBeInstanceOf(DocumentTooLarge);
      expect(spoolLeft()).toEqual([]);
      // Exactly at the limit is allowed.
      const stored = await subject.store.put(chunked(bytes), { maxBytes: 1000 });
      expect(stored.size).toBe(1000);
    });

    it.each(['00000000-0000-4000-8000-000000000000', '../../etc/passwd', '', 'ABCDEF00-0000-4000-8000-000000000000', '..'])(
      'should answer not found for the id %j it does not have',
      async (id) => {
        await expect(subject.store.get(id)).rejects.toBeInstanceOf(DocumentNotFound);
        expect(await subject.store.head(id)).toBeUndefined();
        await expect(subject.store.delete(id)).resolves.toBeUndefined();
      },
    );

    it('should delete a document, and deleting it again is no error', async () => {
      const stored = await subject.store.put(chunked(PNG));
      await subject.store.delete(stored.id);
      expect(await subject.store.head(stored.id)).toBeUndefined();
      await expect(subject.store.get(stored.id)).rejects.toBeInstanceOf(DocumentNotFound);
      await expect(subject.store.delete(stored.id)).resolves.toBeUndefined();
    });

    it('should fail the put, keeping nothing, when the stream errors midway', async () => {
      const failing = new Readable({
        read() {
          this.push(PDF);
          this.destroy(new Error('client went away'));
        },
      });
      await expect(subject.store.put(failing)).rejects.toThrow('client went away');
      expect(spoolLeft()).toEqual([]);
    });
  });
}

const fsRoot = mkdtempSync(path.join(tmpdir(), 'masar-docs-'));
contract(
  'filesystem',
  async () => ({ store: createFsDocumentStore(fsRoot), spoolDir: path.join(fsRoot, 'tmp') }),
  () => rm(fsRoot, { recursive: true, force: true }),
);

let s3: S3TestServer | undefined;
const s3Spool = mkdtempSync(path.join(tmpdir(), 'masar-s3-spool-'));
contract(
  'S3-compatible',
  async () => {
    s3 = await startS3TestServer();
    return {
      store: createS3DocumentStore({ url: `${s3.url}/some/prefix`, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, spoolDir: s3Spool }),
      spoolDir: s3Spool,
    };
  },
  async () => {
    await s3?.stop();
    await rm(s3Spool, { recursive: true, force: true });
  },
);

describe('S3 document store signatures', () => {
  let server: S3TestServer;
  beforeAll(async () => {
    server = await startS3TestServer('signatures');
  }, 60_000);
  afterAll(() => server.stop());

  it('should be refused by the server when signed with a wrong secret', async () => {
    const store = createS3DocumentStore({ url: server.url, accessKeyId: server.accessKeyId, secretAccessKey: `${server.secretAccessKey}x` });
    const err = await store.put(chunked(PDF)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S3Error);
    expect((err as S3Error).code).toBe('SignatureDoesNotMatch');
  });

  it('should be refused by the server with an access key it never issued', async () => {
    const store = createS3DocumentStore({ url: server.url, accessKeyId: 'AKIANOTISSUED0000000', secretAccessKey: server.secretAccessKey });
    await expect(store.put(chunked(PDF))).rejects.toMatchObject({ code: 'InvalidAccessKeyId' });
  });

  it('should store and read back under keys signed with the right secret', async () => {
    const store = createS3DocumentStore({ url: server.url, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
    const stored = await store.put(chunked(PDF));
    expect(await readAll(await store.get(stored.id))).toEqual(PDF);
  });
});
