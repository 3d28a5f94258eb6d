/**
 * Typed queries on `notification_outbox` (migration 002). Rows are written once, rendered, before
 * any delivery attempt; delivery then only moves `status` forward. Rows are mapped to
 * `OutboxMessage` here and nowhere else.
 */
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Db } from './pool';
import type { Language } from '../definitions/schema';

export const OutboxStatus = {
  queued: 'queued',
  sent: 'sent',
  failed: 'failed',
  /** Never sent, and retention erased its address and body: never sent now (db/retention.ts). */
  erased: 'erased',
} as const;
export type OutboxStatus = (typeof OutboxStatus)[keyof typeof OutboxStatus];

/** What is recorded before sending: everything needed to send again without re-rendering. */
export interface NewOutboxMessage {
  id: string;
  caseId: string;
  occurrence: string;
  event: string;
  template: string;
  /** Person id (applicant id or directory member id). */
  recipient: string;
  recipientName: string;
  /** E-mail address (or, for another channel, that channel's address). */
  address: string;
  language: Language;
  subject: string;
  text: string;
  html: string | null;
  /** The case document sent along (`receipt`, `decision`), issued once and attached to every attempt. */
  attach?: 'receipt' | 'decision' | null;
}

export interface OutboxMessage extends NewOutboxMessage {
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  /** The Message-ID the channel reported when it accepted the message. */
  messageId: string | null;
}

interface OutboxRow {
  id: string;
  case_id: string;
  occurrence: string;
  event: string;
  template: string;
  recipient: string;
  recipient_name: string;
  address: string;
  language: Language;
  subject: string;
  text: string;
  html: string | null;
  attach: 'receipt' | 'decision' | null;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
  message_id: string | null;
}

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    caseId: row.case_id,
    occurrence: row.occurrence,
    event: row.event,
    template: row.template,
    recipient: row.recipient,
    recipientName: row.recipient_name,
    address: row.address,
    language: row.language,
    subject: row.subject,
    text: row.text,
    html: row.html,
    attach: row.attach,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    messageId: row.message_id,
  };
}

/**
 * The stable id of one message: the same (case, occurrence, event, recipient) always gives the
 * same id, which is what makes a retried notification a no-op for what already went out.
 */
export function outboxId(caseId: string, occurrence: string, event: string, recipient: string): string {
  return createHash('sha256').update([caseId, occurrence, event, recipient].join('\u0000')).digest('hex').slice(0, 32);
}

/** Records messages; ids already present are left untouched (their first rendering wins). */
export async function insertOutbox(db: Db, messages: NewOutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const columns = 14;
  const values: unknown[] = [];
  const tuples = messages.map((m, i) => {
    values.push(m.id, m.caseId, m.occurrence, m.event, m.template, m.recipient, m.recipientName, m.address);
    values.push(m.language, m.subject, m.text, m.html, OutboxStatus.queued, m.attach ?? null);
    const base = i * columns;
    return `(${Array.from({ length: columns }, (_, k) => `$${base + k + 1}`).join(', ')})`;
  });
  await db.query(
    `INSERT INTO notification_outbox
       (id, case_id, occurrence, event, template, recipient, recipient_name, address,
        language, subject, text, html, status, attach)
     VALUES ${tuples.join(', ')}
     ON CONFLICT (id) DO NOTHING`,
    values,
  );
}

/** Every message of a case, oldest first: what was sent, what is waiting, what failed and why. */
export async function listOutbox(db: Db, caseId: string): Promise<OutboxMessage[]> {
  const { rows } = await db.query<OutboxRow>(
    'SELECT * FROM notification_outbox WHERE case_id = $1 ORDER BY created_at, id',
    [caseId],
  );
  return rows.map(toMessage);
}

/** Ids of messages not sent yet (queued or failed), oldest first. */
/** One message as it stands, without locking it (`undefined` when the id is unknown). */
export async function getOutboxMessage(db: Db, id: string): Promise<OutboxMessage | undefined> {
  const { rows } = await db.query<OutboxRow>('SELECT * FROM notification_outbox WHERE id = $1', [id]);
  return rows[0] ? toMessage(rows[0]) : undefined;
}

export async function listPendingIds(db: Db, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM notification_outbox WHERE status IN ('queued', 'failed') ORDER BY created_at, id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.id);
}

/** What `withLockedMessage` hands to its callback. */
export interface LockedMessage {
  message: OutboxMessage;
  markSent(messageId: string): Promise<void>;
  markFailed(error: string): Promise<void>;
}

/**
 * Runs `fn` while holding the row lock of one message, in one transaction, so two senders (a
 * retried activity and the sweeper) never send the same message at the same time.
 * `wait: false` skips a row another sender holds (resolves to `undefined`); `wait: true` waits
 * for it, then sees its final status. Resolves to `undefined` as well when the id is unknown.
 *
 * Hazard: the transaction stays open while `fn` sends; keep the channel's timeouts short.
 */
export async function withLockedMessage<T>(
  db: Db,
  id: string,
  options: { wait: boolean },
  fn: (locked: LockedMessage) => Promise<T>,
): Promise<T | undefined> {
  const client: PoolClient = await db.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<OutboxRow>(
      `SELECT * FROM notification_outbox WHERE id = $1 FOR UPDATE${options.wait ? '' : ' SKIP LOCKED'}`,
      [id],
    );
    const row = rows[0];
    if (!row) {
      await client.query('COMMIT');
      return undefined;
    }
    const result = await fn({
      message: toMessage(row),
      async markSent(messageId) {
        await client.query(
          `UPDATE notification_outbox
              SET status = 'sent', attempts = attempts + 1, sent_at = now(), message_id = $2, last_error = NULL
            WHERE id = $1`,
          [id, messageId],
        );
      },
      async markFailed(error) {
        await client.query(
          `UPDATE notification_outbox SET status = 'failed', attempts = attempts + 1, last_error = $2 WHERE id = $1`,
          [id, error.slice(0, 2000)],
        );
      },
    });
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
