/**
 * `GET /journal/verify`: administrators ask whether the journal still proves itself (chain,
 * signatures, checkpoints; `db/journal-verify.ts`). One case with `case=ID`, or a page of cases in
 * case id order with `after` and `limit`, so a national database is verified in bounded requests.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { verifyCaseJournals } from '../../usecases/journal';
import { authenticate, principalOf } from '../auth';
import { API, type RouteContext } from '../context';
import { route } from '../http';
import { intQuery } from '../params';
import { parseOr } from '../problems';

const CASE_ID = /^[A-Za-z0-9-]{1,100}$/;

/** Largest page: each case costs two queries. */
export const MAX_VERIFY_PAGE = 1000;

const VerifyQuery = z.strictObject({
  case: z.string().regex(CASE_ID, 'must be a case id (letters, digits and "-", at most 100)').optional(),
  after: z.string().regex(CASE_ID, 'must be a case id, the "next" of the previous page').optional(),
  limit: intQuery(1, MAX_VERIFY_PAGE).default(100),
}).refine((q) => !(q.case && q.after), { message: 'give either "case" or "after", not both', path: ['after'] });

export function registerJournalRoutes(app: Express, ctx: RouteContext): void {
  app.get(
    `${API}/journal/verify`,
    authenticate(ctx.deps.verifyToken),
    route(async (req, res) => {
      const query = parseOr(VerifyQuery, req.query, 'query');
      const scope = query.case ? { case: query.case } : { ...(query.after ? { after: query.after } : {}), limit: query.limit };
      res.json(await verifyCaseJournals(ctx.deps, principalOf(req), scope));
    }),
  );
}
