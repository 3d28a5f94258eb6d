/**
 * Cases needing an administrator (a step failed in a way no retry fixes): the list with the error,
 * oldest first, a page at a time, and a retry button for each once its cause is fixed. The rules
 * are `usecases/attention.ts`'s.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { authorizeAttention, casesNeedingAttention, retryAttention } from '../../usecases/attention';
import { notFound } from '../../usecases/errors';
import { page, renderPage, signedIn, type ConsoleContext } from '../context';

const PAGE_SIZE = 20;
const CASE_ID = /^[A-Za-z0-9-]{1,100}$/;
/** The cursor is the last row's (since, case id), as the page wrote it. */
const AttentionQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  after: z.string().regex(CASE_ID).optional(),
  retried: z.string().regex(CASE_ID).optional(),
});

export function registerAdminAttentionPages(router: Router, ctx: ConsoleContext): void {
  router.get(
    '/admin/attention',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const q = AttentionQuery.safeParse(req.query);
      const query = q.success ? q.data : {};
      const after = query.since && query.after ? ([query.since, query.after] as [string, string]) : undefined;
      const { items, next } = await casesNeedingAttention(ctx.useCases, p, { limit: PAGE_SIZE, after });
      renderPage(ctx, req, res, 'admin/attention', 'admin.attention.title', {
        items,
        next: next ? `/admin/attention?since=${encodeURIComponent(next[0])}&after=${encodeURIComponent(next[1])}` : undefined,
        retried: query.retried,
        paged: !!after,
      });
    }),
  );

  router.post(
    '/admin/attention/:id/retry',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      authorizeAttention(p, 'retrying a case that needs attention');
      const id = String(req.params.id);
      if (!CASE_ID.test(id)) throw notFound(`no case ${id.slice(0, 100)} needs attention`);
      await retryAttention(ctx.useCases, p, id);
      res.redirect(303, `/admin/attention?retried=${encodeURIComponent(id)}`);
    }),
  );
}
