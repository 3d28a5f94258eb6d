/**
 * Verifying the journal, for administrators: one case, or a page of cases in case id order, so a
 * national database is verified in bounded steps (`db/journal-verify.ts` does the checking).
 */
import type { JournalKeyring } from '../db/journal-keys';
import { journalCaseExists, verifyJournal, verifyJournals, type JournalReport } from '../db/journal-verify';
import { requireAdmin } from './access';
import type { UseCaseDeps } from './deps';
import { notFound } from './errors';
import type { Principal } from './principal';

/** Which cases to verify: one, or a page after a case id. */
export type JournalScope = { caseId: string } | { after?: string | undefined; limit: number };

/** The report, and whether signatures were checked (false without a journal key). */
export interface JournalCheck extends JournalReport {
  signaturesChecked: boolean;
}

export async function checkJournal(deps: Pick<UseCaseDeps, 'db'>, p: Principal, keyring: JournalKeyring, scope: JournalScope): Promise<JournalCheck> {
  requireAdmin(p, 'verifying the journal');
  const signaturesChecked = keyring.verifying.size > 0;
  if ('caseId' in scope) {
    if (!(await journalCaseExists(deps.db, scope.caseId))) throw notFound(`no case ${scope.caseId} in the read model or the journal`);
    const verdict = await verifyJournal(deps.db, scope.caseId, keyring);
    return { checked: 1, intact: verdict.ok ? 1 : 0, broken: verdict.ok ? [] : [verdict], signaturesChecked };
  }
  const report = await verifyJournals(deps.db, { ...(scope.after ? { after: scope.after } : {}), limit: scope.limit, keyring });
  return { ...report, signaturesChecked };
}
