/**
 * What the app and every route module share: the route prefix, the app's dependencies and options,
 * and the context each route module receives. A leaf: routes import this, never `app.ts`.
 */
import type { PayloadCodec } from '@temporalio/common';
import type express from 'express';
import type { Logger } from 'pino';
import type { Directory } from '../db/directory';
import type { JournalKeyring } from '../db/journal-keys';
import type { Db } from '../db/pool';
import type { DocumentIssuer } from '../documents/issue';
import type { CaseEngine } from '../usecases/case-engine';
import type { DocumentsConfig, UseCaseDeps } from '../usecases/deps';
import type { TokenVerifier } from './auth';
import type { Metrics } from './metrics';
import type { RateLimitOptions } from './rate-limit';

/** Prefix of every versioned route. */
export const API = '/api/v1';

export interface AppDeps {
  db: Db;
  engine: CaseEngine;
  directory: Pick<Directory, 'caseUnit' | 'descendants' | 'listUnits' | 'getUnit'>;
  verifyToken: TokenVerifier;
  /** Keys `GET /journal/verify` checks signatures with. @default none (chain and checkpoints only) */
  journalKeys?: JournalKeyring;
  /** The document store and upload limit. @default none (document routes answer 503) */
  documents?: DocumentsConfig;
  /** Issues sealed receipts and decisions. @default none (their routes answer 503) */
  sealedDocuments?: DocumentIssuer;
  /** The payload codec behind `/codec/decode` and `/codec/encode` (the Web UI's), and the UI's origin. @default off */
  codec?: { codec: PayloadCodec; uiOrigin?: string };
  /** @default a silent logger */
  logger?: Logger;
  options?: AppOptions;
  /**
   * The web console, mounted at `/` after the API's routes, built by the process's entry point (the
   * API never imports the console) from the same use-case dependencies. @default no console
   */
  console?: (useCases: UseCaseDeps, logger: Logger, more?: { sealedDocuments?: DocumentIssuer | undefined }) => express.RequestHandler;
}

export interface AppOptions {
  /** Largest request body. @default '256kb' */
  bodyLimit?: string;
  /** Limits on applicant-facing routes; `false` turns them off. @default capacity 60, 2/s */
  rateLimit?: RateLimitOptions | false;
  /** Calendar of working-day clocks for new cases. @default 'ma-administration' */
  calendarId?: string;
  /** How long `POST /cases` waits for the new case's first view before answering 202. @default 5000 */
  firstViewTimeoutMs?: number;
  /** The clock of `overdue` filters and references. @default () => new Date() */
  now?: () => Date;
  /** Trust `X-Forwarded-For` from this many proxies (rate limiting by address). @default false */
  trustProxy?: number | false;
}

/** What every route module receives. */
export interface RouteContext {
  deps: AppDeps;
  /** What the use cases are given (the app's dependencies and clock). */
  useCases: UseCaseDeps;
  options: Required<Omit<AppOptions, 'rateLimit' | 'trustProxy'>>;
  logger: Logger;
  metrics: Metrics;
  /** Rate limit for applicant-facing routes (a pass-through when turned off). */
  limited: express.RequestHandler;
}

/** Paths redacted from every log line (one list for every process: `config/logging.ts`). */
export { LOG_REDACT } from '../config/logging';
