/**
 * The payload codec: every payload Masar hands Temporal (workflow input with the applicant's data,
 * activity arguments and results, update arguments, queries' answers, memos) is sealed with
 * AES-256-GCM before it leaves the process, so Temporal's histories and database hold ciphertext.
 * Only processes with the keys (worker, API, CLI, the codec endpoint the Web UI uses) read them.
 *
 * Format (metadata `encoding: binary/encrypted-aes256gcm`, `encryption-key-id: <id>`): data is
 * `iv (12 bytes) || ciphertext || tag (16 bytes)` of the whole original Payload, protobuf-encoded,
 * with the key id as additional authenticated data (a payload cannot be relabelled to another key).
 *
 * Rotation: the keyring holds every key still needed to decrypt; the newest (last listed) encrypts.
 * Add a key at the end, roll the processes, and keep the old one while any history sealed with it
 * may be read (running cases, closed ones inside the namespace's retention).
 *
 * Hazard: payloads without this encoding pass through `decode` untouched: histories written before
 * the codec was turned on (and the recorded fixture histories) keep replaying. The codec never
 * changes what the workflow sees, so turning it on is not a workflow change.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/** The `encoding` metadata of a sealed payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted-aes256gcm';
/** The metadata naming the key a payload was sealed with. */
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** Same shape as the journal's key ids: stored in every payload, keep it short. */
export const PAYLOAD_KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

/** One key: its id travels in each payload it sealed. */
export interface PayloadKey {
  id: string;
  secret: Buffer;
}

/** Keys by id, and the one that seals new payloads. */
export interface PayloadKeyring {
  encrypting: PayloadKey;
  decrypting: ReadonlyMap<string, Buffer>;
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const text = (bytes: Uint8Array | null | undefined): string | undefined => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/**
 * A key's secret from its text: 64 hex digits or the base64 of 32 bytes (`openssl rand -hex 32`).
 * Returns a message saying what is wrong otherwise.
 */
export function parsePayloadSecret(value: string): Buffer | string {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(v)) {
    const bytes = Buffer.from(v, 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return 'must be 32 bytes as 64 hex digits or base64 (generate one with `openssl rand -hex 32`)';
}

/**
 * Parses `id:secret` entries (comma- or line-separated; blank lines and `#` comments skipped) into a
 * keyring whose last entry encrypts. Throws one error naming `where` and every bad entry.
 */
export function parsePayloadKeys(source: string, where: string): PayloadKeyring {
  // Comments first (a `#` to the end of the line: a comment may hold commas), then the entries.
  const entries = source
    .split('\n')
    .flatMap((line) => line.replace(/#.*$/, '').split(','))
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const problems: string[] = [];
  const decrypting = new Map<string, Buffer>();
  let last: PayloadKey | undefined;
  for (const [i, entry] of entries.entries()) {
    const at = entry.indexOf(':');
    const id = at < 0 ? '' : entry.slice(0, at).trim();
    if (!PAYLOAD_KEY_ID.test(id)) {
      problems.push(`entry ${i + 1}: write id:secret, the id 1 to 32 letters, digits, ".", "_" or "-"`);
      continue;
    }
    const secret = parsePayloadSecret(entry.slice(at + 1));
    if (typeof secret === 'string') problems.push(`entry ${i + 1} (${id}): the secret ${secret}`);
    else if (decrypting.has(id)) problems.push(`entry ${i + 1} (${id}): the id is listed twice; give the new key a new id`);
    else {
      decrypting.set(id, secret);
      last = { id, secret };
    }
  }
  if (!last && problems.length === 0) problems.push('no key: list at least one id:secret (the last one encrypts)');
  if (problems.length > 0 || !last) throw new Error(`${where}: ${problems.join('; ')}`);
  return { encrypting: last, decrypting };
}

/** Seals `plain` under `key`; the key id is authenticated with it. */
function seal(key: PayloadKey, plain: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.secret, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(utf8(key.id));
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function open(keyId: string, secret: Buffer, sealed: Uint8Array): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new ValueError(`encrypted payload (key ${keyId}) is ${sealed.length} bytes: too short to be one this codec sealed`);
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', secret, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(utf8(keyId));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new ValueError(`encrypted payload does not authenticate under key ${keyId}: it was altered, or the key with that id is not the one that sealed it`);
  }
}

/** The AES-256-GCM codec over a keyring (see the file header). */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeyring) {}

  /** The id of the key new payloads are sealed with. */
  get keyId(): string {
    return this.keys.encrypting.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: utf8(this.keys.encrypting.id),
      },
      data: seal(this.keys.encrypting, temporal.api.common.v1.Payload.encode(payload).finish()),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
      if (!keyId) throw new ValueError(`encrypted payload has no "${KEY_ID_METADATA}" metadata: it cannot say which key sealed it`);
      const secret = this.keys.decrypting.get(keyId);
      if (!secret) {
        throw new ValueError(`encrypted payload was sealed with key "${keyId}", which this process does not have: add it to MASAR_PAYLOAD_KEYS or the MASAR_PAYLOAD_KEY_FILE (retired keys stay listed for decryption)`);
      }
      const decoded = temporal.api.common.v1.Payload.decode(open(keyId, secret, payload.data ?? new Uint8Array()));
      return { metadata: decoded.metadata, data: decoded.data };
    });
  }
}
