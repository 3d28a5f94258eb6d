/**
 * The projection activity: writes a case's view and new journal entries into the read model.
 *
 * Idempotent by (case id, sequence): delivered twice, or out of order (a retry of an older
 * projection landing after a newer one), the read model ends the same. One transaction per call,
 * serialised per case by an advisory lock, because the journal's hash chain reads the previous
 * row before writing the next.
 */
import { appendJournal, lockCase } from '../db/journal';
import { writeCaseProjection } from '../db/cases';
import type { JournalKey } from '../db/journal-keys';
import type { PoolClient } from 'pg';
import type { Db } from '../db/pool';
import { moveCases } from './calendar-pass';
import type { CalendarSource } from './clocks';
import type { ProjectRequest } from './types';

export interface ProjectionDeps {
  db: Db;
  /** The calendars in force: a projection of clocks computed on an older version moves them (calendar-pass.ts). */
  calendars?: CalendarSource;
  /** Signs journal entries and checkpoints (MASAR_JOURNAL_KEY); without it they are written unsigned. */
  journalKey?: JournalKey;
}

export interface ProjectResult {
  /** Whether the view was newer than the stored one and replaced it. */
  applied: boolean;
  /** Sequence of the last entry chained in the journal. */
  journaled: number;
  /** The stored version of the case's calendar, when it has running clocks: the case catches up if it is behind. */
  calendarVersion?: number;
}

export function createProjectionActivities({ db, journalKey, calendars }: ProjectionDeps) {
  return {
    /** Projects a case view and its new journal entries; safe to retry and to reorder. */
    async project(input: ProjectRequest): Promise<ProjectResult> {
      const caseId = input.view.caseId;
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        await lockCase(client, caseId);
        const journaled = await appendJournal(client, caseId, input.journal, journalKey);
        const applied = await writeCaseProjection(client, input);
        const calendarVersion = applied && calendars ? await catchUpStoredCalendar(client, calendars, input) : undefined;
        await client.query('COMMIT');
        return { applied, journaled, ...(calendarVersion !== undefined ? { calendarVersion } : {}) };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

export type ProjectionActivities = ReturnType<typeof createProjectionActivities>;

/**
 * A workflow that has not woken since a calendar change projects clocks computed on the older
 * version: moved here, in the projection's transaction, as the pass would have (the workflow
 * journals the move when it next wakes). The calendar's row is read FOR SHARE: a change being
 * recorded waits for this projection, and the pass after it then finds these rows. Returns the
 * stored version (none while the shipped file is the only copy), for the case to catch up.
 */
async function catchUpStoredCalendar(client: PoolClient, calendars: CalendarSource, input: ProjectRequest): Promise<number | undefined> {
  const plans = Object.values(input.plans ?? {});
  const calendarId = plans[0]?.recipe.calendarId;
  if (!calendarId) return undefined;
  const { rows } = await client.query<{ version: number }>('SELECT version FROM calendars WHERE id = $1 FOR SHARE', [calendarId]);
  const version = rows[0]?.version;
  if (version === undefined || plans.every((p) => p.calendarVersion >= version)) return version;
  await moveCases(client, [input.view.caseId], await calendars.current(calendarId, version));
  return version;
}
