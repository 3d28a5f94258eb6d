/**
 * Typed queries on `notification_problems` (migration 040): messages that reached nobody they were
 * meant for. Written by the notify activity, idempotent by id; read by administrators.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './directory';

/** A message of a case that a recipient kind of its rule did not receive. */
export interface NotificationProblem {
  id: string;
  caseId: string;
  reference: string;
  occurrence: string;
  event: string;
  template: string;
  kind: 'applicant' | 'assignee' | 'unit_agents' | 'supervisors';
  role: string | null;
  unit: string | null;
  assignee: string | null;
  reason: string;
  /** Member ids of the supervisors told (empty: nobody could be told). */
  alerted: string[];
  createdAt: string;
}

export type NewNotificationProblem = Omit<NotificationProblem, 'id' | 'createdAt'>;

/** Stable id: the same message and kind is one problem however often the activity retries. */
export function problemId(caseId: string, occurrence: string, event: string, kind: string): string {
  return createHash('sha256').update(`${caseId}\n${occurrence}\n${event}\n${kind}`).digest('hex').slice(0, 32);
}

/** Records problems; a retry of the same message changes nothing. */
export async function recordProblems(db: Queryable, problems: readonly NewNotificationProblem[]): Promise<void> {
  for (const p of problems) {
    await db.query(
      `INSERT INTO notification_problems
         (id, case_id, reference, occurrence, event, template, kind, role, unit_code, assignee, reason, alerted)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (id) DO NOTHING`,
      [problemId(p.caseId, p.occurrence, p.event, p.kind), p.caseId, p.reference, p.occurrence, p.event, p.template, p.kind, p.role, p.unit, p.assignee, p.reason, p.alerted],
    );
  }
}

interface ProblemRow {
  id: string;
  case_id: string;
  reference: string;
  occurrence: string;
  event: string;
  template: string;
  kind: NotificationProblem['kind'];
  role: string | null;
  unit_code: string | null;
  assignee: string | null;
  reason: string;
  alerted: string[];
  created_at: Date;
}

function toProblem(r: ProblemRow): NotificationProblem {
  return {
    id: r.id,
    caseId: r.case_id,
    reference: r.reference,
    occurrence: r.occurrence,
    event: r.event,
    template: r.template,
    kind: r.kind,
    role: r.role,
    unit: r.unit_code,
    assignee: r.assignee,
    reason: r.reason,
    alerted: r.alerted,
    createdAt: r.created_at.toISOString(),
  };
}

export interface ListProblemsOptions {
  /** Only problems at this unit. */
  unit?: string;
  /** Only problems of this case. */
  caseId?: string;
  /** 1 to 500. @default 50 */
  limit?: number;
}

/** Problems, newest first. */
export async function listProblems(db: Queryable, options: ListProblemsOptions = {}): Promise<NotificationProblem[]> {
  const { rows } = await db.query<ProblemRow>(
    `SELECT * FROM notification_problems
      WHERE ($1::text IS NULL OR unit_code = $1) AND ($2::text IS NULL OR case_id = $2)
      ORDER BY created_at DESC, id LIMIT $3`,
    [options.unit ?? null, options.caseId ?? null, options.limit ?? 50],
  );
  return rows.map(toProblem);
}
