/** `masar deadline`: computes a due date on a working-day calendar, as clocks do. */
import { describeNonWorkingDay } from '../../definitions/calendar';
import { DEFAULT_CALENDAR_ID, loadCalendar } from '../../definitions/calendar-file';
import { CalendarError } from '../../definitions/calendar-schema';
import type { Due } from '../../definitions/deadline';
import { computeDue } from '../../definitions/deadline';
import { DurationError, effectiveDuration, formatDuration } from '../../definitions/duration';
import { offsetAt, weekdayOf } from '../../definitions/local-time';
import type { Counting } from '../../definitions/schema';
import { parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';

const usage = `usage: masar deadline --from <ISO instant> --duration <spec> [--extend <spec>]... [--counting working_days|calendar] [--calendar <id or path>] [--json]

  --from       the triggering event, an ISO 8601 instant with its zone: 2025-03-28T23:30:00+01:00 or ...Z
  --duration   "20 working days", "60 days", "1 working day", P60D, P2M, PT30S
  --extend     an extension granted, counted from the due date it extends (repeatable)
  --counting   force working_days or calendar counting (as a clock's "counting")
  --calendar   a calendar id under definitions/calendars/ or a path to a .yaml file (default ${DEFAULT_CALENDAR_ID})
  --json       print one JSON line: {"due","dueDate","skipped"}`;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: string): Date {
  if (!INSTANT.test(value)) {
    throw new UsageError(`--from "${value}": not an ISO 8601 instant with a zone; write e.g. 2025-03-28T23:30:00+01:00 or 2025-03-28T22:30:00Z`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--from "${value}": not a real date and time`);
  return date;
}

function parseCounting(value: string | undefined): Counting | undefined {
  if (value === undefined || value === 'working_days' || value === 'calendar') return value;
  throw new UsageError(`--counting "${value}": must be working_days or calendar`);
}

function localTime(instant: Date, zone: string): string {
  const offset = offsetAt(instant, zone);
  const local = new Date(instant.getTime() + offset).toISOString().replace('T', ' ').replace('Z', '');
  const minutes = Math.abs(offset) / 60_000;
  const sign = offset < 0 ? '-' : '+';
  return `${local} (${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')} ${zone})`;
}

function printHuman(io: CommandIO, result: Due, zone: string, what: string): void {
  io.out(`duration: ${what}`);
  io.out(`due:      ${result.due.toISOString()}`);
  io.out(`local:    ${localTime(result.due, zone)}`);
  io.out(`due date: ${result.dueDate} (${weekdayOf(result.dueDate)})`);
  if (result.skipped.length === 0) {
    io.out('skipped:  none');
    return;
  }
  io.out(`skipped:  ${result.skipped.length} non-working day${result.skipped.length > 1 ? 's' : ''}`);
  for (const { date, reason } of result.skipped) io.out(`  ${date} ${weekdayOf(date).padEnd(9)} ${describeNonWorkingDay(reason)}`);
}

async function run(args: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(args, {
    from: { type: 'string' },
    duration: { type: 'string' },
    extend: { type: 'string', multiple: true },
    counting: { type: 'string' },
    calendar: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (!values.from) throw new UsageError('--from is required (the triggering event, e.g. 2025-03-28T23:30:00+01:00)');
  if (!values.duration) throw new UsageError('--duration is required (e.g. "20 working days" or P60D)');
  const from = parseInstant(values.from);
  const counting = parseCounting(values.counting);
  const extensions = values.extend ?? [];
  let what: string;
  try {
    what = [values.duration, ...extensions].map((spec) => formatDuration(effectiveDuration(spec, counting))).join(' + extension ');
  } catch (err) {
    if (err instanceof DurationError) throw new UsageError(err.message);
    throw err;
  }
  let calendar;
  try {
    calendar = loadCalendar(values.calendar);
  } catch (err) {
    if (!(err instanceof CalendarError)) throw err;
    for (const line of err.issues) io.err(`masar deadline: ${line}`);
    return 2;
  }
  const result = computeDue({ from, duration: values.duration, counting, extensions, calendar });
  if (values.json) {
    io.out(JSON.stringify({ due: result.due.toISOString(), dueDate: result.dueDate, skipped: result.skipped }));
  } else {
    io.out(`calendar: ${calendar.id} v${calendar.version}`);
    printHuman(io, result, calendar.timeZone, what);
  }
  return 0;
}

export const deadlineCommand: Command = {
  name: 'deadline',
  summary: 'compute a due date on the working-day calendar',
  usage,
  run,
};
