/**
 * Reading cases: `GET /cases` (filtered, keyset-paginated list in the caller's scope),
 * `GET /cases/{id}` (the read model, or the workflow itself with `?consistent=true`) and
 * `GET /cases/{id}/journal`.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { decodeCursor, getCase, listCases, taskUnits, type CaseFilter, type CaseRecord } from '../../db/cases';
import { readJournal } from '../../db/journal';
import { getProcedure } from '../../db/procedures';
import type { CompiledProcedure } from '../../definitions/compiled';
import type { CaseView } from '../../workflows/messages';
import { availableActions, type AvailableAction } from '../available-actions';
import { caseAccess, hiddenCase, isStaff, unitScope, type CaseAccess } from '../access';
import { API, type RouteContext } from '../app';
import { authenticate, principalOf, type Principal } from '../auth';
import { caseResource } from '../case-resource';
import { route } from '../http';
import { badRequest, forbidden, notFound, parseOr } from '../problems';

/** Case ids are UUIDs in practice; anything printable and short is accepted, the rest is a 400. */
export const CaseIdParam = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a case id') });

const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');
const instantParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be a date (YYYY-MM-DD) or an ISO instant')
  .refine((v) => !Number.isNaN(Date.parse(v)), 'is not a real date');

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
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

const JournalQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const ConsistentQuery = z.strictObject({ consistent: booleanParam.optional() });

/** The stored case if the caller may see it; 404/403 otherwise. */
export async function loadVisibleCase(
  ctx: RouteContext,
  p: Principal,
  caseId: string,
): Promise<{ record: CaseRecord; access: CaseAccess }> {
  const record = await getCase(ctx.deps.db, caseId);
  if (!record) throw notFound(`no case ${caseId}`);
  if (record.applicantId === p.sub) return { record, access: { visible: true, personal: true } };
  if (!isStaff(p)) throw hiddenCase(p, caseId);
  const [scope, tasks] = await Promise.all([unitScope(p, ctx.deps.directory), taskUnits(ctx.deps.db, caseId)]);
  const access = caseAccess(p, record, scope, tasks);
  if (!access.visible) throw hiddenCase(p, caseId);
  return { record, access };
}

/** Published versions never change: their compiled form is kept once read (keyed by hash too). */
const compiledCache = new Map<string, CompiledProcedure>();
const COMPILED_CACHE_MAX = 200;

/** What `p` may do on the case as `view` shows it (see `available-actions.ts`). */
export async function actionsFor(ctx: RouteContext, p: Principal, record: CaseRecord, view: CaseView): Promise<AvailableAction[]> {
  const { id, version, hash } = view.procedure;
  const key = `${id}@${version}#${hash}`;
  let compiled = compiledCache.get(key);
  if (!compiled) {
    const published = await getProcedure(ctx.deps.db, id, version);
    if (!published || published.hash !== hash) return [];
    compiled = published.compiled;
    if (compiledCache.size >= COMPILED_CACHE_MAX) compiledCache.clear();
    compiledCache.set(key, compiled);
  }
  return availableActions(view, compiled, p, record.applicantId);
}

export function registerCaseRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);

  app.get(
    `${API}/cases`,
    auth,
    ctx.limited,
    route(async (req, res) => {
      const p = principalOf(req);
      const q = parseOr(ListCasesQuery, req.query, 'query');
      let scope: CaseFilter['scope'];
      if (isStaff(p)) scope = { units: await unitScope(p, ctx.deps.directory) };
      else if (p.roles.includes('applicant')) scope = { applicantId: p.sub };
      else throw forbidden('listing cases is for applicants (their own) and staff with a unit');
      let cursor: [string, string] | undefined;
      if (q.cursor) {
        const values = decodeCursor(q.cursor, 2);
        if (!values || typeof values[0] !== 'string' || typeof values[1] !== 'string') {
          throw badRequest('the cursor is not one this list produced (start again without it)', [{ path: 'cursor', message: 'invalid' }]);
        }
        cursor = [values[0], values[1]];
      }
      const filter: CaseFilter = {
        scope,
        ...(q.procedure ? { procedureId: q.procedure } : {}),
        ...(q.state ? { state: q.state } : {}),
        ...(q.unit ? { unit: q.unit } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
        ...(q.escalated !== undefined ? { escalated: q.escalated } : {}),
        ...(q.filedFrom ? { filedFrom: q.filedFrom } : {}),
        ...(q.filedTo ? { filedTo: q.filedTo } : {}),
      };
      const page = await listCases(ctx.deps.db, filter, { limit: q.limit, sort: q.sort, ...(cursor ? { cursor } : {}) }, ctx.options.now());
      res.json({
        items: page.items.map((r) =>
          caseResource(r, { personal: r.applicantId === p.sub || r.unitCode === p.unit, withData: false }),
        ),
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
      const { record, access } = await loadVisibleCase(ctx, p, id);
      const view = consistent ? await ctx.deps.engine.view(id) : undefined;
      const actions = await actionsFor(ctx, p, record, view ?? record.view);
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
      await loadVisibleCase(ctx, p, id);
      const rows = await readJournal(ctx.deps.db, id, { after: q.after, limit: q.limit + 1 });
      const items = rows.slice(0, q.limit);
      const last = items[items.length - 1];
      res.json({ items, ...(rows.length > q.limit && last ? { next: last.sequence } : {}) });
    }),
  );
}
