/**
 * Cases that need an administrator: a step failed in a way no retry fixes (a value the read model
 * cannot store, a clock that cannot be computed), so the case waits instead of looping. Listing
 * them and asking one to retry are the administrator's; what they do is in docs/operations.md.
 */
import { listAttention, needsAttention, type AttentionItem } from '../db/attention';
import { requireAdmin } from './access';
import type { UseCaseDeps } from './deps';
import { notFound } from './errors';
import type { Principal } from './principal';

/** Only administrators see and retry cases that need attention. */
export function authorizeAttention(p: Principal, what: string): void {
  requireAdmin(p, what);
}

/** Open cases needing attention, oldest first, one keyset page (`after`: the previous page's last). */
export async function casesNeedingAttention(
  deps: Pick<UseCaseDeps, 'db'>,
  p: Principal,
  page: { limit: number; after?: [string, string] | undefined },
): Promise<{ items: AttentionItem[]; next?: [string, string] }> {
  authorizeAttention(p, 'the list of cases that need attention');
  const rows = await listAttention(deps.db, { limit: page.limit + 1, ...(page.after ? { after: page.after } : {}) });
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items, ...(rows.length > page.limit && last ? { next: [last.since, last.caseId] as [string, string] } : {}) };
}

/** Asks a case that needs attention to retry its failed step (its cause fixed). */
export async function retryAttention(deps: Pick<UseCaseDeps, 'db' | 'engine'>, p: Principal, caseId: string): Promise<void> {
  authorizeAttention(p, 'retrying a case that needs attention');
  if (!(await needsAttention(deps.db, caseId))) throw notFound(`case ${caseId} does not need attention (see GET /api/v1/attention)`);
  await deps.engine.retryAttention(caseId);
}
