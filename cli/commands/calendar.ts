/**
 * `masar calendar`: records an announced religious holiday or an exceptional closure in the
 * working-day calendar file (version + 1), stores it in the `calendars` table when DATABASE_URL is
 * set, and tells running cases to recompute their due dates when Temporal is reachable.
 */
import path from 'node:path';
import { Client } from '@temporalio/client';
import { signalCases } from '../../activities/calendar-broadcast';
import { runCalendarPass } from '../../activities/calendar-pass';
import { loadTemporalConfig } from '../../config/env';
import { connectTemporal, payloadCodec, temporalDataConverter } from '../../config/temporal';
import { createDbCalendarSource, currentCalendar, saveCalendar } from '../../db/calendars';
import { createDb, type Db } from '../../db/pool';
import { daysOffInYear, describeNonWorkingDay, type Calendar } from '../../definitions/calendar';
import { CALENDARS_DIR, DEFAULT_CALENDAR_ID, loadCalendarFile, writeCalendarFile } from '../../definitions/calendar-file';
import { CALENDAR_ID, CalendarError, ClosureCause, HolidayStatus } from '../../definitions/calendar-schema';
import { createDirectory } from '../../db/directory';
import { weekdayOf } from '../../definitions/local-time';
import { applyCalendarChange, type CalendarChange } from '../../usecases/calendar';
import type { Command, CommandIO } from '../command';
import { parseCommandArgs } from '../args';
import { UsageError } from '../command';

const usage = `usage: masar calendar set-holiday --holiday <key> --hijri-year <year> --start <YYYY-MM-DD> [--status official|provisional] [--source <text>]
       masar calendar add-closure --date <YYYY-MM-DD> [--until <YYYY-MM-DD>] --name-fr <text> --name-ar <text>
                                  [--cause holiday|force_majeure] [--units <code>,<code>...] [--source <text>]
       masar calendar show [--year <YYYY>]
       masar calendar broadcast [--from <YYYY-MM-DD>]
  common: [--calendar <id>] (default ${DEFAULT_CALENDAR_ID}) [--file <path>] (default definitions/calendars/<id>.yaml)

  set-holiday  records the announced first day of a religious holiday (eid_al_fitr, eid_al_adha,
               islamic_new_year, mawlid) for a Hijri year; official unless --status provisional
  add-closure  records a closure: an exceptional day off decided by the Head of Government
               (--cause holiday, the default) or force majeure, national or limited to --units
               (a province, a region, a commune: their cases and those of the units below them)
  show         the days off of a year (default: this year) with their reasons, and the recorded dates
  broadcast    moves the due dates of running cases due on or after --from (the calendar pass) and
               signals the few whose deadline came earlier

  Each change writes the file with version + 1. With DATABASE_URL set, the change is also stored in
  the calendars table (the stored copy is what workers use), and with TEMPORAL_ADDRESS set too,
  running cases reach the change at once: their due dates move in the read model, the notices are
  queued for the workers to send, and only a case whose deadline came earlier is signalled
  (otherwise the command says how many wait for a broadcast).`;

const COMMON = {
  calendar: { type: 'string', default: DEFAULT_CALENDAR_ID },
  file: { type: 'string' },
} as const;

type Values = Record<string, string | undefined>;

/** Parses `--name value` options (all strings), plus --calendar and --file. */
function parse(args: string[], names: readonly string[]): { values: Values } {
  const options = Object.fromEntries(names.map((n) => [n, { type: 'string' as const }]));
  // Every option is declared `type: 'string'`, so every value is a string.
  return { values: parseCommandArgs(args, { ...COMMON, ...options }).values as Values };
}

function calendarFile(io: CommandIO, values: Values): { id: string; file: string } {
  const id = String(values.calendar ?? DEFAULT_CALENDAR_ID);
  if (!CALENDAR_ID.test(id)) throw new UsageError(`--calendar "${id}": not a calendar id (kebab-case, e.g. ${DEFAULT_CALENDAR_ID})`);
  const file = typeof values.file === 'string' ? path.resolve(io.cwd, values.file) : path.join(CALENDARS_DIR, `${id}.yaml`);
  return { id, file };
}

