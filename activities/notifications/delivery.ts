/**
 * Sends what the outbox holds. Each message is sent while its row is locked, then marked `sent` or
 * `failed` in the same transaction; a `sent` row is never sent again. See docs/notifications.md
 * for the exact guarantee (at least once to the mail server, deduplicated by outbox id).
 */
import type { Db } from '../../db/pool';
import { getOutboxMessage, listPendingIds, type OutboxMessage, type OutboxStatus, withLockedMessage } from '../../db/outbox';
import { type Channel, messageIdFor, type OutgoingMessage } from './channels/channel';

/**
 * The files a message carries (its `attach` document), fetched at each attempt. Throws (a transient
 * failure: the message is marked failed and sent again later) when the document cannot be had yet.
 */
export type AttachmentSource = (message: OutboxMessage) => Promise<NonNullable<OutgoingMessage['attachments']>>;

/** The fate of one message after a delivery pass. */
export interface DeliveryReport {
  id: string;
  recipient: string;
  /** `queued`: another sender holds it right now (only with `wait: false`). */
  status: OutboxStatus;
  /** Set when this pass tried and failed. */
  error?: string;
}

/** Logger shape (pino's `info`/`warn` fit). Never give it addresses or message bodies. */
export interface NotificationLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export const silentLog: NotificationLog = { info: () => undefined, warn: () => undefined };

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

/**
 * The send error as text without the recipient: mail servers quote the address (and sometimes the
 * name) they refuse, and this text goes to the logs, the outbox row and, through the activity's
 * failure, into the Temporal history, which the payload codec does not seal.
 */
function describe(err: unknown, to: { name: string; address: string }): string {
  let text = err instanceof Error ? err.message : String(err);
  for (const [value, placeholder] of [[to.address, '[recipient address]'], [to.name, '[recipient name]']] as const) {
    if (value.trim().length >= 3) text = text.split(value).join(placeholder);
  }
  return text.replace(EMAIL, '[email]');
}

/**
 * Sends the given outbox messages one by one, skipping those already sent. `wait: true` waits
 * for a row another sender holds (the activity: it must know the final status); `wait: false`
 * passes over it (the sweeper). Database errors reject; send errors are reported per message.
 */
export async function deliverMessages(
  db: Db,
  channel: Channel,
  ids: string[],
  options: { wait: boolean; log?: NotificationLog; attachments?: AttachmentSource | undefined },
): Promise<DeliveryReport[]> {
  const log = options.log ?? silentLog;
  const reports: DeliveryReport[] = [];
  for (const id of ids) {
    // The document a message carries is fetched (issued once) BEFORE its row is locked: issuing reads
    // the read model on other connections, which must not wait behind the transaction the lock holds
    // (the embedded PGlite has one session: it would wait forever; PostgreSQL would keep the row
    // locked through the PDF's rendering). A failure to issue is this attempt's failure, below.
    const prepared = options.attachments ? await prepareAttachments(db, id, options.attachments) : undefined;
    const report = await withLockedMessage(db, id, { wait: options.wait }, async ({ message, markSent, markFailed }) => {
      if (message.status === 'sent' || message.status === 'erased') return { id, recipient: message.recipient, status: message.status };
      try {
        let attachments: Attachments = [];
        if (message.attach && options.attachments) {
          if (prepared === undefined) throw new Error(`the ${message.attach} to attach was not ready when the message was locked; sent on retry`);
          if (prepared instanceof Error) throw prepared;
          attachments = prepared;
        }
        const sent = await channel.send({
          id,
          messageId: messageIdFor(id),
          to: { name: message.recipientName, address: message.address },
          language: message.language,
          subject: message.subject,
          text: message.text,
          html: message.html,
          ...(attachments.length > 0 ? { attachments } : {}),
        });
        // Hazard: if this update (or the commit) fails, the server already has the message and a
        // later pass sends it again with the same Message-ID: the documented duplicate window.
        await markSent(sent.messageId);
        log.info({ outboxId: id, caseId: message.caseId, channel: channel.name, attempt: message.attempts + 1 }, 'notification sent');
        return { id, recipient: message.recipient, status: 'sent' as const };
      } catch (err) {
        const error = describe(err, { name: message.recipientName, address: message.address });
        await markFailed(`${channel.name}: ${error}`);
        log.warn({ outboxId: id, caseId: message.caseId, channel: channel.name, attempt: message.attempts + 1, error }, 'notification not sent');
        return { id, recipient: message.recipient, status: 'failed' as const, error };
      }
    });
    // No row: another sender holds it (wait: false) or it is unknown; either way it is not ours now.
    reports.push(report ?? { id, recipient: '', status: 'queued' });
  }
  return reports;
}

type Attachments = NonNullable<OutgoingMessage['attachments']>;

/** The attachments of message `id` if it has any to carry and is not sent, or the error fetching them. */
async function prepareAttachments(db: Db, id: string, source: AttachmentSource): Promise<Attachments | Error | undefined> {
  const message = await getOutboxMessage(db, id);
  if (!message || message.status === 'sent' || !message.attach) return undefined;
  try {
    return await source(message);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

export interface PendingSummary {
  sent: number;
  failed: number;
  /** Held by another sender during this pass. */
  busy: number;
}

/**
 * Sends every queued or failed message, oldest first, up to `limit` (for an operator command or
 * a periodic sweeper). Safe to run beside the activities: rows being sent elsewhere are skipped.
 */
export async function deliverPending(
  db: Db,
  channel: Channel,
  options: { limit?: number; log?: NotificationLog; attachments?: AttachmentSource | undefined } = {},
): Promise<PendingSummary> {
  const ids = await listPendingIds(db, options.limit ?? 500);
  const reports = await deliverMessages(db, channel, ids, { wait: false, attachments: options.attachments, ...(options.log ? { log: options.log } : {}) });
  return {
    sent: reports.filter((r) => r.status === 'sent').length,
    failed: reports.filter((r) => r.status === 'failed').length,
    busy: reports.filter((r) => r.status === 'queued').length,
  };
}
