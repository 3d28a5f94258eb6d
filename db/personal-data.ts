/**
 * What Masar holds about one person, gathered for the right of access (law 09-08, art. 7): their
 * cases (facts and input), the journals of those cases, the messages sent to them, who from the
 * administration read those cases, and their earlier requests. Plus the rights register
 * (`personal_data_requests`, migration 071), append-only.
 */
import type { JournalRow } from './journal';
import { toRow, type DbJournalRow } from './journal';
import type { Queryable } from './directory';

/** One case of the person, as stored. */
export interface HeldCase {
  caseId: string;
  reference: string;
  procedure: { id: string; version: number };
  unit: string;
  state: string;
  status: string;
  outcome?: string;
  filedAt: string;
  closedAt?: string;
  /** The facts kept with the case: the applicant as filed, who filed, the unit and procedure names. */
  facts: Record<string, unknown>;
  /** What the person entered. */
  data: Record<string, unknown>;
}

export interface HeldMessage {
  caseId: string;
  event: string;
  address: string;
  language: string;
  subject: string;
  text: string;
  status: string;
  createdAt: string;
  sentAt?: string;
}

export interface HeldRead {
  caseId: string;
  at: string;
  what: string;
  reader: { name?: string; roles: string[]; unit?: string };
}

export interface HeldRequest {
  at: string;
  kind: string;
  transport: string;
  route: string;
  /** What was asked or given: counts, the fields a rectification changed and its cases; never the data. */
  detail: Record<string, unknown>;
}

/** Everything held about `subjectId`. */
export interface HeldData {
  cases: HeldCase[];
  journal: JournalRow[];
  messages: HeldMessage[];
  reads: HeldRead[];
  requests: HeldRequest[];
}


export async function heldAbout(db: Queryable, subjectId: string): Promise<HeldData> {
  const cases = (
    await db.query<{
      case_id: string; reference: string; procedure_id: string; procedure_version: number; unit_code: string; state: string; status: string;
      outcome: string | null; filed_at: Date; closed_at: Date | null; facts: Record<string, unknown>; data: Record<string, unknown>;
    }>(
      `SELECT case_id, reference, procedure_id, procedure_version, unit_code, state, status, outcome, filed_at, closed_at, facts, data
         FROM cases WHERE applicant_id = $1 ORDER BY filed_at, case_id`,
      [subjectId],
    )
  ).rows.map(
    (r): HeldCase => ({
      caseId: r.case_id,
      reference: r.reference,
      procedure: { id: r.procedure_id, version: r.procedure_version },
      unit: r.unit_code,
      state: r.state,
      status: r.status,
      ...(r.outcome ? { outcome: r.outcome } : {}),
      filedAt: r.filed_at.toISOString(),
      ...(r.closed_at ? { closedAt: r.closed_at.toISOString() } : {}),
      facts: r.facts,
      data: r.data,
    }),
  );
  const ids = cases.map((c) => c.caseId);
  const journal = (await db.query<DbJournalRow>('SELECT * FROM journal WHERE case_id = ANY($1) ORDER BY case_id, sequence', [ids])).rows.map(toRow);
  const messages = (
    await db.query<{ case_id: string; event: string; address: string; language: string; subject: string; text: string; status: string; created_at: Date; sent_at: Date | null }>(
      `SELECT case_id, event, address, language, subject, text, status, created_at, sent_at
         FROM notification_outbox WHERE recipient = $1 AND case_id = ANY($2) ORDER BY created_at, id`,
      [subjectId, ids],
    )
  ).rows.map((r): HeldMessage => ({ caseId: r.case_id, event: r.event, address: r.address, language: r.language, subject: r.subject, text: r.text, status: r.status, createdAt: r.created_at.toISOString(), ...(r.sent_at ? { sentAt: r.sent_at.toISOString() } : {}) }));
  const reads = (
    await db.query<{ case_id: string; at: Date; what: string; actor_name: string | null; actor_roles: string[]; actor_unit: string | null }>(
      'SELECT case_id, at, what, actor_name, actor_roles, actor_unit FROM case_access_log WHERE case_id = ANY($1) ORDER BY id',
      [ids],
    )
  ).rows.map((r): HeldRead => ({ caseId: r.case_id, at: r.at.toISOString(), what: r.what, reader: { ...(r.actor_name ? { name: r.actor_name } : {}), roles: r.actor_roles, ...(r.actor_unit ? { unit: r.actor_unit } : {}) } }));
  const requests = (
    await db.query<{ at: Date; kind: string; transport: string; route: string; detail: Record<string, unknown> }>(
      'SELECT at, kind, transport, route, detail FROM personal_data_requests WHERE subject_id = $1 ORDER BY id',
      [subjectId],
    )
  ).rows.map((r): HeldRequest => ({ at: r.at.toISOString(), kind: r.kind, transport: r.transport, route: r.route, detail: r.detail }));
  return { cases, journal, messages, reads, requests };
}

/** Records a request in the rights register. `detail` says what, never the data itself. */
export async function recordRequest(
  db: Queryable,
  request: { at: Date; subjectId: string; kind: 'export' | 'rectification'; transport: string; route: string; detail: Record<string, unknown> },
): Promise<void> {
  await db.query(
    'INSERT INTO personal_data_requests (at, subject_id, kind, transport, route, detail) VALUES ($1, $2, $3, $4, $5, $6)',
    [request.at, request.subjectId, request.kind, request.transport, request.route, JSON.stringify(request.detail)],
  );
}
