/**
 * A delivery channel: e-mail over SMTP, `.eml` files, and later SMS. A channel only sends; what to
 * send, to whom and whether it already went out is the outbox's business.
 */
import type Mail from 'nodemailer/lib/mailer';
import type { Language } from '../../../definitions/schema';

/** One rendered message, as recorded in the outbox. */
export interface OutgoingMessage {
  /** Outbox id. */
  id: string;
  /** `<id@masar.local>`: the same for every attempt, so receivers can drop a duplicate. */
  messageId: string;
  to: { name: string; address: string };
  language: Language;
  subject: string;
  text: string;
  html: string | null;
  /** Files sent along (the case's sealed receipt or decision). */
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface Channel {
  /** `smtp`, `eml`, `sms`... recorded in logs. */
  name: string;
  /** Resolves once the message is accepted; rejects (transient) when it could not be. */
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  /** Releases what the channel holds open (pooled SMTP connections); called once, at shutdown. */
  close?(): void;
}

/** The Message-ID of an outbox message. */
export function messageIdFor(outboxId: string): string {
  return `<${outboxId}@masar.local>`;
}

/** The sender used when none is configured. @default 'Masar <no-reply@masar.local>' */
export const DEFAULT_FROM = 'Masar <no-reply@masar.local>';

/** Nodemailer options shared by the e-mail channels (SMTP and `.eml`), so both build the same MIME. */
export function toMailOptions(message: OutgoingMessage, from: string): Mail.Options {
  return {
    from,
    to: { name: message.to.name, address: message.to.address },
    subject: message.subject,
    text: message.text,
    ...(message.html === null ? {} : { html: message.html }),
    ...(message.attachments?.length ? { attachments: message.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })) } : {}),
    messageId: message.messageId,
    headers: {
      'Content-Language': message.language,
      'Auto-Submitted': 'auto-generated',
      'X-Masar-Outbox-Id': message.id,
    },
  };
}
