/**
 * The document store: immutable documents addressed by id, behind one interface with two
 * implementations (`fs-store.ts` for `npm start`, `s3-store.ts` for production). The store keeps
 * bytes only; who uploaded a document, its name and the case it belongs to live in PostgreSQL
 * (`db/documents.ts`). Every implementation passes the same contract test
 * (tests/integration/documents/store-contract.test.ts).
 */
import type { Readable } from 'node:stream';
import { DOCUMENT_ID } from '../definitions/input-validate';

/** What `put` stored: the id to keep, and facts measured from the bytes themselves. */
export interface StoredDocument {
  /** A random UUID: ids reveal nothing and cannot be guessed. */
  id: string;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  /** Bytes. */
  size: number;
  /** Sniffed from the first bytes (`sniff.ts`), never taken from the client. */
  mediaType: string;
}

export interface PutOptions {
  /** Refuse (and keep nothing) past this many bytes: `put` rejects with `DocumentTooLarge`. */
  maxBytes?: number;
}

export interface DocumentStore {
  /** Where documents go, for logs and the start banner (`filesystem /path`, `s3 http://host/bucket`). */
  readonly description: string;
  /** Stores the whole stream under a new id; nothing is kept when it fails or is too large. */
  put(content: Readable, options?: PutOptions): Promise<StoredDocument>;
  /** The bytes of document `id`; rejects with `DocumentNotFound` when there is none. */
  get(id: string): Promise<Readable>;
  /** The size of document `id`, or undefined when there is none. */
  head(id: string): Promise<{ size: number } | undefined>;
  /** Removes document `id` (purge of unattached uploads); removing a missing one is no error. */
  delete(id: string): Promise<void>;
}

/** `get` of an id the store does not have. */
export class DocumentNotFound extends Error {
  constructor(readonly id: string) {
    super(`no document ${id} in the store`);
    this.name = 'DocumentNotFound';
  }
}

/** `put` of a stream longer than `maxBytes`. */
export class DocumentTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the document exceeds the limit of ${maxBytes} bytes`);
    this.name = 'DocumentTooLarge';
  }
}



/** Whether `id` has the shape of a document id (a lowercase UUID): anything else is never looked up. */
export function isDocumentId(id: string): boolean {
  return DOCUMENT_ID.test(id);
}
