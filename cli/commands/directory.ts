/**
 * `masar directory`: loads territorial units and members into the directory (seed, or import of a
 * CSV file of units or of members), and manages the members of a unit and their roles.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseCsv } from '../../db/csv';
import { CsvHeaderError, importUnitsCsv, type ImportReport } from '../../db/directory-import';
import { importMembersCsv, isMembersHeader } from '../../db/member-import';
import { addMember, listUnitMembers, MemberError, MemberFields, MemberPatch, removeMember, updateMember } from '../../db/members';
import { migrate } from '../../db/migrate';
import { createDb, type Db } from '../../db/pool';
import { seedDirectory } from '../../db/seed/seed-directory';
import { parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';

const usage = `usage: masar directory import <file.csv> [--dry-run]
       masar directory seed
       masar directory member list <unit>
       masar directory member add <unit> <id> --name <name> --email <address> --language fr|ar --role <role> [--role <role>...] [--phone <phone>]
       masar directory member update <unit> <id> [--name ...] [--email ...] [--language ...] [--role <role>...] [--phone ...]
       masar directory member remove <unit> <id>

  import     adds or updates the units of a CSV file (HCP format: code,name_fr,name_ar,type and
             region_code, province_code or parent_code), or the members of a CSV file
             (id,unit,name,email,language,roles; roles separated by ";"), told apart by the header;
             see docs/directory.md; prints what changed and every rejected line with its reasons;
             exits 1 when a line was rejected
  --dry-run  checks and counts, writes nothing
  seed       loads the ministry, the 12 regions, the prefectures and provinces, demo communes and
             demo members (idempotent)
  member     lists, adds, updates (--role replaces the roles) or removes the members of a unit;
             a role must be built in (agent, supervisor, admin) or declared by a published
             procedure; exits 1 when refused, saying why

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
    // A members file is told apart from a units file by its header.
    const members = isMembersHeader(parseCsv(text)[0]?.fields ?? []);
    try {
      report = members ? await importMembersCsv(db, text, { dryRun }) : await importUnitsCsv(db, text, { dryRun });
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

const MEMBER_OPTIONS = {
  name: { type: 'string' },
  email: { type: 'string' },
  language: { type: 'string' },
  role: { type: 'string', multiple: true },
  phone: { type: 'string' },
} as const;

function printMember(io: CommandIO, m: { id: string; name: string; email: string; language: string; roles: string[]; unit: string }): void {
  io.out(`${m.id}\t${m.name}\t${m.email}\t${m.language}\t${m.roles.join(',')}`);
}

/** Runs a member operation; a refusal is printed with its reason and exits 1. */
async function refused(io: CommandIO, what: string, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof MemberError)) throw err;
    io.err(`masar directory member ${what}: ${err.field}: ${err.message}`);
    return 1;
  }
}

function invalid(io: CommandIO, what: string, issues: { path: PropertyKey[]; message: string }[]): number {
  for (const i of issues) io.err(`masar directory member ${what}: ${i.path.map(String).join('.') || 'input'}: ${i.message}`);
  return 1;
}

async function runMember(args: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !['list', 'add', 'update', 'remove'].includes(sub)) {
    throw new UsageError(sub ? `unknown member sub-command "${sub}" (list, add, update or remove)` : 'member: missing a sub-command (list, add, update or remove)');
  }
  const { values, positionals } = parseCommandArgs(rest, MEMBER_OPTIONS, { name: 'the unit code and, but for list, the member id', min: 1, max: 2 });
  const [unit, id] = positionals;
  if (!unit) throw new UsageError(`member ${sub}: missing the unit code`);
  const given = { ...values, ...(values.role ? { roles: values.role } : {}) };
  delete (given as { role?: unknown }).role;
  switch (sub) {
    case 'list':
      if (id) throw new UsageError('member list takes only the unit code');
      return withDb(io, (db) =>
        refused(io, 'list', async () => {
          const members = await listUnitMembers(db, unit);
          for (const m of members) printMember(io, m);
          if (members.length === 0) io.out(`no member at unit ${unit}`);
          return 0;
        }),
      );
    case 'add': {
      if (!id) throw new UsageError('member add: missing the member id');
      const parsed = MemberFields.safeParse({ id, ...given });
      if (!parsed.success) return invalid(io, 'add', parsed.error.issues);
      return withDb(io, (db) =>
        refused(io, 'add', async () => {
          printMember(io, await addMember(db, unit, parsed.data));
          return 0;
        }),
      );
    }
    case 'update': {
      if (!id) throw new UsageError('member update: missing the member id');
      const parsed = MemberPatch.safeParse(given);
      if (!parsed.success) return invalid(io, 'update', parsed.error.issues);
      if (Object.keys(parsed.data).length === 0) throw new UsageError('member update: give at least one of --name, --email, --language, --role, --phone');
      return withDb(io, (db) =>
        refused(io, 'update', async () => {
          printMember(io, await updateMember(db, unit, id, parsed.data));
          return 0;
        }),
      );
    }
    case 'remove':
      if (!id) throw new UsageError('member remove: missing the member id');
      if (Object.keys(values).length > 0) throw new UsageError('member remove takes no option');
      return withDb(io, (db) =>
        refused(io, 'remove', async () => {
          const m = await removeMember(db, unit, id);
          io.out(`removed ${m.id} (${m.name}) from unit ${unit}`);
          return 0;
        }),
      );
    default:
      throw new UsageError(sub ? `unknown member sub-command "${sub}" (list, add, update or remove)` : 'member: missing a sub-command (list, add, update or remove)');
  }
}

export const directoryCommand: Command = {
  name: 'directory',
  summary: 'seed the territorial directory, import units or members from a CSV file, manage members and roles',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'import':
        return runImport(rest, io);
      case 'seed':
        return runSeed(rest, io);
      case 'member':
        return runMember(rest, io);
      default:
        throw new UsageError(sub ? `unknown sub-command "${sub}" (import, seed or member)` : 'missing a sub-command (import, seed or member)');
    }
  },
};
