/**
 * Runs a Masar worker from its configuration: connects, migrates, wires the activities, polls,
 * sweeps the mail outbox, and shuts down gracefully (in-flight activities finish, then the
 * connection and pool close). Used by `npm run worker` and by the embedded `npm start`.
 */
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import { createMailChannel, DEFAULT_PRIVACY_NOTICE, deliverPending, documentAttachments } from '../activities/notifications';
import type { WorkerConfig } from '../config/env';
import { connectTemporal, payloadCodec, temporalConnectionOptions, temporalDataConverter } from '../config/temporal';
import { createDbCalendarSource } from '../db/calendars';
import { createDirectory } from '../db/directory';
import { documentStoreFrom } from '../documents/from-config';
import { loadSeal } from '../documents/seal-files';
import { pruneIdempotencyKeys } from '../db/idempotency';
import { journalKeyring } from '../db/journal-keys';
import { migrate } from '../db/migrate';
import { createDb } from '../db/pool';
import { dispatchNotices } from '../activities/notice-dispatch';
import { createMasarWorker } from './create-worker';
import { retentionScheduleId } from '../workflows/retention-messages';
import { ensureRetentionSchedule } from './retention-schedule';

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;
/** How long an `Idempotency-Key` of `POST /cases` is remembered. */
const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;
/** How often queued notices (activities/notice-dispatch.ts) are looked for. */
const NOTICE_DISPATCH_MS = 2_000;

