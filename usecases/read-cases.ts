/**
 * Reading cases: the list in the caller's scope (applicants their own, staff their units'), one
 * case (the read model, or the workflow itself for a consistent view) and its journal. Each item
 * says whether the caller may see its personal data; the transport leaves it out otherwise.
 */
import { listCases as listStoredCases, type CaseFilter, type CaseRecord, type CaseSort } from '../db/cases';
import { readJournal, type JournalRow } from '../db/journal';
import { listOutbox, type OutboxStatus } from '../db/outbox';
import { isStaff, unitScope, visibleCase, type CaseAccess } from './access';
import { recordCaseRead, type ReadRoute } from './access-log';
import { actionsFor, type AvailableAction } from './available-actions';
import type { UseCaseDeps } from './deps';
import { forbidden } from './errors';
import type { Principal } from './principal';
import type { CaseView } from '../workflows/messages';

/** Filters of a case list, all optional (the caller's scope always applies). */
export type CaseListFilter = Omit<CaseFilter, 'scope' | 'escalatedAt'>;

export interface CaseListPage {
  limit: number;
  sort: CaseSort;
  /** Decoded keyset cursor of the list: (sort column value, case id). */
  cursor?: [string, string] | undefined;
}

/** A listed case and whether the caller may see its personal data. */
export interface VisibleCase {
  record: CaseRecord;
  personal: boolean;
}

/** Cases matching `filter` in the caller's scope, one keyset page. */
export async function listCases(
  deps: Pick<UseCaseDeps, 'db' | 'directory' | 'now'>,
  p: Principal,
  filter: CaseListFilter,
  page: CaseListPage,
): Promise<{ items: VisibleCase[]; next?: string }> {
  let scope: CaseFilter['scope'];
  if (isStaff(p)) scope = { units: await unitScope(p, deps.directory) };
  else if (p.roles.includes('applicant')) scope = { applicantId: p.sub };
  else throw forbidden('listing cases is for applicants (their own) and staff with a unit');
  const result = await listStoredCases(deps.db, { scope, ...filter }, { limit: page.limit, sort: page.sort, ...(page.cursor ? { cursor: page.cursor } : {}) }, deps.now());
  return {
    items: result.items.map((record) => ({ record, personal: record.applicantId === p.sub || record.unitCode === p.unit })),
    ...(result.next ? { next: result.next } : {}),
  };
}

/**
 * One case the caller may see, with what the caller may do on it; with `consistent`, the workflow's
 * own view as well. A read by anyone but the applicant is recorded in the access log with `via`.
 */
export async function readCase(
  deps: Pick<UseCaseDeps, 'db' | 'directory' | 'engine' | 'now'>,
  p: Principal,
  caseId: string,
  options: { consistent?: boolean | undefined; via?: ReadRoute | undefined } = {},
): Promise<{ record: CaseRecord; access: CaseAccess; view?: CaseView; actions: AvailableAction[] }> {
  const { record, access } = await visibleCase(deps, p, caseId);
  await recordCaseRead(deps, p, { caseId, applicantId: record.applicantId, what: 'case' }, options.via);
  const view = options.consistent ? await deps.engine.view(caseId) : undefined;
  const actions = await actionsFor(deps, p, record, view ?? record.view);
  return { record, access, actions, ...(view ? { view } : {}) };
}

/**
 * A page of the journal of a case the caller may see; `next` is the last sequence when more follow.
 * A read by anyone but the applicant is recorded in the access log with `via`.
 */
export async function readCaseJournal(
  deps: Pick<UseCaseDeps, 'db' | 'directory' | 'now'>,
  p: Principal,
  caseId: string,
  page: { after: number; limit: number },
  via?: ReadRoute,
): Promise<{ items: JournalRow[]; next?: number }> {
  const { record } = await visibleCase(deps, p, caseId);
  await recordCaseRead(deps, p, { caseId, applicantId: record.applicantId, what: 'journal' }, via);
  const rows = await readJournal(deps.db, caseId, { after: page.after, limit: page.limit + 1 });
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items, ...(rows.length > page.limit && last ? { next: last.sequence } : {}) };
}

/** A message sent (or queued, or failed) about a case, as its timeline shows it. */
export interface CaseMessage {
  /** What it told: `case_filed`, `information_requested`, `decided`... */
  event: string;
  /** `applicant`, or the member's id for staff. */
  recipient: string;
  /** `erased`: never sent, and retention erased its address and body. */
  status: OutboxStatus;
  createdAt: string;
  sentAt?: string;
  /** Subject and address: personal data, only for those who may see it. */
  subject?: string;
  address?: string;
}

/**
 * The messages sent about a case the caller may see, oldest first. Subjects and addresses are
 * personal data: left out for callers who may see the case but not its personal data.
 */
export async function readCaseMessages(deps: Pick<UseCaseDeps, 'db' | 'directory'>, p: Principal, caseId: string): Promise<CaseMessage[]> {
  const { access } = await visibleCase(deps, p, caseId);
  const messages = await listOutbox(deps.db, caseId);
  return messages.map((m) => ({
    event: m.event,
    recipient: m.recipient,
    status: m.status,
    createdAt: m.createdAt.toISOString(),
    ...(m.sentAt ? { sentAt: m.sentAt.toISOString() } : {}),
    ...(access.personal ? { subject: m.subject, address: m.address } : {}),
  }));
}
