/**
 * The one logger of every Masar process (API, worker, `npm start`): pino with the fields that may
 * hold personal data or secrets redacted, and e-mail addresses scrubbed from every text it writes.
 *
 * Why both: redaction removes the fields Masar knows carry personal data (an applicant, a message's
 * recipient, a request's body or input), whatever their value; but free text written by others, an
 * SMTP server's rejection ("550 <amina@example.ma>: mailbox unavailable"), a driver's error, reaches
 * the logs as a message or an error, where only a pattern can find what it quotes.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths redacted from every log line: tokens and personal data never reach the logs. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'body',
  'data',
  '*.data',
  'email',
  '*.email',
  'applicant',
  '*.applicant',
  'facts',
  '*.facts',
  'input',
  '*.input',
  'comment',
  '*.comment',
  // A message: its recipient and what it says.
  'to',
  '*.to',
  'recipientName',
  '*.recipientName',
  'address',
  '*.address',
  'subject',
  '*.subject',
  'text',
  '*.text',
  'html',
  '*.html',
  // What nodemailer attaches to a rejected send.
  'err.rejected',
  'err.envelope',
  'err.accepted',
  'err.rejectedErrors',
];

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

/** Text with every e-mail address replaced by `[email]`. */
export function scrubText(text: string): string {
  return text.replace(EMAIL, '[email]');
}

/** A copy of a log object's values with e-mail addresses scrubbed from every string, errors included. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value instanceof Error) {
    // pino's error serializer reads these; copy them scrubbed (its own fields included).
    const copy: Record<string, unknown> = { type: value.name, message: scrubText(value.message), ...(value.stack ? { stack: scrubText(value.stack) } : {}) };
    for (const [k, v] of Object.entries(value)) copy[k] = scrub(v, depth + 1);
    return copy;
  }
  if (ArrayBuffer.isView(value) || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

/** The logger of a process at `level`, to stdout or to `destination` (tests capture it). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: LOG_REDACT,
    formatters: { log: (object) => scrub(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
