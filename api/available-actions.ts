/**
 * What the caller may do on a case now, shown in the case view the way a form shows its buttons:
 * the current state's actions for their roles, the built-in task actions (claim, release) and the
 * supervisor actions of an escalation, each with its input and, for an applicant the case waits
 * for, the date by which they must act.
 *
 * Advisory only: the workflow's Update validator (`workflows/authorize.ts`) decides when the action
 * is sent, with the live state. These rules follow it, on the projected view.
 */
import type { CompiledProcedure } from '../definitions/compiled';
import { MachineEvents } from '../definitions/compiled';
import type { Fields, Label } from '../definitions/schema';
import type { CaseView } from '../workflows/messages';
import { SupervisorActions, TaskActions } from '../workflows/messages';
import type { Principal } from './auth';

export interface AvailableAction {
  /** What to send as `action` to `POST /cases/{id}/actions`. */
  action: string;
  kind: 'procedure' | 'task' | 'supervisor';
  label?: Label;
  /** The action's input fields (JSON Schema-like field specs of the procedure language). */
  input?: Record<string, unknown>;
  /** Whether `comment` (the reason, journaled) is required. */
  reasonRequired: boolean;
  /** By when the caller must act: an applicant's answer before the waiting state gives up. */
  dueAt?: string;
}

const text = (fr: string, ar: string): Label => ({ fr, ar });

function supervisorActions(view: CaseView, procedure: CompiledProcedure): AvailableAction[] {
  const out: AvailableAction[] = [];
  const task = view.tasks[0];
  if (task) {
    out.push({ action: SupervisorActions.takeOver, kind: 'supervisor', label: text('Prendre en charge', 'التكفل بالملف'), reasonRequired: false });
    out.push({
      action: SupervisorActions.reassign,
      kind: 'supervisor',
      label: text('Réaffecter', 'إعادة الإسناد'),
      input: {
        unit: { type: 'text', description: 'a unit code inside your unit (at least one of unit, assignee)' },
        assignee: { type: 'text', description: 'a member id' },
      },
      reasonRequired: true,
    });
  }
  const extensible = view.clocks.filter((c) => {
    const def = procedure.clocks[c.name];
    if (!def?.extension || c.extensions >= def.extension.max) return false;
    return c.status === 'running' || (c.status === 'expired' && !def.extension.noticeBeforeDeadline);
  });
  if (extensible.length > 0) {
    out.push({
      action: SupervisorActions.extend,
      kind: 'supervisor',
      label: text('Proroger le délai', 'تمديد الأجل'),
      input: { clock: { type: 'choice', options: extensible.map((c) => c.name), default: view.escalation?.clock } },
      reasonRequired: true,
    });
  }
  const prefix = MachineEvents.supervisorDecide('');
  const targets = Object.keys(procedure.machine.states[view.state]?.on ?? {})
    .filter((e) => e.startsWith(prefix))
    .map((e) => e.slice(prefix.length));
  if (targets.length > 0) {
    out.push({
      action: SupervisorActions.decide,
      kind: 'supervisor',
      label: text('Décider', 'البت'),
      input: { state: { type: 'choice', required: true, options: targets } },
      reasonRequired: true,
    });
  }
  return out;
}

/** The actions `p` may take on the case as `view` shows it, under `procedure` (the version the case runs). */
export function availableActions(view: CaseView, procedure: CompiledProcedure, p: Principal, applicantId: string): AvailableAction[] {
  if (view.status === 'closed') return [];
  const task = view.tasks[0];
  const escalationUnits = view.escalation ? (view.escalation.units ?? [view.escalation.unit]) : [];
  const supervises = p.roles.includes('supervisor') && !!p.unit && escalationUnits.includes(p.unit);
  const claimedByOther = task?.assignee !== undefined && task.assignee !== p.sub;
  const out: AvailableAction[] = [];

  for (const [name, action] of Object.entries(procedure.states[view.state]?.actions ?? {})) {
    const allowed = action.by.some((role) => {
      if (role === 'applicant') return p.sub === applicantId;
      if (!p.roles.includes(role)) return false;
      if (role === 'supervisor') return supervises;
      return !claimedByOther && p.unit === (task?.unit ?? view.unit);
    });
    if (!allowed && !(task?.assignee !== undefined && task.assignee === p.sub)) continue;
    const byApplicant = action.by.includes('applicant') && p.sub === applicantId;
    out.push({
      action: name,
      kind: 'procedure',
      label: action.label,
      ...(Object.keys(action.input).length ? { input: action.input as Fields } : {}),
      reasonRequired: action.reasonRequired,
      ...(byApplicant && view.waitingUntil ? { dueAt: view.waitingUntil } : {}),
    });
  }
  if (task && !task.assignee && p.roles.includes(task.role) && p.unit === task.unit) {
    out.push({ action: TaskActions.claim, kind: 'task', label: text('Prendre la tâche', 'تولي المهمة'), reasonRequired: false });
  }
  if (task?.assignee !== undefined && (task.assignee === p.sub || supervises)) {
    out.push({ action: TaskActions.release, kind: 'task', label: text('Libérer la tâche', 'التخلي عن المهمة'), reasonRequired: false });
  }
  if (supervises) out.push(...supervisorActions(view, procedure));
  return out;
}
