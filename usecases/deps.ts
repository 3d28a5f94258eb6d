/**
 * What use cases are given: the read model, the engine, the territorial directory and the clock.
 * A transport builds this once (the API in `createApp`, the console, the CLI) and hands it down;
 * each use case takes the part it needs.
 */
import type { Directory } from '../db/directory';
import type { Db } from '../db/pool';
import type { CaseEngine } from './case-engine';
import type { DocumentStore } from '../documents/store';

export interface UseCaseDeps {
  db: Db;
  engine: CaseEngine;
  directory: Pick<Directory, 'caseUnit' | 'descendants' | 'listUnits' | 'getUnit'>;
  /** The clock of `overdue` filters, references and years. */
  now: () => Date;
  /** The document store and upload limit; absent, document routes answer 503. */
  documents?: DocumentsConfig | undefined;
}

/** The document store and the upload limit, as a transport configures them. */
export interface DocumentsConfig {
  store: DocumentStore;
  /** Largest upload for a field that sets no `maxSize`, in bytes. */
  maxBytes: number;
}
