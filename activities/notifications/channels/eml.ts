/**
 * The embedded default without `SMTP_URL`: each message is written as an `.eml` file (open it in
 * any mail client) named by its outbox id, so writing it again replaces it rather than duplicating.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { type Channel, DEFAULT_FROM, toMailOptions } from './channel';

export interface EmlChannelOptions {
  /** Folder the files go to, created when missing (`data/mail/` by default in entry points). */
  dir: string;
  /** @default DEFAULT_FROM */
  from?: string;
}

export function createEmlChannel(options: EmlChannelOptions): Channel {
  const from = options.from ?? DEFAULT_FROM;
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    name: 'eml',
    async send(message) {
      const info = await transport.sendMail(toMailOptions(message, from));
      await mkdir(options.dir, { recursive: true });
      const file = path.join(options.dir, `${message.id}.eml`);
      // Write then rename: a reader never sees half a message.
      const partial = `${file}.${process.pid}.tmp`;
      await writeFile(partial, info.message as Buffer);
      await rename(partial, file);
      return { messageId: info.messageId || message.messageId };
    },
  };
}
