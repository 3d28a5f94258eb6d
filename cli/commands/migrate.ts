/** `masar migrate`: applies pending database migrations (DATABASE_URL). */
import { migrate } from '../../db/migrate';
import { createDb } from '../../db/pool';
import { parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';

const usage = `usage: masar migrate

Applies the pending migrations of db/migrations to the database named by DATABASE_URL
(postgres://user:password@host:5432/database), each in its own transaction. Safe to run twice
and from several processes at once (an advisory lock serialises them).`;

async function run(args: string[], io: CommandIO): Promise<number> {
  parseCommandArgs(args, {});
  const url = io.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) throw new UsageError('DATABASE_URL must be set to a postgres:// URL');
  const db = createDb({ url, max: 1 });
  try {
    const applied = await migrate(db, { log: (line) => io.out(line) });
    io.out(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
    return 0;
  } catch (err) {
    io.err(`masar migrate: ${(err as Error).message}`);
    return 1;
  } finally {
    await db.end();
  }
}

export const migrateCommand: Command = { name: 'migrate', summary: 'apply pending database migrations', usage, run };
