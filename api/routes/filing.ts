/**
 * `POST /cases`: files a case (`usecases/file-case.ts` checks, claims the idempotency key and
 * starts the workflow). 201 with the case when its first view came in time, 202 otherwise.
 */
import type { Express } from 'express';
import { fileCase, requestHash } from '../../usecases/file-case';
import { authenticate, principalOf } from '../auth';
import { caseResource } from '../case-resource';
import { API, type RouteContext } from '../context';
import { requireJson, route } from '../http';
import { parseOr } from '../problems';
import { FileCaseBody, idempotencyKeyOf } from '../schemas';

export function registerFilingRoutes(app: Express, ctx: RouteContext): void {
  app.post(
    `${API}/cases`,
    authenticate(ctx.deps.verifyToken),
    ctx.limited,
    route(async (req, res) => {
      const p = principalOf(req);
      requireJson(req);
      const key = idempotencyKeyOf(req);
      const body = parseOr(FileCaseBody, req.body, 'body');
      const filed = await fileCase(ctx.useCases, p, body, {
        calendarId: ctx.options.calendarId,
        firstViewTimeoutMs: ctx.options.firstViewTimeoutMs,
        // The hash of the body as sent: a retry must send the same bytes' worth of JSON.
        idempotency: key ? { key, requestHash: requestHash(req.body) } : undefined,
      });
      if (!filed.replayed) ctx.metrics.count('masar_cases_filed_total', { procedure: filed.procedureId });
      const location = `${API}/cases/${filed.caseId}`;
      res.setHeader('Location', location);
      if (filed.replayed) res.setHeader('Idempotent-Replayed', 'true');
      if (!filed.record) {
        // Filed, but no worker answered in time: the case exists and will show up in the read model.
        res.status(202).json({ caseId: filed.caseId, reference: filed.reference, ...(filed.registration ? { registration: filed.registration } : {}), status: 'filing', location });
        return;
      }
      res.status(201).json(caseResource(filed.record, { personal: true, withData: true }));
    }),
  );
}
