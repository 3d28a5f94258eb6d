/**
 * The API with nothing behind it: PostgreSQL and Temporal at closed ports on loopback. Enough for
 * everything decided before a backing service is asked (authentication, parsing, validation,
 * roles), and for the 503 answers when one is asked.
 */
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createApp, LOG_REDACT, type AppOptions } from '../../../api/app';
import { createTokenVerifier, mintToken, type Principal } from '../../../api/auth';
import { createCaseEngine } from '../../../usecases/case-engine';
import { createDirectory } from '../../../db/directory';
import { createDb, type Db } from '../../../db/pool';

export const SECRET = 'unit-test-secret-0123456789abcdef0123';

export const WHO = {
  applicant: { sub: 'citizen-1', name: 'Amina', email: 'amina@example.ma', roles: ['applicant'] },
  agent: { sub: 'agent-1', roles: ['agent'], unit: '01.511.01.01' },
  admin: { sub: 'admin-1', roles: ['admin'] },
} satisfies Record<string, Partial<Principal> & { sub: string; roles: string[] }>;

export interface UnreachableApp {
  app: Express;
  db: Db;
  logs: string[];
  token(who: keyof typeof WHO): Promise<string>;
  close(): Promise<void>;
}

export function unreachableApp(options: AppOptions = {}): UnreachableApp {
  const db = createDb({ url: 'postgres://masar:masar@127.0.0.1:1/none', max: 2 });
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = createApp({
    db,
    engine: createCaseEngine(client, { timeoutMs: 1_500, actionTimeoutMs: 1_500 }),
    directory: createDirectory(db),
    verifyToken: createTokenVerifier({ jwtSecret: SECRET }),
    logger: pino({ level: 'info', redact: LOG_REDACT }, sink),
    options: { rateLimit: false, ...options },
  });
  return {
    app,
    db,
    logs,
    token: (who) => mintToken({ secret: SECRET, claims: WHO[who], ttl: '10m' }),
    async close() {
      await db.end();
      await client.connection.close().catch(() => undefined);
    },
  };
}
