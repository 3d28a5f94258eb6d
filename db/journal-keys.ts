/**
 * The keys that sign the journal. The hash chain alone shows an edit only to someone who does not
 * recompute it; anyone with write access to the database can. Each entry and each case's head
 * checkpoint therefore carries an HMAC-SHA256 under a key the database never sees: recomputing the
 * chain after an edit, or moving the head back after deleting the last entries, needs the key.
 *
 * Keys rotate: the worker signs with `MASAR_JOURNAL_KEY` under `MASAR_JOURNAL_KEY_ID`; verification
 * also accepts the retired keys listed in `MASAR_JOURNAL_PREVIOUS_KEYS` (`id:secret,id:secret`), so
 * entries signed before a rotation still verify. See docs/operations.md.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** One signing key: its id is stored beside every signature it made. */
export interface JournalKey {
  id: string;
  secret: Buffer;
}

/** What signs new entries (absent: entries are written unsigned) and what verifies old ones. */
export interface JournalKeyring {
  signing?: JournalKey;
  /** Every key verification accepts, by id; includes the signing key. */
  verifying: ReadonlyMap<string, Buffer>;
}

/** No key at all: the chain and the checkpoints' sequence are checked, signatures are not. */
export const NO_JOURNAL_KEYS: JournalKeyring = { verifying: new Map() };

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;
const SECRET_HINT = 'at least 32 characters (generate one with `openssl rand -hex 32`)';

/**
 * The settings, as a zod shape every process's configuration spreads in (API, worker, CLI), so they
 * all read the same variables the same way.
 */
export const JournalKeyEnv = {
  /** Signs new journal entries and checkpoints (HMAC-SHA256). */
  MASAR_JOURNAL_KEY: z.string().min(32, `must be ${SECRET_HINT}`).optional(),
  /** Stored beside each signature; change it with the key when rotating. */
  MASAR_JOURNAL_KEY_ID: z.string().regex(KEY_ID, 'must be 1 to 32 letters, digits, ".", "_" or "-"').default('k1'),
  /** Retired keys still accepted when verifying: `id:secret,id:secret`. */
  MASAR_JOURNAL_PREVIOUS_KEYS: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      for (const [i, part] of (text ? text.split(',') : []).entries()) {
        const [id, secret] = splitKey(part);
        if (!KEY_ID.test(id)) ctx.addIssue({ code: 'custom', message: `entry ${i + 1}: key id "${id}" must be 1 to 32 letters, digits, ".", "_" or "-" (write id:secret)` });
        else if (secret.length < 32) ctx.addIssue({ code: 'custom', message: `entry ${i + 1} (${id}): secret must be ${SECRET_HINT}` });
      }
    }),
};

function splitKey(part: string): [string, string] {
  const at = part.indexOf(':');
  return at < 0 ? [part.trim(), ''] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
}

/** The keyring from parsed settings (see `JournalKeyEnv`). */
export function journalKeyring(settings: { MASAR_JOURNAL_KEY?: string | undefined; MASAR_JOURNAL_KEY_ID: string; MASAR_JOURNAL_PREVIOUS_KEYS?: string | undefined }): JournalKeyring {
  const verifying = new Map<string, Buffer>();
  for (const part of settings.MASAR_JOURNAL_PREVIOUS_KEYS ? settings.MASAR_JOURNAL_PREVIOUS_KEYS.split(',') : []) {
    const [id, secret] = splitKey(part);
    verifying.set(id, Buffer.from(secret, 'utf8'));
  }
  if (!settings.MASAR_JOURNAL_KEY) return { verifying };
  const signing = { id: settings.MASAR_JOURNAL_KEY_ID, secret: Buffer.from(settings.MASAR_JOURNAL_KEY, 'utf8') };
  verifying.set(signing.id, signing.secret);
  return { signing, verifying };
}

/** The signature of one entry: binds the case, its place in the chain and its chained hash. */
export function entryMac(secret: Buffer, caseId: string, sequence: number, hash: string): string {
  return createHmac('sha256', secret).update(`masar-journal-entry\n${caseId}\n${sequence}\n${hash}`).digest('hex');
}

/** The signature of a case's head: its last sequence and that entry's hash (truncation shows). */
export function checkpointMac(secret: Buffer, caseId: string, sequence: number, headHash: string): string {
  return createHmac('sha256', secret).update(`masar-journal-head\n${caseId}\n${sequence}\n${headHash}`).digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
