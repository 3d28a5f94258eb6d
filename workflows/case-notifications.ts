/**
 * Which messages a case sends, and what they say: pure functions from the case's state to the
 * `notify` activity's input. The runtime decides when; this module decides what. Sandbox-safe.
 */
import type { NotifyInput } from '../activities/types';
import type { NotificationEvent, Recipient } from '../definitions/schema';
import { ownValue } from '../definitions/compiled';
import { describeInput } from './action-inputs';
import type { CaseState } from './case-state';
import type { ActRequest, CaseInput } from './messages';

/** One message to send: a template to a set of recipients, keyed for deduplication. */
export interface Message {
  event: NotificationEvent;
  template: string;
  to: Recipient[];
  /** With the journal sequence, the stable occurrence key of the message. */
  key: string;
}

/** The messages the procedure's rules attach to `event` in the case's current state. */
export function messagesFor(input: CaseInput, s: CaseState, event: NotificationEvent): Message[] {
  const procedure = input.procedure;
  const messages: Message[] = procedure.notifications
    .filter((rule) => rule.on === event && (!rule.states || rule.states.includes(s.state)))
    .map((rule) => ({ event, template: rule.template, to: rule.to, key: `${event}:${rule.template}` }));
  if (event === 'escalated' && procedure.escalation && !procedure.notifications.some((r) => r.on === 'escalated')) {
    // The escalation policy names its template: supervisors are always told.
    messages.push({ event, template: procedure.escalation.template, to: ['supervisors'], key: 'escalated:policy' });
  }
  return messages;
}

/**
 * The clock whose due date a message of `event` states (docs/notifications.md, "Which date"):
 * the clock the event is about when it names one (reminder, extension, recompute, escalation);
 * else a running clock; for a decision, the clock whose expiry decided (a tacit decision); the
 * receipt falls back to the first declared clock. Otherwise none: a message never states the due
 * date of a clock that is suspended or stopped, which is no longer the date anyone must meet.
 */
export function clockOf(input: CaseInput, s: CaseState, event: NotificationEvent, extra: Record<string, unknown>): string | undefined {
  if (typeof extra.clock === 'string') return extra.clock;
  const names = Object.keys(input.procedure.clocks);
  const running = names.find((n) => s.clocks[n]?.status === 'running');
  if (running) return running;
  switch (event) {
    case 'decided':
    case 'case_closed': {
      const expired = names.filter((n) => s.clocks[n]?.status === 'expired' && s.clocks[n]?.expiredAt);
      // The latest expiry is the one that decided.
      return expired.sort((a, b) => String(s.clocks[b]?.expiredAt).localeCompare(String(s.clocks[a]?.expiredAt)))[0];
    }
    case 'case_filed':
      return names[0];
    case 'task_assigned':
    case 'clock_reminder':
    case 'clock_extended':
    case 'deadline_moved':
    case 'information_requested':
    case 'escalated':
      return undefined;
    default: {
      const never: never = event;
      throw new Error(`unknown notification event ${String(never)}`);
    }
  }
}

/**
 * The template variables of an action being applied: its name and label, its raw `input`, and
 * `inputs`, the filled fields in words (a fee, a refusal ground, a document). Computed before the
 * case moves, from the state the action was taken in.
 */
export function actionVars(input: CaseInput, fromState: string, req: ActRequest): Record<string, unknown> {
  const fromDef = ownValue(input.procedure.states, fromState);
  const action = fromDef && ownValue(fromDef.actions, req.action);
  if (!action) return {};
  return {
    action: { name: req.action, label: action.label },
    ...(req.input && Object.keys(req.input).length > 0 ? { input: req.input } : {}),
    inputs: describeInput(action.input, req.input),
  };
}

/** The `notify` activity's input for `message`, with the template variables of the moment. */
export function notifyRequest(input: CaseInput, s: CaseState, message: Message, extra: Record<string, unknown>): NotifyInput {
  const procedure = input.procedure;
  const clockName = clockOf(input, s, message.event, extra);
  const clock = clockName ? s.clocks[clockName] : undefined;
  const stateDef = procedure.states[s.state];
  const stateTask = stateDef?.kind === 'task' ? stateDef.task : undefined;
  return {
    caseId: input.caseId,
    reference: input.reference,
    // Stable across retries and replays: the journal sequence at the time plus what is sent.
    occurrence: `${s.sequence}:${message.key}`,
    event: message.event,
    template: message.template,
    ...(procedure.templates[message.template] ? { override: procedure.templates[message.template] } : {}),
    to: message.to,
    procedure: { id: procedure.id, version: procedure.version, title: procedure.title, legalBasis: procedure.legalBasis },
    unit: input.unit,
    applicant: input.applicant,
    task: {
      state: s.state,
      role: s.task?.role ?? stateTask?.role ?? 'agent',
      // Where the people concerned are: the unit the escalation reached, else where the task waits.
      unit: s.escalation?.unit ?? s.task?.unit ?? input.unit.code,
      ...(s.task?.assignee ? { assignee: s.task.assignee } : {}),
      ...(stateTask?.title ? { title: stateTask.title } : {}),
    },
    vars: {
      ...extra,
      state: s.state,
      stateLabel: stateDef?.label,
      filedAt: s.filedAt,
      ...(s.outcome ? { outcome: s.outcome } : {}),
      ...(clockName && clock
        ? {
            clock: clockName,
            clockLabel: procedure.clocks[clockName]?.label,
            dueAt: clock.dueAt,
            dueDate: clock.dueDate,
            extensions: clock.extensions,
            // The due date hangs on a religious holiday not yet announced: receipts say so.
            ...(clock.provisional ? { provisionalDates: clock.provisional } : {}),
          }
        : {}),
      // A filing no clock runs for (outgoing mail at the bureau d'ordre): its receipt states no
      // deadline, and says so explicitly; any other receipt without its date fails to render.
      ...(message.event === 'case_filed' && !clock?.dueDate ? { noDeadline: true } : {}),
      ...(s.escalation ? { escalation: { level: s.escalation.level, unit: s.escalation.unit } } : {}),
      // The applicant's own deadline while the case waits for them (a waiting state's timeout),
      // distinct from the administration's `dueDate`.
      ...(s.waitingUntil ? { answerBy: s.waitingUntil } : {}),
      suspendedClocks: Object.keys(procedure.clocks)
        .filter((n) => s.clocks[n]?.status === 'suspended')
        .map((n) => procedure.clocks[n]?.label ?? { fr: n, ar: n }),
    },
  };
}
