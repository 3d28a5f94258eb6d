/**
 * A real SMTP server in-process (`smtp-server`) that keeps every message it accepts, parsed back
 * with `mailparser`. Starts on a free port; `stop()` and `start()` again on the same port simulate
 * a mail server outage.
 *
 *   const smtp = await startTestSmtp();
 *   const channel = createSmtpChannel({ url: smtp.url });
 *   ...
 *   expect(smtp.messages.map((m) => m.subject)).toEqual([...]);
 *   await smtp.close();
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** `<id@masar.local>` as sent. */
  messageId: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  subject: string;
  text: string;
  /** `false` when the message had no HTML part. */
  html: string | false;
  /** Header lines, lower-cased names (`content-language`, `auto-submitted`...). */
  headers: Map<string, unknown>;
  parsed: ParsedMail;
}

export interface TestSmtp {
  port: number;
  /** `smtp://127.0.0.1:<port>` for `createSmtpChannel`. */
  url: string;
  /** Every accepted message, in order of arrival (kept across stop/start). */
  readonly messages: ReceivedMail[];
  /** Messages sent to one address. */
  to(address: string): ReceivedMail[];
  /** How many times each Message-ID arrived. */
  countByMessageId(): Map<string, number>;
  /** Stops listening (connections refused) until `start()`. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  readonly running: boolean;
  /** Stops for good (call in `afterAll`). */
  close(): Promise<void>;
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value.map((v) => v.address ?? ''));
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  let port = 0;

  const create = () =>
    new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 500,
      onData(stream, session, callback) {
        // Answer 250 only once the message is parsed and kept: when the sender's promise resolves,
        // the test already sees the message.
        simpleParser(stream)
          .then((parsed) => {
            messages.push({
              messageId: parsed.messageId ?? '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: parsed.html ?? false,
              headers: parsed.headers,
              parsed,
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });

  const listen = async (): Promise<void> => {
    const next = create();
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        next.removeListener('error', reject);
        next.on('error', () => undefined);
        resolve();
      });
    });
    port = (next.server.address() as AddressInfo).port;
    server = next;
  };

  const stop = async (): Promise<void> => {
    const current = server;
    server = undefined;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await listen();
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((m) => m.to.includes(address) || addressesOf(m.parsed.to).includes(address)),
    countByMessageId() {
      const counts = new Map<string, number>();
      for (const m of messages) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
      return counts;
    },
    stop,
    start: async () => {
      if (!server) await listen();
    },
    get running() {
      return server !== undefined;
    },
    close: stop,
  };
}
