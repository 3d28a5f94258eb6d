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
import type { Db } from '../db/pool';
import type { ProjectInput } from './types';

export interface ProjectionDeps {
  db: Db;
  /** Signs journal entries and checkpoints (MASAR_JOURNAL_KEY); without it they are written unsigned. */
  journalKey?: JournalKey;
}

export interface ProjectResult {
  /** Whether the view was newer than the stored one and replaced it. */
  applied: boolean;
  /** Sequence of the last entry chained in the journal. */
  journaled: number;
}

export function createProjectionActivities({ db, journalKey }: ProjectionDeps) {
  return {
    /** Projects a case view and its new journal entries; safe to retry and to reorder. */
    async project(input: ProjectInput): Promise<ProjectResult> {
      const caseId = input.view.caseId;
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        await lockCase(client, caseId);
        const journaled = await appendJournal(client, caseId, input.journal, journalKey);
        const applied = await writeCaseProjection(client, input);
        await client.query('COMMIT');
        return { applied, journaled };
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
