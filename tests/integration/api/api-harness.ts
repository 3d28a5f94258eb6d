/**
 * The API as a user reaches it, for integration tests: a fresh migrated database with a small
 * territorial tree and the shipped procedure published, the real Temporal dev server, and tokens
 * for each kind of caller. `withWorker` also runs a Masar worker on a task queue of its own.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Express } from 'express';
import { createActivities } from '../../../activities';
import { createEmlChannel, type Channel } from '../../../activities/notifications';
import type { NotifyInput } from '../../../activities/types';
import { createApp } from '../../../api/app';
import { createTokenVerifier, mintToken, type Principal } from '../../../api/auth';
import { createCaseEngine } from '../../../usecases/case-engine';
import type { DocumentsConfig } from '../../../usecases/deps';
import { createConsole, type ConsoleOptions, type DemoPersona } from '../../../console';
import { PROCEDURE_TEMPLATE_NAMES } from '../../../activities/notifications/render';
import { createDbCalendarSource } from '../../../db/calendars';
import { createDirectory, type UnitInput } from '../../../db/directory';
import { publishProcedure } from '../../../db/procedures';
import { createFsDocumentStore } from '../../../documents/fs-store';
import type { SealKey } from '../../../documents/pdf/seal';
import type { EncryptionCodec } from '../../../config/payload-codec';
import { temporalDataConverter } from '../../../config/temporal';
import { createMasarWorker } from '../../../worker/create-worker';
import { createTestDb, type TestDb } from '../../support/db';
import { compileYaml } from '../../support/procedures';
import { workflowBundle } from '../../support/temporal';

export const SECRET = 'integration-secret-0123456789abcdef';

const label = (fr: string) => ({ fr, ar: fr });
/** DGCT > region 01 > provinces 01.511 (communes .01.01, .01.02) and 01.521 (commune .01.01). */
export const UNITS: UnitInput[] = [
  { code: 'DGCT', kind: 'ministry', name: label('DGCT'), parentCode: null },
  { code: '01', kind: 'region', name: label('Tanger-Tétouan-Al Hoceïma'), parentCode: 'DGCT' },
  { code: '01.511', kind: 'province', name: label('Tanger-Assilah'), parentCode: '01' },
  { code: '01.511.01.01', kind: 'commune', name: label('Tanger'), parentCode: '01.511' },
  { code: '01.511.01.02', kind: 'commune', name: label('Assilah'), parentCode: '01.511' },
  { code: '01.521', kind: 'province', name: label('Tétouan'), parentCode: '01' },
  { code: '01.521.01.01', kind: 'commune', name: label('Tétouan'), parentCode: '01.521' },
];
export const TANGER = '01.511.01.01';
export const ASSILAH = '01.511.01.02';
export const TETOUAN = '01.521.01.01';

/** Callers, by the role they play in the tests. */
export const CALLERS = {
  applicant: { sub: 'citizen-1', name: 'Amina Benali', email: 'amina@example.ma', roles: ['applicant'] },
  otherApplicant: { sub: 'citizen-2', name: 'Youssef Alami', roles: ['applicant'] },
  agent: { sub: 'agent-tanger', name: 'Agent Tanger', roles: ['agent', 'information_officer'], unit: TANGER },
  agentAssilah: { sub: 'agent-assilah', roles: ['agent', 'information_officer'], unit: ASSILAH },
  supervisorProvince: { sub: 'sup-511', roles: ['supervisor'], unit: '01.511' },
  supervisorOtherProvince: { sub: 'sup-521', roles: ['supervisor'], unit: '01.521' },
  supervisorRegion: { sub: 'sup-01', roles: ['supervisor'], unit: '01' },
  admin: { sub: 'admin-1', roles: ['admin'] },
} satisfies Record<string, Partial<Principal> & { sub: string; roles: string[] }>;
export type CallerName = keyof typeof CALLERS;

export interface Harness {
  t: TestDb;
  app: Express;
  client: Client;
  taskQueue: string;
  token(who: CallerName): Promise<string>;
  notifications: NotifyInput[];
  close(): Promise<void>;
}

export function shippedSource(id: string): string {
  return readFileSync(path.join(__dirname, '..', '..', '..', 'definitions', 'procedures', `${id}.yaml`), 'utf8');
}

/** Secret of the console's session cookies in tests. */
export const SESSION_SECRET = 'console-session-secret-0123456789abcdef';

/** Every test caller as a demo login of the console (its id is the caller's name). */
export const CONSOLE_PERSONAS: DemoPersona[] = Object.entries(CALLERS).map(([id, claims]) => ({ id, principal: { lang: 'fr' as const, ...claims } }));

