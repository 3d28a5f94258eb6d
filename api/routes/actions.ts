/**
 * `POST /cases/{id}/actions`: an actor acts on a case (`usecases/act.ts` checks; the workflow's
 * Update validator decides and answers at once). The `Idempotency-Key` header becomes the Update
 * id, so a retried action is applied once; the same key with another request answers 409.
 */
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { actOnCase } from '../../usecases/act';
import type { CaseEngine } from '../../usecases/case-engine';
import { authenticate, principalOf } from '../auth';
import { caseResource } from '../case-resource';
import { API, type RouteContext } from '../context';
import { requireJson, route } from '../http';
import { parseOr } from '../problems';
import { ActionBody, CaseIdParam, idempotencyKeyOf } from '../schemas';

export function registerActionRoutes(app: Express, ctx: RouteContext): void {
  app.post(
    `${API}/cases/:id/actions`,
    authenticate(ctx.deps.verifyToken),
    ctx.limited,
    route(async (req, res) => {
      const p = principalOf(req);
      const { id } = parseOr(CaseIdParam, req.params, 'params');
      requireJson(req);
      const body = parseOr(ActionBody, req.body, 'body');
      // Scoped by caller: two callers choosing the same key never share an Update id.
      const key = idempotencyKeyOf(req);
      const updateId = key ? `${p.sub}/${key}` : randomUUID();
      const { db, directory, engine, now } = ctx.useCases;
      const act: CaseEngine['act'] = (...args) =>
        engine.act(...args).catch((err: unknown) => {
          // Counted when the workflow refuses, not when the case is hidden or closed. No action
          // label: a rejected name may be anything a caller typed (unbounded label values).
          ctx.metrics.count('masar_actions_total', { result: 'rejected' });
          throw err;
        });
      const acted = await actOnCase({ db, directory, now, engine: { act } }, p, id, body, updateId, key);
      ctx.metrics.count('masar_actions_total', { action: body.action, result: 'applied' });
      res.json(caseResource(acted.record, { personal: acted.access.personal, withData: true, view: acted.view, actions: acted.actions }));
    }),
  );
}
