/**
 * The one mapping from stored cases to what the API returns, with personal data left out unless
 * the caller may see it (see `access.ts`).
 */
import type { CaseRecord, InboxItem } from '../db/cases';
import type { CaseView } from '../workflows/messages';
import type { Language } from '../definitions/schema';
import type { AvailableAction } from '../usecases/available-actions';

export interface CaseResource extends CaseView {
  procedureTitle: CaseRecord['facts']['procedureTitle'];
  unitName: CaseRecord['facts']['unit']['name'];
  applicant: { id: string; name: string; language: Language; email?: string };
  filedBy: { id: string; roles: string[] };
  /** The applicant's input: only for the applicant and the staff of the case's unit. */
  data?: Record<string, unknown>;
  /** What the caller may do now (single case reads and action answers only). */
  availableActions?: AvailableAction[];
  /** A running deadline of the case depends on a provisional religious date (see its clocks). */
  provisionalDeadline?: true;
}

/**
 * A case as returned by `GET /cases/{id}` (with `data` when `personal`) and in lists (never
 * `data`, only a view's worth).
 * @param view the view to show: the stored one, or a fresher one from the workflow.
 */
export function caseResource(
  record: CaseRecord,
  options: { personal: boolean; withData: boolean; view?: CaseView; actions?: AvailableAction[] },
): CaseResource {
  const { applicant, filedBy, procedureTitle, unit } = record.facts;
  const view = options.view ?? record.view;
  return {
    ...view,
    ...(view.clocks.some((c) => c.provisional) ? { provisionalDeadline: true as const } : {}),
    procedureTitle,
    unitName: unit.name,
    applicant: {
      id: applicant.id,
      name: applicant.name,
      language: applicant.language,
      ...(options.personal && applicant.email ? { email: applicant.email } : {}),
    },
    filedBy: { id: filedBy.id, roles: filedBy.roles },
    ...(options.personal && options.withData ? { data: record.data } : {}),
    ...(options.actions ? { availableActions: options.actions } : {}),
  };
}

/** An inbox entry: the task and a summary of its case (no personal data: open the case for it). */
export function inboxResource(item: InboxItem) {
  const v = item.case.view;
  return {
    task: item.task,
    case: {
      caseId: v.caseId,
      reference: v.reference,
      procedure: v.procedure,
      procedureTitle: item.case.facts.procedureTitle,
      unit: v.unit,
      state: v.state,
      stateLabel: v.stateLabel,
      filedAt: v.filedAt,
      ...(v.escalation ? { escalation: v.escalation } : {}),
    },
  };
}
