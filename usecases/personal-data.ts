/**
 * The right of access (law 09-08, art. 7): an applicant downloads everything Masar holds about
 * them. The request is written to the rights register before anything is handed out (a download
 * that cannot be recorded is refused, like a read the access log cannot record), and
 * the answer gathers the person's cases, their journals, the messages sent to them and who from the
 * administration read those cases. Transports render it (JSON, a readable page).
 */
import { heldAbout, recordRequest, type HeldData } from '../db/personal-data';
import { isApplicant } from './access';
import { UNSPECIFIED_ROUTE, type ReadRoute } from './access-log';
import type { UseCaseDeps } from './deps';
import { forbidden } from './errors';
import type { Principal } from './principal';

/** What an applicant receives: who they are to Masar, when this was made, and what is held. */
export interface PersonalDataExport extends HeldData {
  subject: { id: string; name?: string; email?: string };
  generatedAt: string;
}

export async function exportPersonalData(deps: Pick<UseCaseDeps, 'db' | 'now'>, p: Principal, via: ReadRoute = UNSPECIFIED_ROUTE): Promise<PersonalDataExport> {
  if (!isApplicant(p)) throw forbidden('downloading personal data is for applicants (their own); staff data is managed in the directory');
  const at = deps.now();
  const held = await heldAbout(deps.db, p.sub);
  const detail = { cases: held.cases.length, journalEntries: held.journal.length, messages: held.messages.length, reads: held.reads.length };
  await recordRequest(deps.db, { at, subjectId: p.sub, kind: 'export', transport: via.transport, route: via.route, detail });
  return {
    subject: { id: p.sub, ...(p.name ? { name: p.name } : {}), ...(p.email ? { email: p.email } : {}) },
    generatedAt: at.toISOString(),
    ...held,
    requests: [...held.requests, { at: at.toISOString(), kind: 'export', transport: via.transport, route: via.route, detail }],
  };
}
