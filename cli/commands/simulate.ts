/**
 * `masar simulate <file.yaml | procedure id> [--script s.yaml] [--wait P30D] [--from instant]
 * [--unit code] [--calendar id|path] [--json]`: files one case on Temporal's time-skipping test
 * server, plays the script (or lets nobody act), and prints what happened with real dates.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CALENDAR_ID, loadCalendar } from '../../definitions/calendar-file';
import { CalendarError } from '../../definitions/calendar-schema';
import { DurationSpec } from '../../definitions/schema';
import { ensureTemporalToolchain } from '../../worker/temporal-toolchain';
import { parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';
import { loadCompiledProcedure } from '../simulate/procedure-source';
import { DEFAULT_TIME_LIMIT_MS, simulate, SimulationError, SimulationInterrupted } from '../simulate/run';
import { isLocalDateText, parseScript, ScriptError, type Script } from '../simulate/script';
import { formatTimeline } from '../simulate/timeline';
import { DEFAULT_UNIT, resolveUnit, seedUnits, unitName } from '../simulate/units';
import { atLocalTime } from '../../definitions/local-time';
import { ROOT_DIR } from './validate';

const usage = `usage: masar simulate <file.yaml | procedure id> [options]

Files one case and plays it on Temporal's time-skipping test server (real workflow, real calendar
arithmetic, messages recorded instead of sent), then prints the timeline in local time.

  --script <file>     steps to play (YAML): - act: { action, as: agent|applicant|supervisor, input, comment }
                      - wait: P30D | "10 working days"    - until: 2027-04-01 (09:00 local) or an ISO instant
                      optional top-level data: {...} (the applicant's input) and services: { name: outcome }
  --wait <duration>   nobody acts for this long, then print where the case stands ("what if nobody acts for 30 days")
  --from <when>       filing instant: ISO with zone, or a date (10:00 local); default now. Not in the past.
  --unit <code>       unit the case is filed at (default ${DEFAULT_UNIT}, Tanger); its province and region come from the seed directory
  --calendar <ref>    calendar id or .yaml path (default ${DEFAULT_CALENDAR_ID})
  --time-limit <s>    seconds of real time the run may take, server start included (default ${DEFAULT_TIME_LIMIT_MS / 1000});
                      past it the server is stopped and the command fails saying where it was stuck
  --json              print the journal, messages and final view as JSON instead of the timeline

Without --script or --wait nobody acts: time runs until the case is decided, its escalation reaches
the top of the hierarchy, or two years pass.`;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseFrom(value: string, zone: string): Date {
  if (isLocalDateText(value)) return atLocalTime(value, zone, 10);
  if (!INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UsageError(`--from "${value}": write a date (2027-02-22, filed at 10:00 local) or an ISO instant with its zone (2027-02-22T10:00:00+01:00)`);
  }
  return new Date(value);
}

async function run(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      script: { type: 'string' },
      wait: { type: 'string' },
      from: { type: 'string' },
      unit: { type: 'string', default: DEFAULT_UNIT },
      calendar: { type: 'string', default: DEFAULT_CALENDAR_ID },
      json: { type: 'boolean', default: false },
      'time-limit': { type: 'string' },
    },
    { name: 'one procedure file (or shipped procedure id)', min: 1 },
  );
  if (values.script && values.wait) throw new UsageError('give --script or --wait, not both (add a wait step to the script)');
  if (values.wait && !DurationSpec.safeParse(values.wait).success) {
    throw new UsageError(`--wait "${values.wait}": write an ISO 8601 duration (P30D, PT2H) or "N working days" / "N days"`);
  }

  const limit = values['time-limit'];
  if (limit !== undefined && !/^[1-9]\d{0,5}$/.test(limit)) throw new UsageError(`--time-limit "${limit}": write a whole number of seconds, e.g. 300`);

  const source = await loadCompiledProcedure(positionals[0] as string, io.cwd);
  if (!source.ok) {
    for (const line of source.errors) io.err(line);
    io.err('the procedure is not valid: fix it first (masar validate <file>)');
    return 1;
  }
  let calendar;
  try {
    const ref = values.calendar.includes('/') || /\.ya?ml$/.test(values.calendar) ? path.resolve(io.cwd, values.calendar) : values.calendar;
    calendar = loadCalendar(ref);
  } catch (err) {
    if (!(err instanceof CalendarError)) throw err;
    for (const line of err.issues) io.err(`masar simulate: ${line}`);
    return 2;
  }
  const units = seedUnits();
  const unit = resolveUnit(values.unit, units);
  if (!unit) throw new UsageError(`--unit "${values.unit}": not a commune, prefecture or province of the seed directory (db/seed/*.csv); e.g. ${DEFAULT_UNIT}`);

  let script: Script = { data: {}, services: {}, steps: [] };
  if (values.script) {
    const file = path.resolve(io.cwd, values.script);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      io.err(`masar simulate: ${values.script}: cannot read the script file`);
      return 2;
    }
    try {
      script = parseScript(text, values.script);
    } catch (err) {
      if (!(err instanceof ScriptError)) throw err;
      for (const line of err.problems) io.err(line);
      return 2;
    }
  } else if (values.wait) {
    script = { ...script, steps: [{ wait: values.wait }] };
  }

  const toolchain = ensureTemporalToolchain({ env: io.env, root: ROOT_DIR, install: false });
  let result;
  try {
    result = await simulate({
      procedure: source.procedure,
      script,
      calendar,
      unit,
      ...(values.from ? { from: parseFrom(values.from, calendar.timeZone) } : {}),
      untilSettled: !values.script && !values.wait,
      ...(limit !== undefined ? { timeLimitMs: Number(limit) * 1000 } : {}),
      ...(toolchain.testServer ? { testServerPath: toolchain.testServer } : {}),
      progress: (line) => io.err(`simulate: ${line}`),
    });
  } catch (err) {
    if (err instanceof SimulationError) {
      io.err(`masar simulate: ${err.message}`);
      return err instanceof SimulationInterrupted ? 130 : 2;
    }
    throw err;
  }
  if (values.json) {
    io.out(JSON.stringify({ view: result.view, journal: result.journal, notifications: result.notifications.map((n) => ({ event: n.event, template: n.template, to: n.to, occurrence: n.occurrence })), steps: result.steps, stopped: result.stopped }, null, 2));
  } else {
    io.out(`${source.procedure.title.fr} (${source.procedure.id} v${source.procedure.version}), filed at ${unitName(unit.code, units)}; calendar ${calendar.id} v${calendar.version}, times in ${calendar.timeZone}`);
    io.out('');
    for (const line of formatTimeline({ procedure: source.procedure, zone: calendar.timeZone, unitName: (code) => unitName(code, units) }, result)) io.out(line);
  }
  return result.stopped === 'rejected' ? 1 : 0;
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'play a case of a procedure on the time-skipping server and print its timeline',
  usage,
  run,
};
