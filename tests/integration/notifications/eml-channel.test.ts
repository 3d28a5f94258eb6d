/**
 * The embedded default without SMTP_URL: messages as .eml files, parsed back as a mail client would.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createMailChannel } from '../../../activities/notifications/channels';
import { messageIdFor, type OutgoingMessage } from '../../../activities/notifications/channels/channel';

const message = (id: string): OutgoingMessage => ({
  id,
  messageId: messageIdFor(id),
  to: { name: 'سلمى بناني', address: 'salma@example.ma' },
  language: 'ar',
  subject: 'وصل الإيداع AI-2026-000123 – Récépissé de dépôt',
  text: 'آخر أجل للرد: 30 مارس 2026\n',
  html: '<html dir="rtl" lang="ar"><body><p>30 مارس 2026</p></body></html>',
});

describe('eml channel', () => {
  let dir: string;
  beforeEach(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), 'masar-mail-')), 'mail');
  });
  afterEach(async () => {
    await rm(path.dirname(dir), { recursive: true, force: true });
  });

  it('should write a readable .eml file named by the outbox id when no SMTP server is configured', async () => {
    const channel = createMailChannel({ mailDir: dir });
    expect(channel.name).toBe('eml');
    const sent = await channel.send(message('0123456789abcdef0123456789abcdef'));
    expect(sent.messageId).toBe('<0123456789abcdef0123456789abcdef@masar.local>');

    expect(await readdir(dir)).toEqual(['0123456789abcdef0123456789abcdef.eml']);
    const parsed = await simpleParser(await readFile(path.join(dir, '0123456789abcdef0123456789abcdef.eml')));
    expect(parsed.messageId).toBe('<0123456789abcdef0123456789abcdef@masar.local>');
    expect(parsed.subject).toBe('وصل الإيداع AI-2026-000123 – Récépissé de dépôt');
    expect(parsed.text).toContain('آخر أجل للرد: 30 مارس 2026');
    expect(parsed.html).toContain('dir="rtl" lang="ar"');
    expect(parsed.headers.get('content-language')).toBe('ar');
  });

  it('should replace rather than duplicate a message written twice', async () => {
    const channel = createMailChannel({ mailDir: dir });
    await channel.send(message('aa'));
    await channel.send(message('aa'));
    await channel.send(message('bb'));
    expect((await readdir(dir)).sort()).toEqual(['aa.eml', 'bb.eml']);
  });

  it('should pick SMTP when a URL is given, and name a bad URL', () => {
    expect(createMailChannel({ smtpUrl: 'smtp://127.0.0.1:2525', mailDir: dir }).name).toBe('smtp');
    expect(() => createMailChannel({ smtpUrl: 'http://mail', mailDir: dir })).toThrow(/SMTP_URL "http:\/\/mail" must start with smtp:\/\//);
  });
});
