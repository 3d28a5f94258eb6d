/**
 * `POST /cases/{id}/actions`: an actor acts on a case. The API checks only that the caller may see
 * the case; the workflow's Update validator decides whether the action is allowed in this state,
 * for this actor, with this input, and answers at once (409/403/422 via `case-engine.ts`).
 * The `Idempotency-Key` header becomes the Update id, so a retried action is applied once; the key
 * is also recorded with a hash of the request (`db/idempotency.ts`), so the same key sent with
 * another action, input, comment or case answers 409 instead of the first action's result.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { z } from 'zod';
import type { ActRequest } from '../../workflows/messages';
import { API, type RouteContext } from '../app';
import { authenticate, principalOf } from '../auth';
import { caseResource } from '../case-resource';
import { requireJson, route } from '../http';
import { claimActionKey } from '../../db/idempotency';
import { canonicalJson } from '../../definitions/compile';
import { conflict, parseOr } from '../problems';
import { CaseIdParam, loadVisibleCase } from './cases';
import { idempotencyKeyOf } from './filing';

export const ActionBody = z.strictObject({
  /** An action of the current state, or a supervisor action (`escalation.decide`...). */
  action: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/, 'must be an action name such as "approve"').max(100),
  input: z.record(z.string(), z.unknown()).optional(),
  comment: z.string().max(4000).optional(),
});

/**
 * Records what `key` stands for, or refuses a different request under it. Without this, Temporal
 * answers the second request with the first Update's result: the new action silently dropped.
 */
async function claimKey(ctx: RouteContext, caller: string, key: string, caseId: string, body: z.infer<typeof ActionBody>): Promise<void> {
  const requestHash = createHash('sha256').update(canonicalJson({ caseId, ...body })).digest('hex');
  const claim = await claimActionKey(ctx.deps.db, caller, key, { caseId, requestHash });
  if (claim.caseId !== caseId) {
    throw conflict('idempotency-key-reused', `Idempotency-Key "${key}" was already used for an action on another case (${claim.caseId}); use a new key for each action`);
  }
  if (claim.requestHash !== requestHash) {
    throw conflict('idempotency-key-reused', `Idempotency-Key "${key}" was already used on this case with a different action, input or comment; use a new key for a new action`);
  }
}

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
      const { record, access } = await loadVisibleCase(ctx, p, id);
      if (record.view.status === 'closed') {
        throw conflict('case-closed', `case ${record.view.reference} is closed (${record.view.outcome ?? 'no outcome'}); no action can be taken`);
      }
      if (key) await claimKey(ctx, p.sub, key, id, body);
      const request: ActRequest = {
        action: body.action,
        actor: { id: p.sub, roles: p.roles, ...(p.name ? { name: p.name } : {}), ...(p.unit ? { unit: p.unit } : {}) },
        ...(body.input ? { input: body.input } : {}),
        ...(body.comment !== undefined ? { comment: body.comment } : {}),
      };
      let view;
      try {
        view = await ctx.deps.engine.act(id, request, updateId);
      } catch (err) {
        // No action label: a rejected name may be anything a caller typed (unbounded label values).
        ctx.metrics.count('masar_actions_total', { result: 'rejected' });
        throw err;
      }
      ctx.metrics.count('masar_actions_total', { action: body.action, result: 'applied' });
      res.json(caseResource(record, { personal: access.personal, withData: true, view }));
    }),
  );
}
