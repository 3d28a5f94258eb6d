/**
 * Work lists of staff: `GET /tasks` (the caller's inbox: open tasks at their unit for their
 * roles, earliest due first; `assigned=mine|unassigned`) and `GET /escalations` (supervisors: open
 * cases whose escalation reached their unit or any unit below, until decided or closed).
 */
import type { Express } from 'express';
import { z } from 'zod';
import { decodeCursor, listCases, listInbox } from '../../db/cases';
import { isSupervisor, requireStaff, staffRoles, unitScope } from '../access';
import { API, type RouteContext } from '../app';
import { authenticate, principalOf } from '../auth';
import { caseResource, inboxResource } from '../case-resource';
import { route } from '../http';
import { badRequest, forbidden, parseOr } from '../problems';

const TasksQuery = z.strictObject({
  procedure: z.string().max(100).optional(),
  /** `mine`: tasks the caller claimed (or was assigned); `unassigned`: tasks nobody holds. */
  assigned: z.enum(['mine', 'unassigned']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

const EscalationsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

const badCursor = () => badRequest('the cursor is not one this list produced (start again without it)', [{ path: 'cursor', message: 'invalid' }]);

export function registerInboxRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);

  app.get(
    `${API}/tasks`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      requireStaff(p, 'the task inbox');
      const q = parseOr(TasksQuery, req.query, 'query');
      const cursor = q.cursor ? decodeCursor(q.cursor, 3) : undefined;
      if (q.cursor && !cursor) throw badCursor();
      const page = await listInbox(
        ctx.deps.db,
        {
          unit: p.unit,
          roles: staffRoles(p),
          ...(q.procedure ? { procedureId: q.procedure } : {}),
          ...(q.assigned ? { assignee: q.assigned === 'mine' ? { id: p.sub } : ('none' as const) } : {}),
        },
        { limit: q.limit, ...(cursor ? { cursor } : {}) },
      );
      res.json({ items: page.items.map(inboxResource), ...(page.next ? { next: page.next } : {}) });
    }),
  );

  app.get(
    `${API}/escalations`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      if (!isSupervisor(p)) throw forbidden('the escalations list is for supervisors with a unit');
      const q = parseOr(EscalationsQuery, req.query, 'query');
      const values = q.cursor ? decodeCursor(q.cursor, 2) : undefined;
      if (q.cursor && (!values || typeof values[0] !== 'string' || typeof values[1] !== 'string')) throw badCursor();
      const scope = await unitScope(p, ctx.deps.directory);
      const page = await listCases(
        ctx.deps.db,
        { scope: 'all', escalatedAt: scope },
        { limit: q.limit, sort: '-filedAt', ...(values ? { cursor: [String(values[0]), String(values[1])] as [string, string] } : {}) },
        ctx.options.now(),
      );
      res.json({
        items: page.items.map((r) => caseResource(r, { personal: r.unitCode === p.unit, withData: false })),
        ...(page.next ? { next: page.next } : {}),
      });
    }),
  );
}
