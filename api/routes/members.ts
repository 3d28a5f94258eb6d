/**
 * Members of a unit and their roles, for administrators: list, add, update, remove
 * (`/units/{code}/members`), the roles a member may hold (`/roles`), and the messages that reached
 * nobody (`/notification-problems`). Parse, call the use case (`usecases/members.ts`), answer.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { MemberFields } from '../../db/members';
import { addMember, authorizeMembers, listMembers, listNotificationProblems, listRoles, removeMember, updateMember } from '../../usecases/members';
import { authenticate, principalOf } from '../auth';
import { API, type RouteContext } from '../context';
import { requireJson, route } from '../http';
import { parseOr } from '../problems';
import { AddMemberBody, UpdateMemberBody } from '../schemas';

const UnitParam = z.strictObject({ code: z.string().min(1).max(50).regex(/^[A-Za-z0-9.]+$/, 'must be a unit code such as 01.511.01.01') });
const MemberParams = UnitParam.extend({ id: MemberFields.shape.id });
const ProblemsQuery = z.strictObject({
  unit: z.string().max(50).optional(),
  case: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function registerMemberRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);
  const deps = ctx.useCases;

  app.get(
    `${API}/units/:code/members`,
    auth,
    route(async (req, res) => {
      const { code } = parseOr(UnitParam, req.params, 'params');
      res.json({ items: await listMembers(deps, principalOf(req), code) });
    }),
  );

  app.post(
    `${API}/units/:code/members`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      // Refused before the body is read (the use case checks again).
      authorizeMembers(p);
      const { code } = parseOr(UnitParam, req.params, 'params');
      requireJson(req);
      const body = parseOr(AddMemberBody, req.body, 'body');
      const member = await addMember(deps, p, code, body);
      res.setHeader('Location', `${API}/units/${code}/members/${encodeURIComponent(member.id)}`);
      res.status(201).json(member);
    }),
  );

  app.patch(
    `${API}/units/:code/members/:id`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      authorizeMembers(p);
      const { code, id } = parseOr(MemberParams, req.params, 'params');
      requireJson(req);
      const patch = parseOr(UpdateMemberBody, req.body, 'body');
      res.json(await updateMember(deps, p, code, id, patch));
    }),
  );

  app.delete(
    `${API}/units/:code/members/:id`,
    auth,
    route(async (req, res) => {
      const { code, id } = parseOr(MemberParams, req.params, 'params');
      res.json(await removeMember(deps, principalOf(req), code, id));
    }),
  );

  app.get(
    `${API}/roles`,
    auth,
    route(async (req, res) => {
      res.json({ items: await listRoles(deps, principalOf(req)) });
    }),
  );

  app.get(
    `${API}/notification-problems`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      const q = parseOr(ProblemsQuery, req.query, 'query');
      res.json({ items: await listNotificationProblems(deps, p, { limit: q.limit, ...(q.unit ? { unit: q.unit } : {}), ...(q.case ? { caseId: q.case } : {}) }) });
    }),
  );
}
