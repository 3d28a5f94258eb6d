/**
 * What the caller may do on a case now, shown in the case view the way a form shows its buttons:
 * the current state's actions for their roles, the built-in task actions (claim, release) and the
 * supervisor actions of an escalation, each with its input and, for an applicant the case waits
 * for, the date by which they must act.
 *
 * Advisory only: the workflow's Update validator (`workflows/authorize.ts`) decides when the action
 * is sent, with the live state. These rules follow it, on the projected view.
 */
import type { CaseRecord } from '../db/cases';
import { getProcedure } from '../db/procedures';
import type { CompiledProcedure } from '../definitions/compiled';
import { MachineEvents } from '../definitions/compiled';
import type { Fields, Label } from '../definitions/schema';
import type { CaseView } from '../workflows/messages';
import { SupervisorActions, TaskActions } from '../workflows/messages';
import type { UseCaseDeps } from './deps';
import type { Principal } from './principal';

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

/** Published versions never change: their compiled form is kept once read (keyed by hash too). */
const compiledCache = new Map<string, CompiledProcedure>();
const COMPILED_CACHE_MAX = 200;

/** What `p` may do on the stored case as `view` shows it, under the procedure version it runs. */
export async function actionsFor(deps: Pick<UseCaseDeps, 'db' | 'directory'>, p: Principal, record: CaseRecord, view: CaseView): Promise<AvailableAction[]> {
  const { id, version, hash } = view.procedure;
  const key = `${id}@${version}#${hash}`;
  let compiled = compiledCache.get(key);
  if (!compiled) {
    const published = await getProcedure(deps.db, id, version);
    if (!published || published.hash !== hash) return [];
    compiled = published.compiled;
    if (compiledCache.size >= COMPILED_CACHE_MAX) compiledCache.clear();
    compiledCache.set(key, compiled);
  }
  const actions = availableActions(view, compiled, p, record.applicantId);
  const reassign = actions.find((a) => a.action === SupervisorActions.reassign);
  if (reassign && p.unit) reassign.input = { ...reassign.input, unit: await unitPicker(deps.directory, p.unit) };
  return actions;
}

/**
 * The `unit` of a reassignment as a choice of the active units below the supervisor's (the only ones
 * the workflow accepts), with their names: a form offers these and nothing else. `picker: 'unit'`
 * tells a client it is a unit choice (labels in `optionLabels`).
 */
async function unitPicker(directory: Pick<UseCaseDeps['directory'], 'descendants'>, unit: string): Promise<Record<string, unknown>> {
  const units = (await directory.descendants(unit)).filter((u) => u.active);
  return {
    type: 'choice',
    picker: 'unit',
    description: `a unit inside ${unit} (at least one of unit, assignee)`,
    options: units.map((u) => u.code),
    optionLabels: Object.fromEntries(units.map((u) => [u.code, { fr: `${u.name.fr} (${u.code})`, ar: `${u.name.ar} (${u.code})` }])),
  };
}
