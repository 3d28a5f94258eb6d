/**
 * `POST /cases/{id}/actions`: an actor acts on a case. The API checks only that the caller may see
 * the case; the workflow's Update validator decides whether the action is allowed in this state,
 * for this actor, with this input, and answers at once (409/403/422 via `case-engine.ts`).
 * The `Idempotency-Key` header becomes the Update id, so a retried action is applied once.
 */
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { z } from 'zod';
import { UnitLookupError } from '../../db/directory';
import type { ActRequest, UnitChain } from '../../workflows/messages';
import { SupervisorActions } from '../../workflows/messages';
import { API, type RouteContext } from '../app';
import { authenticate, principalOf } from '../auth';
import { caseResource } from '../case-resource';
import { requireJson, route } from '../http';
import { conflict, parseOr, unprocessable } from '../problems';
import { actionsFor, CaseIdParam, loadVisibleCase } from './cases';
import { idempotencyKeyOf } from './filing';

export const ActionBody = z.strictObject({
  /** An action of the current state, or a supervisor action (`escalation.decide`...). */
  action: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/, 'must be an action name such as "approve"').max(100),
  input: z.record(z.string(), z.unknown()).optional(),
  comment: z.string().max(4000).optional(),
});

/** Input fields of built-in actions that name a unit: resolved here, scope-checked by the workflow. */
const UNIT_FIELDS: Record<string, string[]> = { [SupervisorActions.reassign]: ['unit'] };

/**
 * Resolves every unit the action's input names through the directory (the workflow cannot query
 * it): an unknown or inactive unit is a 422 naming the field. Values that are not text are left
 * to the workflow's input check.
 */
async function resolveNamedUnits(ctx: RouteContext, action: string, input: Record<string, unknown> | undefined): Promise<Record<string, UnitChain>> {
  const units: Record<string, UnitChain> = {};
  for (const field of UNIT_FIELDS[action] ?? []) {
    const code = input?.[field];
    if (typeof code !== 'string' || code === '') continue;
    try {
      const { name: _name, ...chain } = await ctx.deps.directory.caseUnit(code);
      units[field] = chain;
    } catch (err) {
      if (err instanceof UnitLookupError) throw unprocessable(err.message, [{ path: `input.${field}`, message: err.reason.replace('_', ' ') }]);
      throw err;
    }
  }
  return units;
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
      const units = await resolveNamedUnits(ctx, body.action, body.input);
      const request: ActRequest = {
        action: body.action,
        actor: { id: p.sub, roles: p.roles, ...(p.name ? { name: p.name } : {}), ...(p.unit ? { unit: p.unit } : {}) },
        ...(body.input ? { input: body.input } : {}),
        ...(body.comment !== undefined ? { comment: body.comment } : {}),
        ...(Object.keys(units).length ? { units } : {}),
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
      const actions = await actionsFor(ctx, p, record, view);
      res.json(caseResource(record, { personal: access.personal, withData: true, view, actions }));
    }),
  );
}
