/** `masar directory`: loads territorial units into the directory (seed, or import of an HCP-style CSV). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CsvHeaderError, importUnitsCsv, type ImportReport } from '../../db/directory-import';
import { migrate } from '../../db/migrate';
import { createDb, type Db } from '../../db/pool';
import { seedDirectory } from '../../db/seed/seed-directory';
import { parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';

const usage = `usage: masar directory import <file.csv> [--dry-run]
       masar directory seed

  import     adds or updates the units of a CSV file (HCP format: code,name_fr,name_ar,type and
             region_code, province_code or parent_code; see docs/directory.md); prints what changed and
             every rejected line with its reasons; exits 1 when a line was rejected
  --dry-run  checks and counts, writes nothing
  seed       loads the ministry, the 12 regions, the prefectures and provinces, demo communes and
             demo members (idempotent)

  DATABASE_URL  the PostgreSQL database (postgres://user:password@host:5432/name); migrated first`;

const Env = z.object({
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is not set (export DATABASE_URL=postgres://user:password@host:5432/masar)' })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL (e.g. postgres://user:password@host:5432/masar)'),
});

function printReport(io: CommandIO, file: string, report: ImportReport, dryRun: boolean): void {
  const head = dryRun ? `directory import ${file} (dry run, nothing written)` : `directory import ${file}`;
  io.out(`${head}: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected.length} rejected`);
  for (const row of report.rejected) {
    for (const error of row.errors) io.out(`${file}:${row.line}: ${row.code || '(no code)'}: ${error}`);
  }
}

async function withDb<T>(io: CommandIO, work: (db: Db) => Promise<T>): Promise<T> {
  const env = Env.safeParse(io.env);
  if (!env.success) throw new UsageError(env.error.issues.map((i) => i.message).join('; '));
  const db = createDb({ url: env.data.DATABASE_URL, max: 2, statementTimeoutMs: 120_000 });
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.end();
  }
}

async function runImport(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { 'dry-run': { type: 'boolean', default: false } }, { name: 'the CSV file to import (one at a time)', min: 1 });
  const file = positionals[0] as string;
  let text: string;
  try {
    // Invalid UTF-8 decodes to U+FFFD, which the import reports on the line where it occurs.
    text = readFileSync(path.resolve(io.cwd, file), 'utf8');
  } catch (err) {
    io.err(`masar directory import: cannot read ${file}: ${(err as Error).message}`);
    return 1;
  }
  const dryRun = values['dry-run'] === true;
  return withDb(io, async (db) => {
    let report: ImportReport;
    try {
      report = await importUnitsCsv(db, text, { dryRun });
    } catch (err) {
      if (!(err instanceof CsvHeaderError)) throw err;
      io.err(`masar directory import: ${file}:${err.line}: ${err.message}`);
      return 1;
    }
    printReport(io, file, report, dryRun);
    return report.rejected.length > 0 ? 1 : 0;
  });
}

async function runSeed(args: string[], io: CommandIO): Promise<number> {
  parseCommandArgs(args, {});
  return withDb(io, async (db) => {
    const report = await seedDirectory(db);
    const { added, updated, unchanged } = report.units;
    io.out(`directory seed: units ${added} added, ${updated} updated, ${unchanged} unchanged; ${report.members} demo members`);
    return 0;
  });
}

export const directoryCommand: Command = {
  name: 'directory',
  summary: 'seed the territorial directory or import units from a CSV file',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'import':
        return runImport(rest, io);
      case 'seed':
        return runSeed(rest, io);
      default:
        throw new UsageError(sub ? `unknown sub-command "${sub}" (import or seed)` : 'missing a sub-command (import or seed)');
    }
  },
};
