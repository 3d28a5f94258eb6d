/**
 * The `notify` activity: resolve recipients, render every message, record them all in the outbox,
 * then send what is not sent yet. Idempotent by outbox id: a retried or repeated call with the same
 * (case, occurrence, event) sends nothing that already went out.
 *
 * A recipient kind that reaches nobody (no member holds the role at the unit, the assignee left
 * the directory) is recorded in `notification_problems`, returned for the case's journal, and, for
 * staff kinds, mailed to the supervisors of the unit (or of the nearest unit above that has some)
 * as a configuration problem.
 *
 * Failures: a template that cannot render is permanent (`TemplateError`, non-retryable); a message
 * the channel refused (mail server down) is transient: the row is marked failed and a plain Error
 * makes Temporal retry the activity with backoff.
 */
import { ApplicationFailure } from '@temporalio/common';
import { supervisingAuthority, unitTitle } from '../../db/authorities';
import { recordProblems } from '../../db/notification-problems';
import { insertOutbox, type NewOutboxMessage, outboxId } from '../../db/outbox';
import type { Db } from '../../db/pool';
import { getProcedure } from '../../db/procedures';
import type { Label, Recipient } from '../../definitions/schema';
import type { NotifyInput, NotifyResult } from '../types';
import type { Channel } from './channels/channel';
import type { DocumentIssuer } from '../../documents/issue';
import { attachmentFor, documentAttachments } from './attachments';
import { buildContext, type PrivacyNotice } from './context';
import { deliverMessages, type NotificationLog, silentLog } from './delivery';
import { type Member, type RecipientDirectory, resolveRecipients, STAFF_KINDS, type UnreachedKind } from './recipients';
import { createRenderer, type Renderer, TemplateError } from './render';
import type { Language } from '../../definitions/schema';

export interface NotificationDeps {
  db: Db;
  directory: RecipientDirectory;
  channel: Channel;
  /** @default createRenderer() over the shipped templates */
  renderer?: Renderer;
  log?: NotificationLog;
  /** The address people reach Masar at, for links in messages (`MASAR_PUBLIC_URL`). @default DEFAULT_PUBLIC_URL */
  publicUrl?: string;
  /** Issues the sealed receipt and decision the applicant's messages carry. @default none: no attachment */
  documents?: DocumentIssuer;
  /** The processing notice receipts carry. @default DEFAULT_PRIVACY_NOTICE */
  privacy?: PrivacyNotice;
}

export interface NotificationActivities {
  notify(input: NotifyInput): Promise<NotifyResult>;
}

/** The failure type of a template that cannot be rendered (carried by `ApplicationFailure.type`). */
export const TEMPLATE_ERROR = 'TemplateError';

/** The template of the configuration-problem mail to supervisors. */
export const UNDELIVERABLE_TEMPLATE = 'undeliverable';

// The tree is 4 levels deep; the bound only stops a hand-made cycle.
const MAX_CLIMB = 8;

type Person = { id: string; name: string; address: string; language: Language };

