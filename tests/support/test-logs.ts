/**
 * Logs in tests: the Temporal SDK's logger and its native core's log filter, installed before
 * every test file (jest `setupFiles`). Entries at `LOG_LEVEL` or above (default `warn`) print at
 * once; the rest are kept for the running test, and `test-environment.ts` prints them only when
 * that test fails. A green `npm test` is the test results, not thousands of worker INFO lines.
 */
import { inspect } from 'node:util';
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';

/** The buffer the test environment resets at each test and prints when it fails. */
export const TEST_LOGS_KEY = '__masarTestLogs';
/** At most this many buffered lines per test (the last ones are kept). */
export const MAX_BUFFERED_LINES = 2_000;

const SEVERITY: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * The Temporal level printed at once for `LOG_LEVEL` (the pino names the services use:
 * trace, debug, info, warn, error, fatal, silent); `warn` when unset or not understood.
 */
export function printedLevel(logLevel: string | undefined): LogLevel | 'SILENT' {
  switch (logLevel?.trim().toLowerCase()) {
    case 'trace':
      return 'TRACE';
    case 'debug':
      return 'DEBUG';
    case 'info':
      return 'INFO';
    case 'error':
    case 'fatal':
      return 'ERROR';
    case 'silent':
      return 'SILENT';
    default:
      return 'WARN';
  }
}

/** Fields that only make a line longer: opaque tokens, empty span contexts. */
const NOISE = new Set(['taskToken', 'spanContexts', 'namespace', 'workflowRunId']);

/** One line per entry: errors by their message (the stack is rarely the test's story), no noise. */
function line(entry: LogEntry): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const fields = Object.entries(entry.meta ?? {})
    .filter(([key, value]) => value !== undefined && !NOISE.has(key))
    .map(([key, value]) => `${key}=${value instanceof Error ? JSON.stringify(value.message) : inspect(value, { breakLength: Infinity, depth: 2 })}`);
  return `${time} [${entry.level}] ${entry.message}${fields.length ? ` (${fields.join(', ')})` : ''}`;
}

function buffer(): string[] | undefined {
  return (globalThis as Record<string, unknown>)[TEST_LOGS_KEY] as string[] | undefined;
}

/** Installs the Temporal runtime with the test logger; a runtime already installed is kept. */
export function installTestLogging(env: Record<string, string | undefined> = process.env): void {
  const printed = printedLevel(env.LOG_LEVEL);
  const threshold = printed === 'SILENT' ? SEVERITY.length : SEVERITY.indexOf(printed);
  // The native core warns about the local test servers' capabilities on every worker start: its
  // warnings are kept for a failing test, and print at once only when LOG_LEVEL asks for them.
  const coreThreshold = env.LOG_LEVEL ? threshold : Math.max(threshold, SEVERITY.indexOf('ERROR'));
  const logger = new DefaultLogger('TRACE', (entry) => {
    const text = line(entry);
    const core = entry.meta?.sdkComponent === 'core';
    if (SEVERITY.indexOf(entry.level) >= (core ? coreThreshold : threshold)) {
      process.stderr.write(`${text}\n`);
      return;
    }
    const kept = buffer();
    if (!kept) return;
    kept.push(text);
    if (kept.length > MAX_BUFFERED_LINES) kept.splice(0, kept.length - MAX_BUFFERED_LINES);
  });
  // The native core logs through the same logger; below INFO it is too chatty to keep.
  const coreLevel: LogLevel = threshold <= SEVERITY.indexOf('DEBUG') ? (printed as LogLevel) : 'INFO';
  try {
    Runtime.install({
      logger,
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: coreLevel, other: 'WARN' }), forward: {} } },
    });
  } catch {
    // Installed already in this module registry: keep it.
  }
}
