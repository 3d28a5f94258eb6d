/**
 * The variables a template sees. Fixed names (`reference`, `caseId`, `procedure`, `unit`,
 * `applicant`, `recipient`, `task`, plus `lang` and `dir` set by the renderer) win over
 * `NotifyInput.vars` of the same name; the event's own variables (`dueDate`, `reason`,
 * `outcome`...) come from `vars`. docs/notifications.md lists what each template needs.
 */
import type { NotifyInput } from '../types';

export function buildContext(input: NotifyInput, recipient: { name: string }): Record<string, unknown> {
  // The JSON round trip drops `undefined` values exactly as Temporal's payload converter does, so a
  // variable set to `undefined` counts as missing here too (and strict mode reports it).
  const vars = JSON.parse(JSON.stringify(input.vars)) as Record<string, unknown>;
  return {
    ...vars,
    caseId: input.caseId,
    reference: input.reference,
    procedure: input.procedure,
    unit: input.unit,
    // The applicant's name only: an address has no business in a message body.
    applicant: { id: input.applicant.id, name: input.applicant.name },
    recipient: { name: recipient.name },
    // Absent, not undefined: a template that needs a task then fails loudly in strict mode.
    ...(input.task ? { task: input.task } : {}),
  };
}
