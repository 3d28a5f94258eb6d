/** E-mail over SMTP with nodemailer (`SMTP_URL` in production, the in-process server in tests). */
import nodemailer from 'nodemailer';
import { type Channel, DEFAULT_FROM, toMailOptions } from './channel';

export interface SmtpChannelOptions {
  /** `smtp://user:pass@host:port` or `smtps://...`. */
  url: string;
  /** @default DEFAULT_FROM */
  from?: string;
  /**
   * Connection, greeting and socket timeouts. Kept short because the outbox row stays locked
   * while a message is being sent. @default 10000
   */
  timeoutMs?: number;
}

/**
 * A channel that hands messages to an SMTP server over a small pool of kept-open connections
 * (a new conversation per message cost 100-200 ms under load, with the outbox row locked
 * meanwhile). A connection the server dropped is replaced on the next message; a message that
 * fails on it is a transient failure, retried like any other.
 */
export function createSmtpChannel(options: SmtpChannelOptions): Channel {
  const timeout = options.timeoutMs ?? 10_000;
  const from = options.from ?? DEFAULT_FROM;
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    // Not echoed: the URL may carry a password.
    throw new Error('SMTP_URL is not a URL: use smtp://user:password@host:port');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL "${url.protocol}//${url.host}" must start with smtp:// or smtps://`);
  }
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: 5,
    // Reconnect now and then: a long-lived session is where a relay's limits bite first.
    maxMessages: 100,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 3,
  });
  return {
    name: 'smtp',
    async send(message) {
      const info = await transport.sendMail(toMailOptions(message, from));
      return { messageId: info.messageId || message.messageId };
    },
    close() {
      transport.close();
    },
  };
}
