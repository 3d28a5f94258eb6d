/**
 * Work lists of staff: `GET /tasks` (the caller's inbox: open tasks at their unit for their
 * roles, earliest due first; `assigned=mine|unassigned`) and `GET /escalations` (supervisors: open
 * cases whose escalation reached their unit or any unit below, until decided or closed). The rules
 * are in `usecases/inbox.ts`.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { decodeCursor } from '../../db/cases';
import { authorizeEscalations, authorizeInbox, escalations, taskInbox } from '../../usecases/inbox';
import { authenticate, principalOf } from '../auth';
import { caseResource, inboxResource } from '../case-resource';
import { API, type RouteContext } from '../context';
import { route } from '../http';
import { parseOr } from '../problems';
import { intQuery } from '../params';
import { badCursor, caseListCursor } from '../schemas';

const TasksQuery = z.strictObject({
  procedure: z.string().max(100).optional(),
  /** `mine`: tasks the caller holds (claimed or assigned); `unassigned`: tasks nobody holds. */
  assigned: z.enum(['mine', 'unassigned']).optional(),
  state: z.string().max(100).optional(),
  /** `true`: only tasks whose deadline has passed. */
  late: z.enum(['true', 'false']).optional(),
  limit: intQuery(1, 100).default(20),
  cursor: z.string().max(500).optional(),
});

const EscalationsQuery = z.strictObject({
  limit: intQuery(1, 100).default(20),
  cursor: z.string().max(500).optional(),
});

export function registerInboxRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);

  app.get(
    `${API}/tasks`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      // Refused before the query is read (the use case checks again).
      authorizeInbox(p);
      const q = parseOr(TasksQuery, req.query, 'query');
      const cursor = q.cursor ? decodeCursor(q.cursor, 3) : undefined;
      if (q.cursor && !cursor) throw badCursor();
      const page = await taskInbox(ctx.useCases, p, { procedure: q.procedure, assigned: q.assigned, state: q.state, late: q.late === 'true' }, { limit: q.limit, cursor });
      res.json({ items: page.items.map(inboxResource), ...(page.next ? { next: page.next } : {}) });
    }),
  );

  app.get(
    `${API}/escalations`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      authorizeEscalations(p);
      const q = parseOr(EscalationsQuery, req.query, 'query');
      const page = await escalations(ctx.useCases, p, { limit: q.limit, cursor: caseListCursor(q.cursor) });
      res.json({
        items: page.items.map((i) => caseResource(i.record, { personal: i.personal, withData: false })),
        ...(page.next ? { next: page.next } : {}),
      });
    }),
  );
}
