/**
 * The access log over HTTP: `GET /cases/{id}/readers` (the applicant: who from the administration
 * consulted their case) and `GET /access-log` (administrators: by person, unit or case). Recording
 * happens in the use cases that read (`usecases/access-log.ts`), not here.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { caseReaders, queryAccessLog } from '../../usecases/access-log';
import { authenticate, principalOf } from '../auth';
import { API, type RouteContext } from '../context';
import { route } from '../http';
import { intQuery, isoDateOrInstant } from '../params';
import { parseOr } from '../problems';
import { CaseIdParam } from '../schemas';

/** A page cursor: the id of the last entry of the previous page. */
const cursor = z.string().regex(/^[1-9]\d{0,17}$/, 'must be the "next" of the previous page');
const ReadersQuery = z.strictObject({ limit: intQuery(1, 200).default(50), cursor: cursor.optional() });
export const AccessLogQuery = z.strictObject({
  actor: z.string().min(1).max(200).optional(),
  unit: z.string().min(1).max(50).optional(),
  case: CaseIdParam.shape.id.optional(),
  from: isoDateOrInstant().optional(),
  to: isoDateOrInstant().optional(),
  limit: intQuery(1, 500).default(100),
  cursor: cursor.optional(),
});

export function registerAccessLogRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);

  app.get(
    `${API}/cases/:id/readers`,
    auth,
    ctx.limited,
    route(async (req, res) => {
      const { id } = parseOr(CaseIdParam, req.params, 'params');
      const q = parseOr(ReadersQuery, req.query, 'query');
      res.json(await caseReaders(ctx.useCases, principalOf(req), id, { limit: q.limit, before: q.cursor }));
    }),
  );

  app.get(
    `${API}/access-log`,
    auth,
    route(async (req, res) => {
      const q = parseOr(AccessLogQuery, req.query, 'query');
      res.json(
        await queryAccessLog(
          ctx.useCases,
          principalOf(req),
          { actor: q.actor, unit: q.unit, case: q.case, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined },
          { limit: q.limit, before: q.cursor },
        ),
      );
    }),
  );
}