export function createNotificationActivities(deps: NotificationDeps): NotificationActivities {
  const renderer = deps.renderer ?? createRenderer();
  const log = deps.log ?? silentLog;
  const { directory } = deps;

  const attachments = deps.documents ? documentAttachments(deps.documents, log) : undefined;

  function render(input: NotifyInput, recipient: Person & { kinds?: Recipient[] }, event: string = input.event): NewOutboxMessage {
    const attach = deps.documents ? attachmentFor(event, recipient.kinds ?? []) : undefined;
    let rendered;
    try {
      const context = buildContext(input, recipient, { ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}), ...(deps.privacy ? { privacy: deps.privacy } : {}) });
      rendered = renderer.render(input.template, recipient.language, context, input.override);
    } catch (err) {
      if (err instanceof TemplateError) {
        throw ApplicationFailure.nonRetryable(`case ${input.caseId}, event ${input.event}: ${err.message}`, TEMPLATE_ERROR);
      }
      throw err;
    }
    return {
      id: outboxId(input.caseId, input.occurrence, event, recipient.id),
      caseId: input.caseId,
      occurrence: input.occurrence,
      event,
      template: input.template,
      recipient: recipient.id,
      recipientName: recipient.name,
      address: recipient.address,
      language: recipient.language,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      ...(attach ? { attach } : {}),
    };
  }

  async function unitName(code: string | undefined): Promise<Label | undefined> {
    return code ? (await directory.getUnit(code))?.name : undefined;
  }

  /**
   * Units are named in messages by their name and kind, never their code: look them up once here.
   * `unitTitle`: the case's unit by kind (`la commune de Tanger`); `escalation.unitName`,
   * `escalation.unitTitle` and `escalation.authority`: the unit the case climbed to and the State's
   * authority there (`les services du gouverneur de la préfecture de Tanger-Assilah`).
   */
  async function withUnitNames(input: NotifyInput): Promise<NotifyInput> {
    const vars = { ...input.vars };
    const own = input.unit?.code ? await directory.getUnit(input.unit.code) : undefined;
    if (own?.kind && vars.unitTitle === undefined) vars.unitTitle = unitTitle({ kind: own.kind, name: own.name });
    const escalation = vars.escalation;
    if (typeof escalation === 'object' && escalation !== null && !Array.isArray(escalation)) {
      const e = escalation as Record<string, unknown>;
      const unit = typeof e.unit === 'string' && !e.unitName ? await directory.getUnit(e.unit) : undefined;
      const named = unit?.kind ? { kind: unit.kind, name: unit.name } : undefined;
      const authority = named && supervisingAuthority(named.kind);
      if (unit) {
        vars.escalation = { ...e, unitName: unit.name, ...(named ? { unitTitle: unitTitle(named) } : {}), ...(named && authority ? { authority: authority.name(named) } : {}) };
      }
    }
    const taskUnitName = input.task ? await unitName(input.task.unit) : undefined;
    return { ...input, vars, ...(input.task ? { task: { ...input.task, ...(taskUnitName ? { unitName: taskUnitName } : {}) } } : {}) };
  }

  /**
   * The supervisors to tell about a staff kind that reached nobody: those of the unit concerned,
   * else of the nearest unit above with some. For missing supervisors, the search starts above.
   */
  async function supervisorsFor(problem: UnreachedKind, input: NotifyInput): Promise<Member[]> {
    let code: string | null | undefined = problem.unit ?? input.task?.unit ?? input.unit.code;
    if (problem.kind === 'supervisors' && code) code = (await directory.getUnit(code))?.parentCode;
    for (let i = 0; code && i < MAX_CLIMB; i++) {
      const found = await directory.supervisors(code);
      if (found.length > 0) return found;
      code = (await directory.getUnit(code))?.parentCode;
    }
    return [];
  }

  /** The mails telling supervisors, and the problems to record. */
  async function raise(input: NotifyInput, unreached: UnreachedKind[]): Promise<{ messages: NewOutboxMessage[]; alerted: string[] }> {
    const staff = unreached.filter((u) => STAFF_KINDS.includes(u.kind));
    const supervisors = new Map<string, Member>();
    for (const problem of staff) for (const s of await supervisorsFor(problem, input)) supervisors.set(s.id, s);
    const roles = staff.some((u) => u.role) ? (await getProcedure(deps.db, input.procedure.id, input.procedure.version))?.compiled.roles : undefined;
    const problems = [];
    for (const u of staff) {
      const roleLabel = u.role ? roles?.[u.role] : undefined;
      const name = await unitName(u.unit);
      problems.push({ kind: u.kind, ...(u.role ? { role: u.role } : {}), ...(roleLabel ? { roleLabel } : {}), ...(u.unit ? { unit: u.unit } : {}), ...(name ? { unitName: name } : {}), ...(u.assignee ? { assignee: u.assignee } : {}) });
    }
    const alert: NotifyInput = {
      ...input,
      template: UNDELIVERABLE_TEMPLATE,
      to: ['supervisors'],
      vars: { undeliverable: { template: input.template, event: input.event, problems } },
    };
    delete alert.override;
    const messages: NewOutboxMessage[] = [];
    for (const s of supervisors.values()) {
      const address = s.email?.trim();
      if (!address) continue;
      messages.push(render(alert, { id: s.id, name: s.name, address, language: s.language === 'ar' ? 'ar' : 'fr' }, `undeliverable:${input.event}`));
    }
    return { messages, alerted: messages.map((m) => m.recipient) };
  }

  return {
    async notify(raw) {
      const input = await withUnitNames(raw);
      const { recipients, skipped, unreached } = await resolveRecipients(input, directory);
      for (const s of skipped) {
        log.warn({ caseId: input.caseId, event: input.event, recipient: s.recipient, kind: s.kind }, `notification skipped: ${s.reason}`);
      }
      // Render everything before recording anything: a template error leaves no half-written batch.
      const messages = recipients.map((r) => render(input, r));
      const raised = unreached.length > 0 ? await raise(input, unreached) : { messages: [], alerted: [] };
      for (const u of unreached) {
        log.warn({ caseId: input.caseId, event: input.event, kind: u.kind, role: u.role, unit: u.unit, alerted: raised.alerted }, `notification undeliverable: ${u.reason}`);
      }
      await recordProblems(
        deps.db,
        unreached.map((u) => ({
          caseId: input.caseId,
          reference: input.reference,
          occurrence: input.occurrence,
          event: input.event,
          template: input.template,
          kind: u.kind,
          role: u.role ?? null,
          unit: u.unit ?? null,
          assignee: u.assignee ?? null,
          reason: u.reason,
          alerted: STAFF_KINDS.includes(u.kind) ? raised.alerted : [],
        })),
      );
      const all = [...messages, ...raised.messages];
      await insertOutbox(deps.db, all);

      const reports = await deliverMessages(deps.db, deps.channel, all.map((m) => m.id), { wait: true, log, attachments });
      const failed = reports.filter((r) => r.status !== 'sent');
      if (failed.length > 0) {
        const errors = [...new Set(failed.map((r) => r.error ?? 'held by another sender'))].join('; ');
        // Transient: Temporal retries; rows already sent are skipped on the next attempt.
        throw new Error(
          `notify case ${input.caseId}, event ${input.event}: ${failed.length} of ${reports.length} messages not sent ` +
            `(outbox ids ${failed.map((r) => r.id).join(', ')}): ${errors}; they stay in notification_outbox and are sent on retry`,
        );
      }
      const alertIds = new Set(raised.messages.map((m) => m.id));
      return {
        messages: reports.filter((r) => !alertIds.has(r.id)).map((r) => ({ id: r.id, recipient: r.recipient, status: r.status })),
        ...(skipped.length > 0 ? { skipped: skipped.map((s) => ({ recipient: s.recipient, reason: s.reason })) } : {}),
        ...(unreached.length > 0
          ? {
              undeliverable: unreached.map((u) => ({
                kind: u.kind,
                reason: u.reason,
                ...(u.role ? { role: u.role } : {}),
                ...(u.unit ? { unit: u.unit } : {}),
                ...(u.assignee ? { assignee: u.assignee } : {}),
              })),
              alerted: raised.alerted,
            }
          : {}),
      };
    },
  };
}
