import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefaultPayloadConverter, type Payload } from '@temporalio/common';
import { loadTemporalConfig } from '../../../config/env';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, parsePayloadKeys } from '../../../config/payload-codec';
import { payloadKeyring } from '../../../config/temporal';

const hex = () => randomBytes(32).toString('hex');
const converter = new DefaultPayloadConverter();
const CASE_INPUT = { applicant: { name: 'Amina Benali', email: 'amina@example.ma' }, data: { cin: 'AB123456', subject: 'Budget 2025 ميزانية' } };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('payload codec', () => {
  it('should seal any payload so that none of its bytes show, and open it back to the same payload', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(`k1:${hex()}`, 'test'));
    const values: unknown[] = [CASE_INPUT, 'texte clair', null, 0, [], { nested: { deep: 'x'.repeat(10_000) } }];
    for (const value of values) {
      const plain = converter.toPayload(value);
      const [sealed] = await codec.encode([plain]);
      expect(text(sealed?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(sealed?.metadata?.[KEY_ID_METADATA])).toBe('k1');
      if (plain.data && plain.data.length >= 8) expect(Buffer.from(sealed?.data ?? []).includes(Buffer.from(plain.data))).toBe(false);
      const [opened] = await codec.decode([sealed as Payload]);
      expect(converter.fromPayload(opened as Payload)).toEqual(value);
    }
  });

  it('should seal the same payload differently each time (a fresh nonce)', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(`k1:${hex()}`, 'test'));
    const plain = converter.toPayload(CASE_INPUT);
    const [a, b] = await codec.encode([plain, plain]);
    expect(Buffer.from(a?.data ?? []).equals(Buffer.from(b?.data ?? []))).toBe(false);
  });

  it('should pass payloads it did not seal through untouched (histories from before the keys)', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(`k1:${hex()}`, 'test'));
    const plain = [converter.toPayload(CASE_INPUT), converter.toPayload(undefined), converter.toPayload(new Uint8Array([1, 2, 3]))];
    expect(await codec.decode(plain)).toEqual(plain);
  });

  it('should decrypt with a retired key after a rotation, and seal with the newest only', async () => {
    const [old, next] = [hex(), randomBytes(32).toString('base64')];
    const before = new EncryptionCodec(parsePayloadKeys(`k1:${old}`, 'test'));
    const after = new EncryptionCodec(parsePayloadKeys(`k1:${old}\nk2:${next}`, 'test'));
    const [sealedBefore] = await before.encode([converter.toPayload(CASE_INPUT)]);
    expect(converter.fromPayload((await after.decode([sealedBefore as Payload]))[0] as Payload)).toEqual(CASE_INPUT);
    const [sealedAfter] = await after.encode([converter.toPayload(CASE_INPUT)]);
    expect(text(sealedAfter?.metadata?.[KEY_ID_METADATA])).toBe('k2');
    // A process that still has only the old key says which key it lacks and where to add it.
    await expect(before.decode([sealedAfter as Payload])).rejects.toThrow(/sealed with key "k2".*MASAR_PAYLOAD_KEYS/);
  });

  it('should refuse any altered byte, and a payload relabelled to another key id', async () => {
    const keys = parsePayloadKeys(`a:${hex()},b:${hex()}`, 'test');
    const codec = new EncryptionCodec(keys);
    const [sealed] = await codec.encode([converter.toPayload(CASE_INPUT)]);
    const data = Buffer.from(sealed?.data ?? []);
    for (const at of [0, 11, 12, Math.floor(data.length / 2), data.length - 1]) {
      const altered = Buffer.from(data);
      altered[at] = (altered[at] ?? 0) ^ 0x01;
      await expect(codec.decode([{ ...sealed, data: altered }])).rejects.toThrow(/does not authenticate under key b/);
    }
    // Same key material under both ids: the key id is authenticated, so relabelling still fails.
    const same = hex();
    const twins = new EncryptionCodec(parsePayloadKeys(`a:${same},b:${same}`, 'test'));
    const [twin] = await twins.encode([converter.toPayload(CASE_INPUT)]);
    await expect(twins.decode([{ ...twin, metadata: { ...twin?.metadata, [KEY_ID_METADATA]: Buffer.from('a') } }])).rejects.toThrow(/does not authenticate under key a/);
    await expect(codec.decode([{ ...sealed, data: data.subarray(0, 20) }])).rejects.toThrow(/too short/);
    await expect(codec.decode([{ ...sealed, metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING) } }])).rejects.toThrow(/no "encryption-key-id"/);
  });

  it.each([
    ['', /no key/],
    ['# only a comment', /no key/],
    ['k1', /entry 1: write id:secret/],
    [`:${hex()}`, /entry 1: write id:secret/],
    [`bad id:${hex()}`, /entry 1: write id:secret/],
    [`${'x'.repeat(33)}:${hex()}`, /entry 1: write id:secret/],
    ['k1:abcd', /entry 1 \(k1\): the secret must be 32 bytes/],
    [`k1:${hex().slice(2)}`, /entry 1 \(k1\): the secret must be 32 bytes/],
    [`k1:${randomBytes(16).toString('base64')}`, /the secret must be 32 bytes/],
    [`k1:${hex()},k1:${hex()}`, /entry 2 \(k1\): the id is listed twice/],
  ])('should refuse the key list %j naming the entry and the fix', (source, message) => {
    expect(() => parsePayloadKeys(source, 'MASAR_PAYLOAD_KEYS')).toThrow(message);
    expect(() => parsePayloadKeys(source, 'MASAR_PAYLOAD_KEYS')).toThrow(/^MASAR_PAYLOAD_KEYS: /);
  });

  it('should never echo a secret in a configuration error', () => {
    const secret = hex();
    let message = '';
    try {
      loadTemporalConfig({ MASAR_PAYLOAD_KEYS: `ok:${secret},k1:${secret.slice(1)}` });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/MASAR_PAYLOAD_KEYS: entry 2 \(k1\)/);
    expect(message).not.toContain(secret.slice(1, 20));
  });

  it('should refuse both a key list and a key file, and name an unreadable key file', () => {
    expect(() => loadTemporalConfig({ MASAR_PAYLOAD_KEYS: `k1:${hex()}`, MASAR_PAYLOAD_KEY_FILE: '/x' })).toThrow(/MASAR_PAYLOAD_KEY_FILE: set either/);
    expect(() => payloadKeyring({ MASAR_PAYLOAD_KEY_FILE: '/nonexistent/keys' })).toThrow(/MASAR_PAYLOAD_KEY_FILE: cannot read \/nonexistent\/keys \(ENOENT\)/);
  });

  it('should read a key file of id:secret lines, the last one encrypting', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'masar-keys-')), 'payload-keys');
    writeFileSync(file, `# rotated 2026-11, by ops: keep old: it decrypts\nold:${hex()}  # retired\n\nnew:${hex()}\n`);
    const keys = payloadKeyring(loadTemporalConfig({ MASAR_PAYLOAD_KEY_FILE: file }));
    expect(keys?.encrypting.id).toBe('new');
    expect([...(keys?.decrypting.keys() ?? [])]).toEqual(['old', 'new']);
    writeFileSync(file, 'old:short\n');
    expect(() => payloadKeyring({ MASAR_PAYLOAD_KEY_FILE: file })).toThrow(new RegExp(`MASAR_PAYLOAD_KEY_FILE \\(${file}\\): entry 1 \\(old\\)`));
  });

  it('should turn the codec off when no key is configured', () => {
    expect(payloadKeyring(loadTemporalConfig({}))).toBeUndefined();
  });
});
