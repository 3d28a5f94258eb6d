/**
 * Tiny builders of projection inputs: a case filed at a commune, then moved along by steps, each
 * step one journal entry and one newer view. Used to seed the read model without a workflow.
 */
import type { JournalEntry, ProjectInput } from '../../../activities/types';
import type { CaseView, TaskView } from '../../../workflows/messages';

export interface FixtureCase {
  caseId: string;
  reference: string;
  unit: string;
  province?: string;
  applicantId: string;
  procedureId?: string;
  filedAt?: string;
}

const label = (s: string) => ({ fr: s, ar: s });

/** The view after `sequence` steps; every step past the first moves the case one state on. */
export function viewAt(c: FixtureCase, sequence: number, over: Partial<CaseView> = {}): CaseView {
  const filedAt = c.filedAt ?? '2026-03-02T09:00:00.000Z';
  const state = sequence <= 1 ? 'review' : `step_${sequence}`;
  const task: TaskView = {
    state,
    role: 'agent',
    level: 'unit',
    unit: c.unit,
    openedAt: filedAt,
    dueAt: new Date(Date.parse(filedAt) + (30 + sequence) * 86_400_000).toISOString(),
    actions: ['answer', 'refuse'],
  };
  return {
    caseId: c.caseId,
    reference: c.reference,
    procedure: { id: c.procedureId ?? 'acces-information', version: 1, hash: 'h'.repeat(64) },
    unit: c.unit,
    state,
    stateLabel: label(state),
    status: 'open',
    tasks: [task],
    clocks: [
      {
        name: 'answer',
        label: label('answer'),
        status: 'running',
        counting: 'working_days',
        startedAt: filedAt,
        dueAt: task.dueAt,
        dueDate: task.dueAt?.slice(0, 10),
        extensions: 0,
      },
    ],
    sequence,
    filedAt,
    ...over,
  };
}

export function entryAt(c: FixtureCase, sequence: number): JournalEntry {
  const at = new Date(Date.parse(c.filedAt ?? '2026-03-02T09:00:00.000Z') + sequence * 60_000).toISOString();
  if (sequence === 1) {
    return { sequence, at, actor: { id: c.applicantId, roles: ['applicant'] }, kind: 'filed', toState: 'review' };
  }
  return {
    sequence,
    at,
    actor: { id: 'agent-1', roles: ['agent'], unit: c.unit },
    kind: 'step',
    fromState: sequence === 2 ? 'review' : `step_${sequence - 1}`,
    toState: `step_${sequence}`,
    reason: `step ${sequence} with a 'quote' and ; DROP TABLE journal; --`,
    data: { n: sequence, nested: { b: 2, a: [1, 'x'] } },
  };
}

/** The projection the workflow would send after `sequence`, carrying entries `from..sequence`. */
export function projection(c: FixtureCase, sequence: number, from = sequence, over: Partial<CaseView> = {}): ProjectInput {
  const journal: JournalEntry[] = [];
  for (let s = from; s <= sequence; s += 1) journal.push(entryAt(c, s));
  return {
    view: viewAt(c, sequence, over),
    journal,
    facts: {
      reference: c.reference,
      unit: { code: c.unit, name: label(c.unit), ...(c.province ? { province: c.province } : {}), ministry: 'DGCT' },
      applicant: { id: c.applicantId, name: `Applicant ${c.applicantId}`, email: `${c.applicantId}@example.ma`, language: 'fr' },
      filedBy: { id: c.applicantId, roles: ['applicant'] },
      procedureTitle: label('Accès à l’information'),
      data: { subject: 'budget 2025', nationalId: 'AB123456', phone: '+212600000000' },
    },
  };
}
