/**
 * Cases that need an administrator: a step failed in a way no retry fixes (a value the read model
 * cannot store, a clock that cannot be computed), so the case waits instead of looping.
 * `GET /attention` lists them with the error; `POST /attention/{id}/retry` asks the case to try
 * again once the cause is fixed. What an administrator does: docs/operations.md.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { listAttention, needsAttention } from '../../db/attention';
import { decodeCursor } from '../../db/cases';
import { requireAdmin } from '../access';
import { API, type RouteContext } from '../app';
import { authenticate, principalOf } from '../auth';
import { route } from '../http';
import { intQuery } from '../params';
import { badRequest, notFound, parseOr } from '../problems';
import { CaseIdParam } from './cases';

const AttentionQuery = z.strictObject({
  limit: intQuery(1, 100).default(20),
  cursor: z.string().max(500).optional(),
});

export function registerAttentionRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);

  app.get(
    `${API}/attention`,
    auth,
    route(async (req, res) => {
      requireAdmin(principalOf(req), 'the list of cases that need attention');
      const q = parseOr(AttentionQuery, req.query, 'query');
      const values = q.cursor ? decodeCursor(q.cursor, 2) : undefined;
      if (q.cursor && (!values || typeof values[0] !== 'string' || Number.isNaN(Date.parse(values[0])) || typeof values[1] !== 'string')) {
        throw badRequest('the cursor is not one this list produced (start again without it)', [{ path: 'cursor', message: 'invalid' }]);
      }
      const rows = await listAttention(ctx.deps.db, { limit: q.limit + 1, ...(values ? { after: [String(values[0]), String(values[1])] as [string, string] } : {}) });
      const items = rows.slice(0, q.limit);
      const last = items[items.length - 1];
      const next = rows.length > q.limit && last ? Buffer.from(JSON.stringify([last.since, last.caseId])).toString('base64url') : undefined;
      res.json({ items, ...(next ? { next } : {}) });
    }),
  );

  app.post(
    `${API}/attention/:id/retry`,
    auth,
    route(async (req, res) => {
      requireAdmin(principalOf(req), 'retrying a case that needs attention');
      const { id } = parseOr(CaseIdParam, req.params, 'params');
      if (!(await needsAttention(ctx.deps.db, id))) throw notFound(`case ${id} does not need attention (see GET ${API}/attention)`);
      await ctx.deps.engine.retryAttention(id);
      res.status(202).json({ caseId: id, retry: 'requested' });
    }),
  );
}
