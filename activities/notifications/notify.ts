/**
 * The `notify` activity: resolve recipients, render every message, record them all in the outbox,
 * then send what is not sent yet. Idempotent by outbox id: a retried or repeated call with the same
 * (case, occurrence, event) sends nothing that already went out.
 *
 * Failures: a template that cannot render is permanent (`TemplateError`, non-retryable); a message
 * the channel refused (mail server down) is transient: the row is marked failed and a plain Error
 * makes Temporal retry the activity with backoff.
 */
import { ApplicationFailure } from '@temporalio/common';
import { insertOutbox, type NewOutboxMessage, outboxId } from '../../db/outbox';
import type { Db } from '../../db/pool';
import type { NotifyInput, NotifyResult } from '../types';
import type { Channel } from './channels/channel';
import { buildContext } from './context';
import { deliverMessages, type NotificationLog, silentLog } from './delivery';
import { resolveRecipients, type RecipientDirectory } from './recipients';
import { createRenderer, type Renderer, TemplateError } from './render';
import type { Language } from '../../definitions/schema';

export interface NotificationDeps {
  db: Db;
  directory: RecipientDirectory;
  channel: Channel;
  /** @default createRenderer() over the shipped templates */
  renderer?: Renderer;
  log?: NotificationLog;
}

export interface NotificationActivities {
  notify(input: NotifyInput): Promise<NotifyResult>;
}

/** The failure type of a template that cannot be rendered (carried by `ApplicationFailure.type`). */
export const TEMPLATE_ERROR = 'TemplateError';

export function createNotificationActivities(deps: NotificationDeps): NotificationActivities {
  const renderer = deps.renderer ?? createRenderer();
  const log = deps.log ?? silentLog;

  function render(input: NotifyInput, recipient: { id: string; name: string; address: string; language: Language }): NewOutboxMessage {
    let rendered;
    try {
      rendered = renderer.render(input.template, recipient.language, buildContext(input, recipient), input.override);
    } catch (err) {
      if (err instanceof TemplateError) {
        throw ApplicationFailure.nonRetryable(`case ${input.caseId}, event ${input.event}: ${err.message}`, TEMPLATE_ERROR);
      }
      throw err;
    }
    return {
      id: outboxId(input.caseId, input.occurrence, input.event, recipient.id),
      caseId: input.caseId,
      occurrence: input.occurrence,
      event: input.event,
      template: input.template,
      recipient: recipient.id,
      recipientName: recipient.name,
      address: recipient.address,
      language: recipient.language,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
    };
  }

  return {
    async notify(input) {
      const { recipients, skipped } = await resolveRecipients(input, deps.directory);
      for (const s of skipped) {
        log.warn({ caseId: input.caseId, event: input.event, recipient: s.recipient, kind: s.kind }, `notification skipped: ${s.reason}`);
      }
      // Render everything before recording anything: a template error leaves no half-written batch.
      const messages = recipients.map((r) => render(input, r));
      await insertOutbox(deps.db, messages);

      const reports = await deliverMessages(deps.db, deps.channel, messages.map((m) => m.id), { wait: true, log });
      const failed = reports.filter((r) => r.status !== 'sent');
      if (failed.length > 0) {
        const errors = [...new Set(failed.map((r) => r.error ?? 'held by another sender'))].join('; ');
        // Transient: Temporal retries; rows already sent are skipped on the next attempt.
        throw new Error(
          `notify case ${input.caseId}, event ${input.event}: ${failed.length} of ${reports.length} messages not sent ` +
            `(outbox ids ${failed.map((r) => r.id).join(', ')}): ${errors}; they stay in notification_outbox and are sent on retry`,
        );
      }
      return {
        messages: reports.map((r) => ({ id: r.id, recipient: r.recipient, status: r.status })),
        ...(skipped.length > 0 ? { skipped: skipped.map((s) => ({ recipient: s.recipient, reason: s.reason })) } : {}),
      };
    },
  };
}
