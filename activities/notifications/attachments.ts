/**
 * The case documents a message carries: the applicant's receipt (`case_filed`) and decision
 * (`decided`) messages attach the sealed PDF. The outbox row names the document; each attempt to
 * send asks for it again, and since a document is issued once, every attempt (the activity's
 * retries, the sweeper's) attaches the very same bytes.
 *
 * Hazard, ordering: the workflow sends the message while it projects the case, and issuing reads
 * the read model, so a first attempt may find the case (or its outcome) not projected yet: that
 * attempt fails and is retried. After a few attempts the message goes without its attachment
 * rather than never (the applicant can still download the PDF).
 */
import type { OutboxMessage } from '../../db/outbox';
import { issueCaseDocument, NotIssuable, type DocumentIssuer } from '../../documents/issue';
import type { Recipient } from '../../definitions/schema';
import type { AttachmentSource, NotificationLog } from './delivery';

/** Attempts after which a message whose document cannot be issued goes without it. */
export const ATTACH_ATTEMPTS = 4;

/** Which document a message of `event` to a recipient of `kinds` carries, if any. */
export function attachmentFor(event: string, kinds: Recipient[]): 'receipt' | 'decision' | undefined {
  if (!kinds.includes('applicant')) return undefined;
  if (event === 'case_filed') return 'receipt';
  if (event === 'decided') return 'decision';
  return undefined;
}

/** Fetches (issuing once) the document a message names. */
export function documentAttachments(issuer: DocumentIssuer, log: NotificationLog): AttachmentSource {
  return async (message: OutboxMessage) => {
    if (!message.attach) return [];
    try {
      const issued = await issueCaseDocument(issuer, message.caseId, message.attach);
      return [{ filename: issued.filename, content: issued.pdf, contentType: 'application/pdf' }];
    } catch (err) {
      if (err instanceof NotIssuable && message.attempts + 1 >= ATTACH_ATTEMPTS) {
        log.warn({ outboxId: message.id, caseId: message.caseId, attach: message.attach, reason: err.reason }, 'message sent without its document: it could not be issued');
        return [];
      }
      throw err;
    }
  };
}
