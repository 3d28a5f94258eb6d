/**
 * The dispatcher of `notice_queue`: messages queued in bulk (the calendar pass's `deadline_moved`
 * notices) are rendered and sent through the case's own path (`notify`: recipients from the
 * directory, templates, the outbox, the mail channel). Every worker runs it; a batch is leased
 * (`not_before` pushed forward, rows skipped when locked), so two workers never send one twice at
 * once, and the outbox's ids (case, occurrence, event, recipient) make a resend after a crash a
 * no-op. A failure is kept with its error and retried later, with a growing delay: never dropped.
 */
import type { Db } from '../db/pool';
import type { NotifyInput } from './types';

export interface DispatchReport {
  sent: number;
  failed: number;
}

const LEASE_SECONDS = 300;

export async function dispatchNotices(
  db: Db,
  notify: (input: NotifyInput) => Promise<unknown>,
  options: { batch?: number; log?: { warn(fields: Record<string, unknown>, message: string): void } } = {},
): Promise<DispatchReport> {
  const report: DispatchReport = { sent: 0, failed: 0 };
  const { rows } = await db.query<{ id: string; input: NotifyInput; attempts: number }>(
    `UPDATE notice_queue q SET not_before = now() + make_interval(secs => ${LEASE_SECONDS})
      WHERE q.id IN (SELECT id FROM notice_queue WHERE not_before <= now() ORDER BY not_before, id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING q.id, q.input, q.attempts`,
    [options.batch ?? 100],
  );
  for (const row of rows) {
    try {
      await notify(row.input);
      await db.query('DELETE FROM notice_queue WHERE id = $1', [row.id]);
      report.sent += 1;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // 30 s, 1 min, 2 min... at most an hour between attempts.
      const delay = Math.min(3600, 30 * 2 ** Math.min(row.attempts, 7));
      await db.query(
        `UPDATE notice_queue SET attempts = attempts + 1, last_error = $2, not_before = now() + make_interval(secs => $3) WHERE id = $1`,
        [row.id, message.slice(0, 2000), delay],
      );
      options.log?.warn({ notice: row.id, caseId: row.input.caseId, attempts: row.attempts + 1, retryInSeconds: delay }, `queued notice not sent: ${message}`);
      report.failed += 1;
    }
  }
  return report;
}
