/**
 * `startApi(config, logger)`: the running REST API (migrate, publish the shipped procedures, listen).
 * `api/main.ts` (`npm run api`) and the embedded `npm start` (`scripts/start.ts`) both use it.
 * Temporal is connected lazily, so the API starts while Temporal is still coming up; `/readyz`
 * says when both answer.
 */
import type { Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { createDirectory } from '../db/directory';
import { journalKeyring } from '../db/journal-keys';
import { migrate } from '../db/migrate';
import { createDb, type Db } from '../db/pool';
import { publishProcedure } from '../db/procedures';
import { compileProcedure } from '../definitions/compile';
import { loadProcedureDirectory } from '../definitions/load';
import { loadSeal } from '../documents/seal-files';
import { createApp, type AppDeps } from './app';
import { createTokenVerifier } from './auth';
import { createCaseEngine } from '../usecases/case-engine';
import type { ApiConfig } from '../config/env';
import { connectTemporal, payloadCodec, temporalDataConverter } from '../config/temporal';
import { answerClientErrors } from './client-errors';
import { documentStoreFrom } from '../documents/from-config';
import { purgeUnattachedDocuments } from '../usecases/documents';
import { parseLifetime } from './token-lifetime';

/** Where the shipped procedures live. */
export const SHIPPED_PROCEDURES_DIR = path.join(__dirname, '..', 'definitions', 'procedures');

/** Publishes the shipped procedures the database does not have yet; returns the ids published now. */
export async function publishShippedProcedures(db: Db, logger: Logger): Promise<string[]> {
  const published: string[] = [];
  const loaded = await loadProcedureDirectory(SHIPPED_PROCEDURES_DIR);
  for (const error of loaded.errors) logger.warn({ file: error.file, path: error.path }, `shipped procedure not published: ${error.message}`);
  for (const loadedFile of loaded.results) {
    if (!loadedFile.ok) continue;
    const procedure = loadedFile.procedure;
    const result = await publishProcedure(db, compileProcedure(procedure), await readFile(loadedFile.file, 'utf8'), 'system');
    if (result.outcome === 'conflict') {
      logger.warn({ procedure: procedure.id, version: procedure.version }, 'shipped procedure differs from the published version of the same number: bump its version');
    } else if (result.outcome === 'published') {
      logger.info({ procedure: procedure.id, version: procedure.version }, 'published');
      published.push(`${procedure.id} v${procedure.version}`);
    }
  }
  return published;
}

export interface RunningApi {
  server: Server;
  /** `http://host:port` as listened on. */
  url: string;
  /** Whether the console is served at `/`. */
  console: boolean;
  /** Stops accepting requests, lets the ones in flight finish, then closes Temporal and the pool. */
  stop(): Promise<void>;
}

/** What the entry point composes into the API process. */
export interface ApiExtras {
  /** The web console (`console/`), built by the entry point: the API never imports it. */
  console?: AppDeps['console'];
}

/** Migrates, publishes the shipped procedures (when configured) and listens on `HOST:PORT`. */
export async function startApi(config: ApiConfig, logger: Logger, extras: ApiExtras = {}): Promise<RunningApi> {
  // Read before anything starts: a seal that cannot be read is a configuration error, said at once.
  const seal = config.MASAR_SEAL_CERT && config.MASAR_SEAL_KEY ? loadSeal(config.MASAR_SEAL_CERT, config.MASAR_SEAL_KEY) : undefined;
  if (!seal) logger.warn('MASAR_SEAL_CERT and MASAR_SEAL_KEY are not set: receipts and decisions are not issued as sealed PDFs');
  // Keys first: a bad key file fails the start before anything is opened.
  const codec = payloadCodec(config);
  const db = createDb({ url: config.DATABASE_URL });
  try {
    for (const name of await migrate(db)) logger.info({ migration: name }, 'migrated');
    if (config.MASAR_SEED_PROCEDURES) await publishShippedProcedures(db, logger);
  } catch (err) {
    await db.end();
    throw err;
  }

  let connection: Connection;
  try {
    connection = await connectTemporal(config, { lazy: true });
  } catch (err) {
    await db.end();
    throw err;
  }
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(codec) });
  const documents = { store: documentStoreFrom(config), maxBytes: config.MASAR_UPLOAD_MAX_BYTES };
  logger.info({ store: documents.store.description }, 'document store');
  const app = createApp({
    documents,
    db,
    // The queue the workers poll (MASAR_TASK_QUEUE): a case started elsewhere would wait for no one.
    engine: createCaseEngine(client, { taskQueue: config.MASAR_TASK_QUEUE }),
    directory: createDirectory(db),
    journalKeys: journalKeyring(config),
    ...(seal ? { sealedDocuments: { db, store: documents.store, seal, publicUrl: config.MASAR_PUBLIC_URL, now: () => new Date() } } : {}),
    ...(codec ? { codec: { codec, ...(config.MASAR_CODEC_UI_ORIGIN ? { uiOrigin: config.MASAR_CODEC_UI_ORIGIN } : {}) } } : {}),
    verifyToken: createTokenVerifier({
      ...(config.AUTH_JWT_SECRET ? { jwtSecret: config.AUTH_JWT_SECRET } : {}),
      ...(config.AUTH_JWKS_URL ? { jwksUrl: config.AUTH_JWKS_URL } : {}),
      ...(config.AUTH_ISSUER ? { issuer: config.AUTH_ISSUER } : {}),
      ...(config.AUTH_AUDIENCE ? { audience: config.AUTH_AUDIENCE } : {}),
      maxTokenLifetimeSeconds: parseLifetime(config.AUTH_MAX_TOKEN_LIFETIME) ?? 86_400,
    }),
    logger,
    ...(extras.console ? { console: extras.console } : {}),
    options: {
      bodyLimit: config.BODY_LIMIT,
      rateLimit: { capacity: config.RATE_LIMIT_CAPACITY, refillPerSecond: config.RATE_LIMIT_PER_SECOND },
      calendarId: config.MASAR_CALENDAR,
      trustProxy: config.TRUST_PROXY || false,
    },
  });

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.PORT, config.HOST, () => resolve(s));
      answerClientErrors(s);
      s.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new Error(`API: port ${config.PORT} on ${config.HOST} is taken: stop what holds it or set PORT to another port`)
            : err,
        ),
      );
    });
  } catch (err) {
    await Promise.allSettled([connection.close(), db.end()]);
    throw err;
  }
  logger.info({ port: config.PORT }, 'Masar API listening');

  // The API purges uploads never attached (it holds the store; the worker does not need one).
  // Several API processes purging at once is safe: each row is deleted once, before its bytes.
  let purging: Promise<void> | undefined;
  const purge = () => {
    purging ??= purgeUnattachedDocuments({ db, documents, now: () => new Date() })
      .then((r) => {
        if (r.purged > 0 || r.failed.length > 0) logger.info({ purged: r.purged, failed: r.failed }, 'purged unattached uploads');
      })
      .catch((err: unknown) => logger.warn({ err }, 'purge of unattached uploads failed; next try at the next interval'))
      .finally(() => (purging = undefined));
  };
  const purgeTimer = config.MASAR_DOCUMENT_PURGE_MINUTES > 0 ? setInterval(purge, config.MASAR_DOCUMENT_PURGE_MINUTES * 60_000) : undefined;
  purgeTimer?.unref();

  let stopped: Promise<void> | undefined;
  return {
    server,
    url: `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`,
    console: !!extras.console,
    stop() {
      stopped ??= (async () => {
        if (purgeTimer) clearInterval(purgeTimer);
        await purging;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await connection.close().catch(() => undefined);
        await db.end();
      })();
      return stopped;
    },
  };
}