export async function startWorker(config: WorkerConfig, logger: Logger): Promise<RunningWorker> {
  if (!runtimeInstalled) {
    // Route the SDK's own logs through pino, once per process.
    Runtime.install({
      logger: {
        log: (level, message, meta) => logger[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'info')]?.(meta ?? {}, message),
        trace: (m, meta) => logger.trace(meta ?? {}, m),
        debug: (m, meta) => logger.debug(meta ?? {}, m),
        info: (m, meta) => logger.info(meta ?? {}, m),
        warn: (m, meta) => logger.warn(meta ?? {}, m),
        error: (m, meta) => logger.error(meta ?? {}, m),
      },
    });
    runtimeInstalled = true;
  }
  // Keys first: a bad key file fails the start before anything is opened.
  const dataConverter = temporalDataConverter(payloadCodec(config));
  if (!dataConverter.payloadCodecs) logger.warn('no payload key (MASAR_PAYLOAD_KEYS or MASAR_PAYLOAD_KEY_FILE): applicants\' data goes to Temporal in clear (see docs/operations.md)');
  const db = createDb({ url: config.DATABASE_URL });
  for (const name of await migrate(db)) logger.info({ migration: name }, 'migrated');
  const channel = createMailChannel({ ...(config.SMTP_URL ? { smtpUrl: config.SMTP_URL } : {}), mailDir: config.MAIL_DIR, from: config.MAIL_FROM });
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  // A client for the calendar broadcast's signals (the worker's native connection cannot make one).
  const clientConnection = await connectTemporal(config);
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const mailLog = {
    info: (fields: Record<string, unknown>, m: string) => logger.info(fields, m),
    warn: (fields: Record<string, unknown>, m: string) => logger.warn(fields, m),
  };
  const journalKey = journalKeyring(config).signing;
  const seal = config.MASAR_SEAL_CERT && config.MASAR_SEAL_KEY ? loadSeal(config.MASAR_SEAL_CERT, config.MASAR_SEAL_KEY) : undefined;
  if (!seal) logger.warn('MASAR_SEAL_CERT and MASAR_SEAL_KEY are not set: receipt and decision messages go without their sealed PDF');
  // One store for the sealed receipts and decisions and for the retention job's erasures.
  const store = documentStoreFrom(config);
  const documents = seal ? { db, store, seal, publicUrl: config.MASAR_PUBLIC_URL, now: () => new Date() } : undefined;
  if (documents) logger.info({ store: documents.store.description }, 'sealed documents go to the document store');
  if (!journalKey) logger.warn('MASAR_JOURNAL_KEY is not set: journal entries are written unsigned, so a re-hashed edit would go unnoticed (see docs/operations.md)');
  const activities = createActivities({
    db,
    directory: createDirectory(db),
    channel,
    calendars: createDbCalendarSource(db),
    client,
    log: mailLog,
    publicUrl: config.MASAR_PUBLIC_URL,
    privacy: {
      controller: config.MASAR_CONTROLLER ?? DEFAULT_PRIVACY_NOTICE.controller,
      cndpNumber: config.MASAR_CNDP_NUMBER ?? DEFAULT_PRIVACY_NOTICE.cndpNumber,
      contact: config.MASAR_PRIVACY_CONTACT ?? DEFAULT_PRIVACY_NOTICE.contact,
    },
    ...(journalKey ? { journalKey } : {}),
    ...(documents ? { documents } : {}),
    retention: { store, defaultPeriod: config.MASAR_RETENTION_DEFAULT },
  });
  const worker = await createMasarWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.MASAR_TASK_QUEUE,
    dataConverter,
    activities,
    ...(config.MASAR_WORKFLOW_BUNDLE ? { workflowBundlePath: config.MASAR_WORKFLOW_BUNDLE } : {}),
    extra: {
      ...(config.MASAR_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: config.MASAR_MAX_CACHED_WORKFLOWS } : {}),
      ...(config.MASAR_WORKFLOW_THREADS !== undefined ? { workflowThreadPoolSize: config.MASAR_WORKFLOW_THREADS } : {}),
    },
  });
  if (config.MASAR_RETENTION_SCHEDULE) {
    // Every worker makes sure of it at start: creating is idempotent, updating applies a changed cron.
    const did = await ensureRetentionSchedule(client, { taskQueue: config.MASAR_TASK_QUEUE, cron: config.MASAR_RETENTION_CRON, limit: config.MASAR_RETENTION_BATCH });
    logger.info({ schedule: retentionScheduleId(config.MASAR_TASK_QUEUE), cron: config.MASAR_RETENTION_CRON, default: config.MASAR_RETENTION_DEFAULT, did }, 'retention schedule in place');
  }
  const sweeper =
    config.MAIL_SWEEP_SECONDS > 0
      ? setInterval(() => {
          deliverPending(db, channel, { log: mailLog, attachments: documents ? documentAttachments(documents, mailLog) : undefined })
            .then((r) => r.sent + r.failed > 0 && logger.info(r, 'mail outbox swept'))
            .catch((err: unknown) => logger.warn({ err }, 'mail outbox sweep failed'));
        }, config.MAIL_SWEEP_SECONDS * 1000)
      : undefined;
  sweeper?.unref();
  // Notices queued in bulk (a calendar change's deadline_moved messages) go out through notify.
  let dispatching = false;
  const dispatcher = setInterval(() => {
    if (dispatching) return;
    dispatching = true;
    dispatchNotices(db, activities.notify, { log: mailLog })
      .then((r) => r.sent + r.failed > 0 && logger.info(r, 'queued notices dispatched'))
      .catch((err: unknown) => logger.warn({ err }, 'notice dispatch failed'))
      .finally(() => (dispatching = false));
  }, NOTICE_DISPATCH_MS);
  dispatcher.unref();
  // Idempotency keys answer retries of POST /cases and of actions; a day covers any client's retry window.
  const pruner = setInterval(() => {
    pruneIdempotencyKeys(db, new Date(Date.now() - IDEMPOTENCY_KEY_TTL_MS))
      .then((n) => n > 0 && logger.info({ pruned: n }, 'old idempotency keys pruned'))
      .catch((err: unknown) => logger.warn({ err }, 'idempotency key pruning failed'));
  }, 3_600_000);
  pruner.unref();
  const done = worker.run().finally(async () => {
    if (sweeper) clearInterval(sweeper);
    clearInterval(dispatcher);
    clearInterval(pruner);
    channel.close?.();
    await connection.close();
    await clientConnection.close();
    await db.end();
  });
  logger.info({ taskQueue: config.MASAR_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS }, 'Masar worker polling');
  return {
    worker,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