function required(values: Values, name: string, example: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required (e.g. --${name} ${example})`);
  return value;
}

/** A path as the user wrote it relative to the working directory, absolute when outside it. */
function shown(io: CommandIO, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

async function withDb<T>(url: string, work: (db: Db) => Promise<T>): Promise<T> {
  const db = createDb({ url, max: 2 });
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/** Tells running cases, or says how many wait and how to tell them. */
async function reachCases(io: CommandIO, db: Db, calendar: Calendar, from: string, units?: readonly string[]): Promise<void> {
  const address = io.env.TEMPORAL_ADDRESS;
  if (!address) {
    const { rows } = await db.query<{ n: string }>(
      `WITH RECURSIVE scope AS (
         SELECT code, 0 AS depth FROM units WHERE code = ANY ($2::text[])
         UNION ALL
         SELECT u.code, scope.depth + 1 FROM units u JOIN scope ON u.parent_code = scope.code WHERE scope.depth < 8
       )
       SELECT count(DISTINCT k.case_id) AS n FROM case_clocks k JOIN cases c USING (case_id)
        WHERE k.status = 'running' AND c.status = 'open' AND k.due_date >= $1::date
          AND ($2::text[] IS NULL OR c.unit_code IN (SELECT code FROM scope))`,
      [from, units ? [...units] : null],
    );
    const n = Number(rows[0]?.n ?? 0);
    io.out(`${n} running case${n === 1 ? '' : 's'} to recompute: run \`masar calendar broadcast --calendar ${calendar.id} --from ${from}\` with TEMPORAL_ADDRESS set`);
    return;
  }
  // The same configuration and connection as the API's and the worker's (TLS, mTLS, API key).
  let config;
  try {
    config = loadTemporalConfig(io.env);
  } catch (err) {
    for (const line of (err as Error).message.split('\n')) io.err(`masar calendar: ${line}`);
    io.err(`masar calendar: the change is stored; fix the settings, then run \`masar calendar broadcast --calendar ${calendar.id} --from ${from}\``);
    return;
  }
  // The worker's payload keys: the signal's payload is sealed like every other.
  const dataConverter = temporalDataConverter(payloadCodec(config));
  const connection = await connectTemporal(config);
  try {
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
    // What the API's calendarChange workflow runs: the read model moves in bulk, few cases are signalled.
    const pass = await runCalendarPass({
      db,
      calendars: createDbCalendarSource(db),
      calendarId: calendar.id,
      version: calendar.version,
      from,
      ...(units ? { units } : {}),
      onProgress: (r) => io.err(`  ${r.cases} case(s) looked at, ${r.moved} due date(s) moved`),
    });
    const report = await signalCases(client, [...new Set([...pass.earlier, ...pass.unplanned])], { calendarId: calendar.id, version: calendar.version });
    io.out(
      `moved ${pass.moved} due date${pass.moved === 1 ? '' : 's'} of ${pass.cases} running case${pass.cases === 1 ? '' : 's'} (calendar v${calendar.version}), ${pass.notices} notice(s) queued; ` +
        `signalled ${report.signalled} (earlier deadline or older projection); ${report.skipped} already closed; ${report.failed.length} failed`,
    );
    for (const f of report.failed) io.err(`  ${f.caseId}: ${f.error}`);
  } finally {
    await connection.close();
  }
}

/** Applies `change` to the calendar in force, writes the file, stores it and reaches running cases. */
async function record(io: CommandIO, ids: { id: string; file: string }, change: CalendarChange): Promise<number> {
  let fromFile: Calendar;
  try {
    fromFile = loadCalendarFile(ids.file);
  } catch (err) {
    if (!(err instanceof CalendarError)) throw err;
    for (const line of err.issues) io.err(`masar calendar: ${line}`);
    return 2;
  }
  // The same rule as the API's: the next version, and the first date whose deadlines it may move.
  const apply = (base: Calendar): { next: Calendar; from: string } | undefined => {
    try {
      return applyCalendarChange(base, change);
    } catch (err) {
      io.err(`masar calendar: ${(err as Error).message}`);
      return undefined;
    }
  };
  const url = io.env.DATABASE_URL;
  if (!url) {
    const next = apply(fromFile)?.next;
    if (!next) return 1;
    writeCalendarFile(ids.file, next);
    io.out(`${shown(io, ids.file)}: ${ids.id} version ${fromFile.version} -> ${next.version}`);
    io.out('DATABASE_URL is not set: workers reading the calendars table do not see this change until it is stored there (set DATABASE_URL and run again, or record it through the API)');
    return 0;
  }
  return withDb(url, async (db) => {
    if (change.kind === 'closure' && change.units) {
      const directory = createDirectory(db);
      for (const code of change.units) {
        if (!(await directory.getUnit(code))) {
          io.err(`masar calendar: --units: unit "${code}" is not in the directory (give the code of a province, prefecture, region or commune, e.g. 01.511)`);
          return 1;
        }
      }
    }
    // The stored copy wins over the file when it is ahead (changes recorded through the API).
    const stored = await currentCalendar(db, ids.id);
    const base = stored && stored.version >= fromFile.version ? stored : fromFile;
    const applied = apply(base);
    if (!applied) return 1;
    const { next, from } = applied;
    if (!(await saveCalendar(db, next, stored?.version ?? base.version))) {
      io.err(`masar calendar: calendar ${ids.id} changed in the database while recording (past version ${stored?.version ?? base.version}); run the command again`);
      return 1;
    }
    writeCalendarFile(ids.file, next);
    io.out(`${shown(io, ids.file)}: ${ids.id} version ${base.version} -> ${next.version}, stored in the calendars table`);
    await reachCases(io, db, next, from, change.kind === 'closure' ? change.units : undefined);
    return 0;
  });
}

