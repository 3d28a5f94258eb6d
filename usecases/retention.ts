/**
 * Retention (law 09-08 art. 3; docs/retention.md): closed cases past their retention period lose the
 * applicant's personal data everywhere Masar keeps it (read model, document store, sealed PDFs,
 * outbox, journal's personal fields) and their Temporal history, while the archives' record stays.
 * `runRetention` is `masar retention run`; the Temporal schedule's workflow runs the same db/
 * functions step by step as activities (activities/retention.ts).
 *
 * Order and idempotency: a case's document bytes are deleted from the store first (deleting a
 * missing one is no error), then its rows are erased in one transaction that sets
 * `cases.erased_at`, then its history is deleted; each step can be retried on its own.
 */
import { eraseCasePersonalData, findCasesPastRetention, type CaseErasure, type CasePastRetention } from '../db/retention';
import type { JournalKey } from '../db/journal-keys';
import type { Db } from '../db/pool';
import type { DocumentStore } from '../documents/store';

/** What became of a case's Temporal history. */
export type HistoryOutcome = 'deleted' | 'absent' | 'running';

/** Deletes the closed workflow executions of a case (every run of it). */
export interface HistoryEraser {
  erase(caseId: string): Promise<{ outcome: HistoryOutcome; runs: number }>;
  /** Whether the case's workflow still runs: its data is then left for a later run. */
  running(caseId: string): Promise<boolean>;
}

export interface RetentionDeps {
  db: Db;
  store: DocumentStore;
  /** The period for procedures that declare none (MASAR_RETENTION_DEFAULT). */
  defaultPeriod: string;
  journalKey?: JournalKey | undefined;
  /** Absent: histories are left to the namespace's retention (see docs/operations.md). */
  histories?: HistoryEraser | undefined;
}


/** One case's result in a run. */
export interface RetentionCaseReport extends CasePastRetention {
  erasure?: CaseErasure;
  history?: { outcome: HistoryOutcome; runs: number };
  /** The case's workflow still runs (its last messages going out): nothing erased, due again next run. */
  deferred?: boolean;
  error?: string;
}

export interface RetentionReport {
  asOf: string;
  dryRun: boolean;
  cases: RetentionCaseReport[];
}

/**
 * Erases every case due at `asOf` (at most `limit`), or only lists them (`dryRun`). A failure on one
 * case is reported and the run goes on; the case stays due and the next run takes it again.
 */
export async function runRetention(deps: RetentionDeps, options: { asOf: Date; limit: number; dryRun: boolean; now?: () => Date }): Promise<RetentionReport> {
  const due = await findCasesPastRetention(deps.db, { asOf: options.asOf, defaultPeriod: deps.defaultPeriod, limit: options.limit });
  const report: RetentionReport = { asOf: options.asOf.toISOString(), dryRun: options.dryRun, cases: [] };
  for (const c of due) {
    if (options.dryRun) {
      report.cases.push(c);
      continue;
    }
    try {
      if (deps.histories && (await deps.histories.running(c.caseId))) {
        report.cases.push({ ...c, deferred: true });
        continue;
      }
      const at = (options.now ?? (() => new Date()))();
      const erasure = await eraseCasePersonalData(deps.db, deps.store, { caseId: c.caseId, retention: c.retention, at, journalKey: deps.journalKey });
      const history = deps.histories ? await deps.histories.erase(c.caseId) : undefined;
      report.cases.push({ ...c, erasure, ...(history ? { history } : {}) });
    } catch (err) {
      report.cases.push({ ...c, error: (err as Error).message });
    }
  }
  return report;
}
