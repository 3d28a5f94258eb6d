/**
 * The simulator the console offers administrators (`usecases/simulate.ts`'s port): the same run as
 * `masar simulate <file> [--wait D]`, on the shipped calendar and the seed directory's Tanger
 * commune, its timeline in the CLI's words. One simulation at a time per process: each starts
 * Temporal's time-skipping test server, which a shared machine runs one of comfortably.
 */
import type { Calendar } from '../../definitions/calendar';
import { loadCalendar } from '../../definitions/calendar-file';
import type { ProcedureSimulator, SimulationRequest, SimulationTimeline } from '../../usecases/simulate';
import type { CompiledProcedure } from '../../definitions/compiled';
import { unavailable } from '../../usecases/errors';
import { simulate, SimulationError } from './run';
import { formatTimeline } from './timeline';
import { DEFAULT_UNIT, resolveUnit, seedUnits, unitName } from './units';

export interface SimulatorOptions {
  /** The `temporal-test-server` binary (the toolchain's); the SDK downloads one when absent. */
  testServerPath?: string | undefined;
  /** @default the shipped calendar */
  calendar?: Calendar;
  /** Real time one run may take. @default the CLI's */
  timeLimitMs?: number;
}

/** A simulator playing one case at a time. */
export function createProcedureSimulator(options: SimulatorOptions = {}): ProcedureSimulator {
  let queue: Promise<unknown> = Promise.resolve();
  async function play(procedure: CompiledProcedure, request: SimulationRequest): Promise<SimulationTimeline> {
    const calendar = options.calendar ?? loadCalendar();
    const units = seedUnits();
    const unit = resolveUnit(DEFAULT_UNIT, units);
    if (!unit) throw new Error(`simulator: the seed directory has no unit ${DEFAULT_UNIT}`);
    let result;
    try {
      result = await simulate({
      procedure,
      script: { data: {}, services: {}, steps: request.wait ? [{ wait: request.wait }] : [] },
      calendar,
      unit,
      untilSettled: !request.wait,
      ...(options.testServerPath ? { testServerPath: options.testServerPath } : {}),
      ...(options.timeLimitMs ? { timeLimitMs: options.timeLimitMs } : {}),
      progress: () => undefined,
      });
    } catch (err) {
      // A run that cannot finish (time limit, server stopped) is the simulator's trouble, not the input's.
      if (err instanceof SimulationError) throw unavailable(`the simulation stopped: ${err.message}`);
      throw err;
    }
    return {
      procedure: { id: procedure.id, version: procedure.version },
      stopped: result.stopped,
      finalState: result.view.state,
      lines: formatTimeline({ procedure, zone: calendar.timeZone, unitName: (code) => unitName(code, units) }, result),
    };
  }
  return {
    simulate(procedure, request) {
      const run = queue.then(() => play(procedure, request));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
