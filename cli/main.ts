/** Entry point of the `masar` CLI: dispatches to the sub-commands listed here. */
import type { Command, CommandIO } from './command';
import { UsageError } from './command';

// Lazy, so `masar validate` does not load the Temporal client or the database driver.
/* eslint-disable @typescript-eslint/no-require-imports */
const COMMANDS: Record<string, () => Command> = {
  deadline: () => require('./commands/deadline').deadlineCommand,
  directory: () => require('./commands/directory').directoryCommand,
  validate: () => require('./commands/validate').validateCommand,
  compile: () => require('./commands/compile').compileCommand,
  'render-templates': () => require('./commands/render-templates').renderTemplatesCommand,
  token: () => require('./commands/token').tokenCommand,
  migrate: () => require('./commands/migrate').migrateCommand,
  journal: () => require('./commands/journal').journalCommand,
  diagram: () => require('./commands/diagram').diagramCommand,
  simulate: () => require('./commands/simulate').simulateCommand,
  calendar: () => require('./commands/calendar').calendarCommand,
  documents: () => require('./commands/documents').documentsCommand,
  retention: () => require('./commands/retention').retentionCommand,
};
/* eslint-enable @typescript-eslint/no-require-imports */

function help(io: CommandIO): void {
  io.out('usage: masar <command> [options]');
  io.out('');
  for (const [name, load] of Object.entries(COMMANDS)) io.out(`  ${name.padEnd(14)} ${load().summary}`);
  io.out('');
  io.out('masar help <command> prints the options of one command.');
}

export async function main(argv: string[], io: CommandIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const target = rest[0] && COMMANDS[rest[0]];
    if (target) io.out(target().usage);
    else help(io);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(`masar: unknown command "${name}"`);
    help(io);
    return 2;
  }
  const command = load();
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`masar ${name}: ${err.message}`);
      io.err(command.usage);
      return 2;
    }
    throw err;
  }
}

function defaultIO(): CommandIO {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
}
