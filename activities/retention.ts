/**
 * The retention workflow's activities (`workflows/retention-sweep.ts`): find the cases due, erase one
 * case's personal data, delete one case's Temporal history. Each is idempotent by case id, so a
 * retry after a crash finishes the work without doing it twice (`usecases/retention.ts`).
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { JournalKey } from '../db/journal-keys';
import type { Db } from '../db/pool';
import type { DocumentStore } from '../documents/store';
import { JournalBrokenBeforeErasure } from '../db/journal-erasure';
import { eraseCasePersonalData, findCasesPastRetention } from '../db/retention';
import { caseWorkflowId } from '../workflows/messages';
import type { RetentionActivities } from './types';

/** gRPC status NOT_FOUND. */
const GRPC_NOT_FOUND = 5;

export interface RetentionActivityDeps {
  db: Db;
  store: DocumentStore;
  defaultPeriod: string;
  journalKey?: JournalKey | undefined;
  client: Client;
}

/**
 * Deletes every closed run of a case's workflow (a case that continued-as-new has several) through
 * WorkflowService.DeleteWorkflowExecution. A run still open is left alone: deleting it would
 * terminate it; the next run of the job finds it again once it has closed.
 */
export function temporalHistoryEraser(client: Client): {
  erase(caseId: string): Promise<{ outcome: 'deleted' | 'absent' | 'running'; runs: number }>;
  running(caseId: string): Promise<boolean>;
} {
  return {
    /**
     * Whether the case's workflow still runs (a closed case's last messages and projection may still
     * be under way): its data is not erased then, or a late projection or message would write it back.
     */
    async running(caseId) {
      try {
        return (await client.workflow.getHandle(caseWorkflowId(caseId)).describe()).status.name === 'RUNNING';
      } catch (err) {
        if ((err as { name?: string }).name === 'WorkflowNotFoundError' || (err as { code?: number }).code === GRPC_NOT_FOUND) return false;
        throw err;
      }
    },
    async erase(caseId) {
      const workflowId = caseWorkflowId(caseId);
      let runs = 0;
      let running = false;
      for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId.replace(/'/g, "\\'")}'` })) {
        if (run.status.name === 'RUNNING') {
          running = true;
          continue;
        }
        try {
          await client.workflowService.deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: { workflowId, runId: run.runId } });
          runs += 1;
        } catch (err) {
          if ((err as { code?: number }).code !== GRPC_NOT_FOUND) throw err; // deleted meanwhile: done
        }
      }
      return { outcome: running ? 'running' : runs > 0 ? 'deleted' : 'absent', runs };
    },
  };
}

export function createRetentionActivities(deps: RetentionActivityDeps): RetentionActivities {
  const histories = temporalHistoryEraser(deps.client);
  return {
    async findCasesPastRetention({ asOf, limit }) {
      return findCasesPastRetention(deps.db, { asOf: new Date(asOf), defaultPeriod: deps.defaultPeriod, limit });
    },
    async eraseCasePersonalData({ caseId, retention }) {
      if (await histories.running(caseId)) return { erasedNow: false, deferred: true, documents: 0, issuedDocuments: 0, messages: 0, journalEntries: 0 };
      try {
        return await eraseCasePersonalData(deps.db, deps.store, { caseId, retention, at: new Date(), journalKey: deps.journalKey });
      } catch (err) {
        // Retrying cannot mend a broken journal: a person has to look (`masar journal verify`).
        if (err instanceof JournalBrokenBeforeErasure) throw ApplicationFailure.nonRetryable(err.message, 'JournalBrokenBeforeErasure');
        throw err;
      }
    },
    async deleteCaseHistory({ caseId }) {
      return histories.erase(caseId);
    },
  };
}
