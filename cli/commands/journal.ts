/** `masar journal verify`: checks that the journal still proves itself (chain, signatures, checkpoints). */
import { z } from 'zod';
import { journalKeyring, JournalKeyEnv } from '../../db/journal-keys';
import { verifyJournal, verifyJournals, type JournalVerdict } from '../../db/journal-verify';
import { createDb } from '../../db/pool';
import { parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';

const usage = `usage: masar journal verify [--case <id>]

Recomputes the hash chain of every case's journal (or one case's), checks each entry's signature and
the case's head checkpoint, and prints, for each broken case, its first entry that does not hold and
why: missing (deleted), edited, rechained (edited and re-hashed without the key), truncated (the last
entries deleted), unsigned, unknown-key, checkpoint. Exits 1 when a case is broken.

  --case  verify this case only

  DATABASE_URL                 the PostgreSQL database (postgres://user:password@host:5432/name)
  MASAR_JOURNAL_KEY            the worker's signing key; without it signatures are not checked
  MASAR_JOURNAL_KEY_ID         its id (default k1)
  MASAR_JOURNAL_PREVIOUS_KEYS  retired keys still accepted: id:secret,id:secret`;

const Env = z.object({
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is not set (export DATABASE_URL=postgres://user:password@host:5432/masar)' })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL (e.g. postgres://user:password@host:5432/masar)'),
  ...JournalKeyEnv,
});

/** Cases verified per query page. */
const PAGE = 500;

function brokenLine(v: Extract<JournalVerdict, { ok: false }>): string {
  return `case ${v.caseId}: entry ${v.brokenAt}: ${v.problem}: ${v.reason}`;
}

async function verify(args: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(args, { case: { type: 'string' } });
  if (values.case !== undefined && !/^[A-Za-z0-9-]{1,100}$/.test(values.case)) throw new UsageError(`--case "${values.case}": not a case id (letters, digits and "-")`);
  const env = Env.safeParse(io.env);
  if (!env.success) throw new UsageError(env.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('\n'));
  const keyring = journalKeyring(env.data);
  if (keyring.verifying.size === 0) io.err('masar journal: no MASAR_JOURNAL_KEY: checking the chain and the checkpoints only, not the signatures (a re-hashed edit would pass)');
  const db = createDb({ url: env.data.DATABASE_URL, max: 1 });
  try {
    let checked = 0;
    let broken = 0;
    if (values.case) {
      const verdict = await verifyJournal(db, values.case, keyring);
      checked = 1;
      if (!verdict.ok) {
        broken = 1;
        io.out(brokenLine(verdict));
      } else if (verdict.entries === 0) {
        io.err(`masar journal: case ${values.case} has no journal entries (is the id right?)`);
      }
    } else {
      let after: string | undefined;
      do {
        const page = await verifyJournals(db, { ...(after ? { after } : {}), limit: PAGE, keyring });
        checked += page.checked;
        broken += page.broken.length;
        for (const v of page.broken) io.out(brokenLine(v));
        after = page.next;
      } while (after);
    }
    io.out(`journal: ${checked} case(s) checked, ${checked - broken} intact, ${broken} broken${keyring.verifying.size > 0 ? '' : ' (signatures not checked)'}`);
    return broken > 0 ? 1 : 0;
  } catch (err) {
    io.err(`masar journal: ${(err as Error).message}`);
    return 1;
  } finally {
    await db.end();
  }
}

async function run(args: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'verify') return verify(rest, io);
  throw new UsageError(sub ? `unknown journal command "${sub}" (did you mean "verify"?)` : 'missing command: verify');
}

export const journalCommand: Command = { name: 'journal', summary: 'verify the journal (hash chain, signatures, checkpoints)', usage, run };
