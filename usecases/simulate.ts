/**
 * Playing a definition before publishing it: one case filed and left alone (or left alone for
 * `wait`) on a time-skipping engine, its timeline with real dates on the calendar in force. The
 * engine that plays it is a port (`ProcedureSimulator`): the process that can run Temporal's
 * time-skipping test server supplies one (`cli/simulate`), and where none is supplied the
 * simulation is `unavailable`. Admins only, as validating.
 */
import type { CompiledProcedure } from '../definitions/compiled';
import { DurationSpec } from '../definitions/schema';
import type { Language } from '../definitions/schema';
import { unavailable, invalid } from './errors';
import type { Principal } from './principal';
import { checkSource, authorizeValidate, type DefinitionOptions } from './procedures';

/** What to play: nobody acts (until the case settles, or for `wait`). */
export interface SimulationRequest {
  /** ISO 8601 or `N working days`; absent: until the case is decided or its escalation tops out. */
  wait?: string | undefined;
  /** Language of the state names in the timeline. */
  language: Language;
}

/** A played case: where it stopped and one line per event, in the calendar's local time. */
export interface SimulationTimeline {
  procedure: { id: string; version: number };
  /** Why the run stopped (`decided`, `closed`, `top-of-escalation`, `script`, `cap`, `rejected`). */
  stopped: string;
  /** The state the case ended in. */
  finalState: string;
  lines: string[];
}

/** Plays one case of a compiled procedure. */
export interface ProcedureSimulator {
  simulate(procedure: CompiledProcedure, request: SimulationRequest): Promise<SimulationTimeline>;
}

/** Validates `source` and plays one case of it (admins); `invalid` at `wait` for an uncountable duration. */
export async function simulateProcedure(
  deps: { simulator?: ProcedureSimulator | undefined },
  p: Principal,
  source: string,
  request: SimulationRequest,
  options: DefinitionOptions,
): Promise<SimulationTimeline> {
  authorizeValidate(p);
  const { compiled } = checkSource(source, options);
  if (request.wait !== undefined && !DurationSpec.safeParse(request.wait).success) {
    throw invalid(`wait "${request.wait}" is not a duration`, [{ path: 'wait', message: 'write an ISO 8601 duration (P30D) or "N working days" / "N days"' }]);
  }
  if (!deps.simulator) throw unavailable('no simulator in this process: run `masar simulate <file>` (the time-skipping test server is a development tool)');
  return deps.simulator.simulate(compiled, request);
}
