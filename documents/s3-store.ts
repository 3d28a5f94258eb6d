/**
 * The document store on an S3-compatible object store (AWS S3, MinIO, Ceph RGW, Garage...),
 * path-style: `MASAR_S3_URL` names the endpoint, the bucket and an optional key prefix
 * (`https://s3.example.ma/masar-documents/prod`). Requests are signed with SigV4 by hand
 * (`sigv4.ts`) and carry the payload's SHA-256, so the server checks every byte it stores.
 * Uploads are spooled to a local temporary file first: the hash and the length must be known
 * before the PUT starts, and a too-large upload never reaches the bucket.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { EMPTY_SHA256, signRequest, uriEncode, type SigningKey } from './sigv4';
import { spool } from './spool';
import { DocumentNotFound, isDocumentId, type DocumentStore, type PutOptions, type StoredDocument } from './store';

export interface S3StoreOptions {
  /** `http(s)://host[:port]/bucket[/prefix]`. */
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** @default 'us-east-1' */
  region?: string;
  /** Where uploads are spooled before they are sent. @default the OS temporary directory */
  spoolDir?: string;
  /** Per-request time limit. @default 60000 */
  timeoutMs?: number;
}

/** An S3 error answer, with the code from its XML body (`SignatureDoesNotMatch`, `AccessDenied`...). */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

interface Target {
  base: URL;
  bucket: string;
  prefix: string;
}

/** Splits `MASAR_S3_URL` into endpoint, bucket and key prefix; throws naming what is missing. */
export function parseS3Url(url: string): Target {
  const base = new URL(url);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`MASAR_S3_URL ${url}: must be an http:// or https:// URL`);
  const [bucket, ...prefix] = base.pathname.split('/').filter(Boolean);
  if (!bucket) throw new Error(`MASAR_S3_URL ${url}: name the bucket in the path (https://host/bucket[/prefix])`);
  return { base: new URL(`${base.protocol}//${base.host}`), bucket, prefix: prefix.join('/') };
}

async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function errorOf(status: number, body: string, what: string): S3Error {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? `HTTP${status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? '';
  return new S3Error(status, code, `S3 ${what}: ${status} ${code}${message ? ` (${message})` : ''}`);
}

/** A store keeping documents as objects `<prefix>/<id>` in an S3-compatible bucket. */
export function createS3DocumentStore(options: S3StoreOptions): DocumentStore {
  const target = parseS3Url(options.url);
  const key: SigningKey = {
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    region: options.region ?? 'us-east-1',
    service: 's3',
  };
  const spoolDir = options.spoolDir ?? path.join(tmpdir(), 'masar-s3-spool');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const agent = target.base.protocol === 'https:' ? https : http;

  const objectPath = (id: string): string =>
    `/${uriEncode(target.bucket)}/${[...target.prefix.split('/').filter(Boolean), id].map(uriEncode).join('/')}`;

  function send(method: string, id: string, body?: { file: string; size: number; sha256: string; mediaType: string }): Promise<IncomingMessage> {
    const requestPath = objectPath(id);
    const headers: Record<string, string> = { host: target.base.host };
    if (body) {
      headers['content-length'] = String(body.size);
      headers['content-type'] = body.mediaType;
    }
    const signed = signRequest({ method, path: requestPath, headers, payloadHash: body?.sha256 ?? EMPTY_SHA256 }, key);
    return new Promise((resolve, reject) => {
      const req = agent.request(new URL(requestPath, target.base), { method, headers: { ...headers, ...signed }, timeout: timeoutMs }, resolve);
      req.on('timeout', () => req.destroy(new Error(`S3 ${method} ${requestPath}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      if (body) {
        const file = createReadStream(body.file);
        file.on('error', (err) => req.destroy(err));
        file.pipe(req);
      } else {
        req.end();
      }
    });
  }

  return {
    description: `s3 ${target.base.origin}/${target.bucket}${target.prefix ? `/${target.prefix}` : ''}`,

    async put(content: Readable, putOptions: PutOptions = {}): Promise<StoredDocument> {
      const spooled = await spool(content, spoolDir, putOptions.maxBytes);
      const id = randomUUID();
      try {
        const res = await send('PUT', id, spooled);
        const body = await readText(res);
        if (res.statusCode !== 200) throw errorOf(res.statusCode ?? 0, body, `PUT ${id}`);
      } finally {
        await rm(spooled.file, { force: true });
      }
      return { id, sha256: spooled.sha256, size: spooled.size, mediaType: spooled.mediaType };
    },

    async get(id: string): Promise<Readable> {
      if (!isDocumentId(id)) throw new DocumentNotFound(id);
      const res = await send('GET', id);
      if (res.statusCode === 200) return res;
      const body = await readText(res);
      if (res.statusCode === 404) throw new DocumentNotFound(id);
      throw errorOf(res.statusCode ?? 0, body, `GET ${id}`);
    },

    async head(id: string): Promise<{ size: number } | undefined> {
      if (!isDocumentId(id)) return undefined;
      const res = await send('HEAD', id);
      res.resume();
      if (res.statusCode === 404) return undefined;
      if (res.statusCode !== 200) throw new S3Error(res.statusCode ?? 0, `HTTP${res.statusCode}`, `S3 HEAD ${id}: ${res.statusCode}`);
      return { size: Number(res.headers['content-length'] ?? 0) };
    },

    async delete(id: string): Promise<void> {
      if (!isDocumentId(id)) return;
      const res = await send('DELETE', id);
      const body = await readText(res);
      // S3 answers 204 whether or not the object existed.
      if (res.statusCode !== 204 && res.statusCode !== 200 && res.statusCode !== 404) throw errorOf(res.statusCode ?? 0, body, `DELETE ${id}`);
    },
  };
}