async function setHoliday(args: string[], io: CommandIO): Promise<number> {
  const { values } = parse(args, ['holiday', 'hijri-year', 'start', 'status', 'source']);
  const holiday = required(values, 'holiday', 'eid_al_fitr');
  const hijriText = required(values, 'hijri-year', '1448');
  const start = required(values, 'start', '2027-03-10');
  const hijriYear = Number(hijriText);
  if (!Number.isInteger(hijriYear)) throw new UsageError(`--hijri-year "${hijriText}": must be a whole year (e.g. 1448)`);
  const status = values.status === undefined ? undefined : HolidayStatus.safeParse(values.status);
  if (status && !status.success) throw new UsageError(`--status "${String(values.status)}": must be official or provisional`);
  return record(io, calendarFile(io, values), {
    kind: 'religious',
    holiday,
    hijriYear,
    start,
    ...(status?.data ? { status: status.data } : {}),
    ...(typeof values.source === 'string' ? { source: values.source } : {}),
  });
}

async function addClosure(args: string[], io: CommandIO): Promise<number> {
  const { values } = parse(args, ['date', 'until', 'name-fr', 'name-ar', 'cause', 'units', 'source']);
  const date = required(values, 'date', '2027-03-15');
  const fr = required(values, 'name-fr', '"Jour de congé exceptionnel"');
  const ar = required(values, 'name-ar', '"عطلة استثنائية"');
  const cause = values.cause === undefined ? undefined : ClosureCause.safeParse(values.cause);
  if (cause && !cause.success) throw new UsageError(`--cause "${String(values.cause)}": must be holiday or force_majeure`);
  const units = values.units === undefined ? undefined : values.units.split(',').map((u) => u.trim()).filter(Boolean);
  if (units && units.length === 0) throw new UsageError('--units is empty: give unit codes separated by commas (e.g. --units 01.511,01.571)');
  return record(io, calendarFile(io, values), {
    kind: 'closure',
    date,
    name: { fr, ar },
    ...(typeof values.until === 'string' ? { until: values.until } : {}),
    ...(cause?.data ? { cause: cause.data } : {}),
    ...(units ? { units } : {}),
    ...(typeof values.source === 'string' ? { source: values.source } : {}),
  });
}

async function show(args: string[], io: CommandIO): Promise<number> {
  const { values } = parse(args, ['year']);
  const ids = calendarFile(io, values);
  const year = values.year === undefined ? new Date().getUTCFullYear() : Number(values.year);
  if (!Number.isInteger(year) || year < 1900 || year > 2200) throw new UsageError(`--year "${String(values.year)}": must be a year such as 2027`);
  let calendar: Calendar;
  try {
    calendar = loadCalendarFile(ids.file);
    if (io.env.DATABASE_URL) {
      const stored = await withDb(io.env.DATABASE_URL, (db) => currentCalendar(db, ids.id));
      if (stored && stored.version >= calendar.version) calendar = stored;
    }
  } catch (err) {
    if (!(err instanceof CalendarError)) throw err;
    for (const line of err.issues) io.err(`masar calendar: ${line}`);
    return 2;
  }
  io.out(`calendar ${calendar.id} version ${calendar.version} (${calendar.timeZone}), weekend: ${calendar.weekend.join(', ')}`);
  io.out(`days off in ${year}:`);
  for (const { date, reason } of daysOffInYear(calendar, year)) io.out(`  ${date} ${weekdayOf(date).padEnd(9)} ${describeNonWorkingDay(reason)}`);
  return 0;
}

async function broadcast(args: string[], io: CommandIO): Promise<number> {
  const { values } = parse(args, ['from']);
  const ids = calendarFile(io, values);
  if (!io.env.DATABASE_URL) throw new UsageError('broadcast needs DATABASE_URL (the read model finds the running cases) and TEMPORAL_ADDRESS');
  if (!io.env.TEMPORAL_ADDRESS) throw new UsageError('broadcast needs TEMPORAL_ADDRESS (e.g. localhost:7233) to signal the cases');
  return withDb(io.env.DATABASE_URL, async (db) => {
    const calendar = await currentCalendar(db, ids.id);
    if (!calendar) {
      io.err(`masar calendar: no calendar ${ids.id} in the calendars table nor in definitions/calendars/`);
      return 1;
    }
    await reachCases(io, db, calendar, typeof values.from === 'string' ? values.from : '1900-01-01');
    return 0;
  });
}

const SUBCOMMANDS: Record<string, (args: string[], io: CommandIO) => Promise<number>> = {
  'set-holiday': setHoliday,
  'add-closure': addClosure,
  show,
  broadcast,
};

export const calendarCommand: Command = {
  name: 'calendar',
  summary: 'record announced holidays and closures, show the days off of a year',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    const handler = sub ? SUBCOMMANDS[sub] : undefined;
    if (!handler) throw new UsageError(sub ? `unknown sub-command "${sub}" (set-holiday, add-closure, show, broadcast)` : 'name a sub-command: set-holiday, add-closure, show or broadcast');
    return handler(rest, io);
  },
};
