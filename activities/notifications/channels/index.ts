/** Picks the mail channel from configuration: SMTP when a URL is given, `.eml` files otherwise. */
import type { Channel } from './channel';
import { createEmlChannel } from './eml';
import { createSmtpChannel } from './smtp';

export * from './channel';
export { createEmlChannel, type EmlChannelOptions } from './eml';
export { createSmtpChannel, type SmtpChannelOptions } from './smtp';

export interface MailChannelOptions {
  /** `SMTP_URL`; when absent, messages are written under `mailDir`. */
  smtpUrl?: string;
  /** Where `.eml` files go without SMTP (entry points pass `data/mail`). */
  mailDir: string;
  from?: string;
}

export function createMailChannel(options: MailChannelOptions): Channel {
  const from = options.from === undefined ? {} : { from: options.from };
  return options.smtpUrl
    ? createSmtpChannel({ url: options.smtpUrl, ...from })
    : createEmlChannel({ dir: options.mailDir, ...from });
}
