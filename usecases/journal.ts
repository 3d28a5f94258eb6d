/**
 * Verifying the journal (administrators): one case, or a page of cases in case id order so a
 * national database is verified in bounded requests. The checks themselves (chain, signatures,
 * checkpoints) live in `db/journal-verify.ts`; this decides who may and what is reported.
 */
import { journalCaseExists, verifyJournal, verifyJournals, type JournalReport } from '../db/journal-verify';
import { NO_JOURNAL_KEYS, type JournalKeyring } from '../db/journal-keys';
import type { Db } from '../db/pool';
import { requireAdmin } from './access';
import { notFound } from './errors';
import type { Principal } from './principal';

/** What to verify: one case, or the page of cases after `after`. */
export type JournalScope = { case: string } | { after?: string; limit: number };

/** The report, and whether entry signatures could be checked (a keyring was configured). */
export type JournalVerification = JournalReport & { signaturesChecked: boolean };

export async function verifyCaseJournals(
  deps: { db: Db; journalKeys?: JournalKeyring | undefined },
  p: Principal,
  scope: JournalScope,
): Promise<JournalVerification> {
  requireAdmin(p, 'verifying the journal');
  const keyring = deps.journalKeys ?? NO_JOURNAL_KEYS;
  let report: JournalReport;
  if ('case' in scope) {
    if (!(await journalCaseExists(deps.db, scope.case))) throw notFound(`no case ${scope.case} in the read model or the journal`);
    const verdict = await verifyJournal(deps.db, scope.case, keyring);
    report = { checked: 1, intact: verdict.ok ? 1 : 0, broken: verdict.ok ? [] : [verdict] };
  } else {
    report = await verifyJournals(deps.db, { ...(scope.after ? { after: scope.after } : {}), limit: scope.limit, keyring });
  }
  return { ...report, signaturesChecked: keyring.verifying.size > 0 };
}
