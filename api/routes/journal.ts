/**
 * `GET /journal/verify`: administrators ask whether the journal still proves itself (chain,
 * signatures, checkpoints; `db/journal-verify.ts`). One case with `case=ID`, or a page of cases in
 * case id order with `after` and `limit`, so a national database is verified in bounded requests.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { journalCaseExists, verifyJournal, verifyJournals, type JournalReport } from '../../db/journal-verify';
import { NO_JOURNAL_KEYS } from '../../db/journal-keys';
import { requireAdmin } from '../access';
import { API, type RouteContext } from '../app';
import { authenticate, principalOf } from '../auth';
import { route } from '../http';
import { notFound, parseOr } from '../problems';

const CASE_ID = /^[A-Za-z0-9-]{1,100}$/;

/** Largest page: each case costs two queries. */
export const MAX_VERIFY_PAGE = 1000;

const VerifyQuery = z.strictObject({
  case: z.string().regex(CASE_ID, 'must be a case id (letters, digits and "-", at most 100)').optional(),
  after: z.string().regex(CASE_ID, 'must be a case id, the "next" of the previous page').optional(),
  limit: z.coerce.number().int().min(1).max(MAX_VERIFY_PAGE, `must be at most ${MAX_VERIFY_PAGE}`).default(100),
}).refine((q) => !(q.case && q.after), { message: 'give either "case" or "after", not both', path: ['after'] });

export function registerJournalRoutes(app: Express, ctx: RouteContext): void {
  app.get(
    `${API}/journal/verify`,
    authenticate(ctx.deps.verifyToken),
    route(async (req, res) => {
      requireAdmin(principalOf(req), 'verifying the journal');
      const query = parseOr(VerifyQuery, req.query, 'query');
      const keyring = ctx.deps.journalKeys ?? NO_JOURNAL_KEYS;
      let report: JournalReport;
      if (query.case) {
        if (!(await journalCaseExists(ctx.deps.db, query.case))) throw notFound(`no case ${query.case} in the read model or the journal`);
        const verdict = await verifyJournal(ctx.deps.db, query.case, keyring);
        report = { checked: 1, intact: verdict.ok ? 1 : 0, broken: verdict.ok ? [] : [verdict] };
      } else {
        report = await verifyJournals(ctx.deps.db, { ...(query.after ? { after: query.after } : {}), limit: query.limit, keyring });
      }
      res.json({ ...report, signaturesChecked: keyring.verifying.size > 0 });
    }),
  );
}
