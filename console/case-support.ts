/**
 * What the agent's pages and the case page read besides the case itself, through use cases: the
 * procedure version a case runs (published versions never change, so they are kept once read) and
 * the working-day calendar (kept a minute: an announced holiday shows within that).
 */
import type { Calendar } from '../definitions/calendar';
import type { CompiledProcedure } from '../definitions/compiled';
import { readCalendar } from '../usecases/calendar';
import { UseCaseError } from '../usecases/errors';
import { readProcedure } from '../usecases/procedures';
import type { CaseView } from '../workflows/messages';
import type { ConsoleContext } from './context';

const CALENDAR_TTL_MS = 60_000;
const PROCEDURES_MAX = 200;

/** Caches of one console (one per `createConsole`, so tests never share them). */
export interface CaseSupport {
  /** The version a case runs, or undefined when it is not published as the case knows it. */
  procedureOf(view: Pick<CaseView, 'procedure'>): Promise<CompiledProcedure | undefined>;
  /** One published version, or undefined. */
  version(id: string, version: number): Promise<CompiledProcedure | undefined>;
  calendar(): Promise<Calendar | undefined>;
}

export function caseSupport(ctx: ConsoleContext): CaseSupport {
  const procedures = new Map<string, CompiledProcedure>();
  let calendar: { at: number; value: Calendar | undefined } | undefined;
  const version = async (id: string, v: number): Promise<CompiledProcedure | undefined> => {
    const key = `${id}@${v}`;
    const known = procedures.get(key);
    if (known) return known;
    try {
      const { published } = await readProcedure(ctx.useCases, id, v);
      if (procedures.size >= PROCEDURES_MAX) procedures.clear();
      procedures.set(key, published.compiled);
      return published.compiled;
    } catch (err) {
      if (err instanceof UseCaseError && err.kind === 'not-found') return undefined;
      throw err;
    }
  };
  return {
    version,
    async procedureOf({ procedure }) {
      const compiled = await version(procedure.id, procedure.version);
      // Another definition under the same version number is not the one the case runs.
      return compiled?.hash === procedure.hash ? compiled : undefined;
    },
    async calendar() {
      const now = Date.now();
      if (calendar && now - calendar.at < CALENDAR_TTL_MS) return calendar.value;
      let value: Calendar | undefined;
      try {
        value = await readCalendar(ctx.useCases, ctx.options.calendarId);
      } catch (err) {
        // Without a calendar, countdowns fall back to calendar days; the page still works.
        if (!(err instanceof UseCaseError)) throw err;
        ctx.logger.warn({ calendar: ctx.options.calendarId }, 'console: no calendar for countdowns');
      }
      calendar = { at: now, value };
      return value;
    },
  };
}
