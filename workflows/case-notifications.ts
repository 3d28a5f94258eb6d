/**
 * Which messages a case sends, and what they say: pure functions from the case's state to the
 * `notify` activity's input. The runtime decides when; this module decides what. Sandbox-safe.
 */
import type { NotifyInput } from '../activities/types';
import type { NotificationEvent, Recipient } from '../definitions/schema';
import type { CaseState } from './case-state';
import type { CaseInput } from './messages';

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

/** The clock a message speaks of by default: the first running one, else the first declared. */
export function mainClock(input: CaseInput, s: CaseState): string | undefined {
  const names = Object.keys(input.procedure.clocks);
  return names.find((n) => s.clocks[n]?.status === 'running') ?? names[0];
}

/** The `notify` activity's input for `message`, with the template variables of the moment. */
export function notifyRequest(input: CaseInput, s: CaseState, message: Message, extra: Record<string, unknown>): NotifyInput {
  const procedure = input.procedure;
  const clockName = typeof extra.clock === 'string' ? extra.clock : mainClock(input, s);
  const clock = clockName ? s.clocks[clockName] : undefined;
  const stateDef = procedure.states[s.state];
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
      role: s.task?.role ?? stateDef?.task?.role ?? 'agent',
      // Where the people concerned are: the unit the escalation reached, else where the task waits.
      unit: s.escalation?.unit ?? s.task?.unit ?? input.unit.code,
      ...(s.task?.assignee ? { assignee: s.task.assignee } : {}),
      ...(stateDef?.task?.title ? { title: stateDef.task.title } : {}),
    },
    vars: {
      ...extra,
      state: s.state,
      stateLabel: stateDef?.label,
      filedAt: s.filedAt,
      ...(s.outcome ? { outcome: s.outcome } : {}),
      ...(clockName && clock
        ? { clock: clockName, clockLabel: procedure.clocks[clockName]?.label, dueAt: clock.dueAt, dueDate: clock.dueDate, extensions: clock.extensions }
        : {}),
      ...(s.escalation ? { escalation: { level: s.escalation.level, unit: s.escalation.unit } } : {}),
    },
  };
}
