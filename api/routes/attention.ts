/**
 * `GET /attention` (cases that need an administrator, with the error) and
 * `POST /attention/{id}/retry` (ask one to retry once its cause is fixed). The rules are in
 * `usecases/attention.ts`; what an administrator does is in docs/operations.md.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { decodeCursor } from '../../db/cases';
import { authorizeAttention, casesNeedingAttention, retryAttention } from '../../usecases/attention';
import { authenticate, principalOf } from '../auth';
import { API, type RouteContext } from '../context';
import { route } from '../http';
import { intQuery } from '../params';
import { parseOr } from '../problems';
import { badCursor, CaseIdParam } from '../schemas';

const AttentionQuery = z.strictObject({
  limit: intQuery(1, 100).default(20),
  cursor: z.string().max(500).optional(),
});

/** The cursor's (since, case id), or a 400 when it is not one this list produced. */
function attentionCursor(cursor: string | undefined): [string, string] | undefined {
  if (cursor === undefined) return undefined;
  const values = decodeCursor(cursor, 2);
  const [since, caseId] = values ?? [];
  if (typeof since !== 'string' || Number.isNaN(Date.parse(since)) || typeof caseId !== 'string') throw badCursor();
  return [since, caseId];
}

export function registerAttentionRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);

  app.get(
    `${API}/attention`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      authorizeAttention(p, 'the list of cases that need attention');
      const q = parseOr(AttentionQuery, req.query, 'query');
      const page = await casesNeedingAttention(ctx.useCases, p, { limit: q.limit, after: attentionCursor(q.cursor) });
      const next = page.next ? Buffer.from(JSON.stringify(page.next)).toString('base64url') : undefined;
      res.json({ items: page.items, ...(next ? { next } : {}) });
    }),
  );

  app.post(
    `${API}/attention/:id/retry`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      authorizeAttention(p, 'retrying a case that needs attention');
      const { id } = parseOr(CaseIdParam, req.params, 'params');
      await retryAttention(ctx.useCases, p, id);
      res.status(202).json({ caseId: id, retry: 'requested' });
    }),
  );
}