export interface HarnessOptions {
  worker?: boolean;
  taskQueue: string;
  /** The document store and upload limit. @default none (document routes answer 503) */
  documents?: DocumentsConfig;
  /** More procedures to publish (YAML sources) besides acces-information. */
  procedures?: string[];
  /** Serve the console beside the API. */
  console?: boolean;
  /**
   * Issue sealed receipts and decisions with this seal, into the `documents` store (or, without
   * one, a store in a temporary folder). @default none (their routes answer 503)
   */
  sealed?: { seal: SealKey; publicUrl: string };
  /** More options of the console (an identity provider, a simulator). */
  consoleOptions?: Partial<ConsoleOptions>;
  /** The payload codec the client, the worker and the codec endpoint use, as configured keys would give. */
  codec?: EncryptionCodec;
  codecUiOrigin?: string;
  /** Send the worker's messages through this channel (a real SMTP server) instead of only recording them. */
  mail?: Channel;
  /** Send notifications for real (the outbox, .eml files in a temporary folder, or `mail`) instead of only recording them. */
  realNotifications?: boolean;
  /** Register the retention job's activities, erasing from `documents`' store. @default P5Y when documents are given */
  retentionDefault?: string;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const address = process.env.MASAR_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('MASAR_TEST_TEMPORAL_ADDRESS is not set: jest global setup did not start the dev server');
  const t = await createTestDb();
  const directory = createDirectory(t.db);
  await directory.upsertUnits(UNITS);
  const source = shippedSource('acces-information');
  await publishProcedure(t.db, compileYaml(source, 'acces-information.yaml'), source, 'system');
  for (const extra of options.procedures ?? []) await publishProcedure(t.db, compileYaml(extra), extra, 'system');

  const connection = await Connection.connect({ address });
  const dataConverter = temporalDataConverter(options.codec);
  const client = new Client({ connection, dataConverter });
  const app = createApp({
    db: t.db,
    ...(options.codec ? { codec: { codec: options.codec, ...(options.codecUiOrigin ? { uiOrigin: options.codecUiOrigin } : {}) } } : {}),
    engine: createCaseEngine(client, { taskQueue: options.taskQueue, timeoutMs: 10_000 }),
    directory,
    verifyToken: createTokenVerifier({ jwtSecret: SECRET }),
    ...(options.sealed
      ? { sealedDocuments: { db: t.db, store: options.documents?.store ?? createFsDocumentStore(mkdtempSync(path.join(tmpdir(), 'masar-issued-'))), ...options.sealed, now: () => new Date() } }
      : {}),
    options: { rateLimit: false, firstViewTimeoutMs: 15_000 },
    ...(options.documents ? { documents: options.documents } : {}),
    ...(options.console
      ? { console: (useCases, logger, more) => createConsole({ useCases, logger, ...more }, { sessionSecret: SESSION_SECRET, demoPersonas: CONSOLE_PERSONAS, calendarId: 'ma-administration', knownTemplates: PROCEDURE_TEMPLATE_NAMES, ...options.consoleOptions }) }
      : {}),
  });

  const notifications: NotifyInput[] = [];
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  if (options.worker) {
    // The worker's real activities; notifications are recorded (mail has its own integration tests).
    const activities = {
      ...createActivities({
        db: t.db,
        directory,
        channel: options.mail ?? createEmlChannel({ dir: mkdtempSync(path.join(tmpdir(), 'masar-mail-')) }),
        calendars: createDbCalendarSource(t.db, { ttlMs: 0 }),
        client,
        ...(options.documents ? { retention: { store: options.documents.store, defaultPeriod: options.retentionDefault ?? 'P5Y' } } : {}),
      }),
    };
    const send = activities.notify;
    activities.notify = async (input: NotifyInput) => {
      notifications.push(input);
      return options.mail || options.realNotifications ? send(input) : { messages: [] };
    };
    worker = await createMasarWorker({
      connection: await NativeConnection.connect({ address }),
      taskQueue: options.taskQueue,
      activities,
      dataConverter,
      extra: { workflowBundle: await workflowBundle() },
    });
    running = worker.run();
  }

  return {
    t,
    app,
    client,
    taskQueue: options.taskQueue,
    notifications,
    token: (who) => mintToken({ secret: SECRET, claims: CALLERS[who], ttl: '1h' }),
    async close() {
      if (worker) {
        worker.shutdown();
        await running;
      }
      await connection.close();
      await t.drop();
    },
  };
}
