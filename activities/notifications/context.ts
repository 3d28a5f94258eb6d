/**
 * The variables a template sees. Fixed names (`reference`, `caseId`, `procedure`, `unit`,
 * `applicant`, `recipient`, `task`, `links`, plus `lang` and `dir` set by the renderer) win over
 * `NotifyInput.vars` of the same name; the event's own variables (`dueDate`, `answerBy`, `reason`,
 * `outcome`, `inputs`...) come from `vars`. docs/notifications.md lists what each template needs.
 */
import { DEFAULT_PRIVACY_NOTICE, type PrivacyNotice } from '../../documents/privacy-notice';
import type { NotifyInput } from '../types';

/** Where Masar answers when no public URL is configured: the API of `npm start`. */
export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:8080';

export { DEFAULT_PRIVACY_NOTICE, type PrivacyNotice } from '../../documents/privacy-notice';

export interface ContextOptions {
  /** The address people reach Masar at (`MASAR_PUBLIC_URL`), without a trailing slash. @default DEFAULT_PUBLIC_URL */
  publicUrl?: string;
  /** @default DEFAULT_PRIVACY_NOTICE */
  privacy?: PrivacyNotice;
}

/** Links a message may give, under the public URL: the case, the caller's tasks, the escalations. */
export function linksFor(caseId: string, publicUrl: string = DEFAULT_PUBLIC_URL): { case: string; tasks: string; escalations: string } {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    case: `${base}/api/v1/cases/${encodeURIComponent(caseId)}`,
    tasks: `${base}/api/v1/tasks`,
    escalations: `${base}/api/v1/escalations`,
  };
}

export function buildContext(input: NotifyInput, recipient: { name: string }, options: ContextOptions = {}): Record<string, unknown> {
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
    links: linksFor(input.caseId, options.publicUrl),
    privacy: options.privacy ?? DEFAULT_PRIVACY_NOTICE,
    // Absent, not undefined: a template that needs a task then fails loudly in strict mode.
    ...(input.task ? { task: input.task } : {}),
  };
}
