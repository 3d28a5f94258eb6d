/**
 * Members of a unit and their roles, for administrators: list, add, update, remove
 * (`/units/{code}/members`), the roles a member may hold (`/roles`), and the messages that reached
 * nobody (`/notification-problems`). The checks live in `db/members.ts`; this maps them to HTTP.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { addMember, knownRoles, listUnitMembers, MemberError, MemberFields, MemberPatch, removeMember, updateMember } from '../../db/members';
import { listProblems } from '../../db/notification-problems';
import { requireAdmin } from '../access';
import { API, type RouteContext } from '../app';
import { authenticate, principalOf } from '../auth';
import { requireJson, route } from '../http';
import { conflict, HttpProblem, notFound, parseOr, unprocessable } from '../problems';

const UnitParam = z.strictObject({ code: z.string().min(1).max(50).regex(/^[A-Za-z0-9.]+$/, 'must be a unit code such as 01.511.01.01') });
const MemberParams = UnitParam.extend({ id: MemberFields.shape.id });
/** The member's fields; its unit is the one in the path. */
export const AddMemberBody = MemberFields;
export const UpdateMemberBody = MemberPatch.refine((p) => Object.keys(p).length > 0, 'give at least one field to change (name, email, language, roles, phone)');
const ProblemsQuery = z.strictObject({
  unit: z.string().max(50).optional(),
  case: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** A refused member operation as a problem: what, where, and the fix. */
function toHttp(err: unknown): unknown {
  if (!(err instanceof MemberError)) return err;
  switch (err.reason) {
    case 'unknown_unit':
    case 'not_found':
      return notFound(err.message);
    case 'exists':
      return conflict('member-exists', err.message);
    case 'unknown_role':
      return unprocessable(err.message, [{ path: err.field, message: err.message }], 'unknown-role');
    case 'invalid':
      return unprocessable(err.message, [{ path: err.field, message: err.message }]);
    default: {
      const never: never = err.reason;
      return new HttpProblem(500, 'internal', `unknown member error ${String(never)}`);
    }
  }
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toHttp(err);
  }
}

export function registerMemberRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);
  const { db } = ctx.deps;

  app.get(
    `${API}/units/:code/members`,
    auth,
    route(async (req, res) => {
      requireAdmin(principalOf(req), 'listing the members of a unit');
      const { code } = parseOr(UnitParam, req.params, 'params');
      res.json({ items: await mapped(() => listUnitMembers(db, code)) });
    }),
  );

  app.post(
    `${API}/units/:code/members`,
    auth,
    route(async (req, res) => {
      requireAdmin(principalOf(req), 'adding a member');
      const { code } = parseOr(UnitParam, req.params, 'params');
      requireJson(req);
      const body = parseOr(AddMemberBody, req.body, 'body');
      const member = await mapped(() => addMember(db, code, body));
      res.setHeader('Location', `${API}/units/${code}/members/${encodeURIComponent(member.id)}`);
      res.status(201).json(member);
    }),
  );

  app.patch(
    `${API}/units/:code/members/:id`,
    auth,
    route(async (req, res) => {
      requireAdmin(principalOf(req), 'updating a member');
      const { code, id } = parseOr(MemberParams, req.params, 'params');
      requireJson(req);
      const patch = parseOr(UpdateMemberBody, req.body, 'body');
      res.json(await mapped(() => updateMember(db, code, id, patch)));
    }),
  );

  app.delete(
    `${API}/units/:code/members/:id`,
    auth,
    route(async (req, res) => {
      requireAdmin(principalOf(req), 'removing a member');
      const { code, id } = parseOr(MemberParams, req.params, 'params');
      res.json(await mapped(() => removeMember(db, code, id)));
    }),
  );

  app.get(
    `${API}/roles`,
    auth,
    route(async (req, res) => {
      requireAdmin(principalOf(req), 'listing the roles');
      res.json({ items: await knownRoles(db) });
    }),
  );

  app.get(
    `${API}/notification-problems`,
    auth,
    route(async (req, res) => {
      requireAdmin(principalOf(req), 'listing undeliverable messages');
      const q = parseOr(ProblemsQuery, req.query, 'query');
      res.json({ items: await listProblems(db, { limit: q.limit, ...(q.unit ? { unit: q.unit } : {}), ...(q.case ? { caseId: q.case } : {}) }) });
    }),
  );
}
