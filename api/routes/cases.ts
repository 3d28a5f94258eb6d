/**
 * Reading cases: `GET /cases` (filtered, keyset-paginated list in the caller's scope),
 * `GET /cases/{id}` (the read model, or the workflow itself with `?consistent=true`) and
 * `GET /cases/{id}/journal`. The rules are in `usecases/read-cases.ts`.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { listCases, readCase, readCaseJournal } from '../../usecases/read-cases';
import { authenticate, principalOf } from '../auth';
import { caseResource } from '../case-resource';
import { API, type RouteContext } from '../context';
import { apiRoute, route } from '../http';
import { parseOr } from '../problems';
import { intQuery, isoDateOrInstant } from '../params';
import { CaseIdParam, caseListCursor } from '../schemas';

const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');
const instantParam = isoDateOrInstant();

export const ListCasesQuery = z.strictObject({
  procedure: z.string().max(100).optional(),
  state: z.string().max(100).optional(),
  unit: z.string().max(50).optional(),
  status: z.enum(['open', 'closed']).optional(),
  overdue: booleanParam.optional(),
  escalated: booleanParam.optional(),
  filedFrom: instantParam.optional(),
  filedTo: instantParam.optional(),
  sort: z.enum(['filedAt', '-filedAt', 'updatedAt', '-updatedAt']).default('-filedAt'),
  limit: intQuery(1, 100).default(20),
  cursor: z.string().max(500).optional(),
});

const JournalQuery = z.strictObject({
  after: intQuery(0).default(0),
  limit: intQuery(1, 500).default(100),
});

const ConsistentQuery = z.strictObject({ consistent: booleanParam.optional() });

export function registerCaseRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);

  app.get(
    `${API}/cases`,
    auth,
    ctx.limited,
    route(async (req, res) => {
      const p = principalOf(req);
      const q = parseOr(ListCasesQuery, req.query, 'query');
      const page = await listCases(
        ctx.useCases,
        p,
        {
          ...(q.procedure ? { procedureId: q.procedure } : {}),
          ...(q.state ? { state: q.state } : {}),
          ...(q.unit ? { unit: q.unit } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
          ...(q.escalated !== undefined ? { escalated: q.escalated } : {}),
          ...(q.filedFrom ? { filedFrom: q.filedFrom } : {}),
          ...(q.filedTo ? { filedTo: q.filedTo } : {}),
        },
        { limit: q.limit, sort: q.sort, cursor: caseListCursor(q.cursor) },
      );
      res.json({
        items: page.items.map((i) => caseResource(i.record, { personal: i.personal, withData: false })),
        ...(page.next ? { next: page.next } : {}),
      });
    }),
  );

  app.get(
    `${API}/cases/:id`,
    auth,
    ctx.limited,
    route(async (req, res) => {
      const p = principalOf(req);
      const { id } = parseOr(CaseIdParam, req.params, 'params');
      const { consistent } = parseOr(ConsistentQuery, req.query, 'query');
      const { record, access, view, actions } = await readCase(ctx.useCases, p, id, { consistent, via: apiRoute(req) });
      res.json(caseResource(record, { personal: access.personal, withData: true, actions, ...(view ? { view } : {}) }));
    }),
  );

  app.get(
    `${API}/cases/:id/journal`,
    auth,
    ctx.limited,
    route(async (req, res) => {
      const p = principalOf(req);
      const { id } = parseOr(CaseIdParam, req.params, 'params');
      const q = parseOr(JournalQuery, req.query, 'query');
      res.json(await readCaseJournal(ctx.useCases, p, id, { after: q.after, limit: q.limit }, apiRoute(req)));
    }),
  );
}
