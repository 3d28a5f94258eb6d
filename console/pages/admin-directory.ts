/**
 * The administrator's directory: the territorial units as a tree (the ministry, then each unit's
 * children), a search over codes and names, and at each unit its members with their roles (add,
 * remove). Who may and what is valid are the use cases' (`usecases/members.ts`, `directory.ts`).
 */
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Unit } from '../../db/directory';
import { listUnits } from '../../usecases/directory';
import { UseCaseError, notFound, type FieldError } from '../../usecases/errors';
import { addMember, authorizeMembers, listMembers, listRoles, parseMemberFields, removeMember } from '../../usecases/members';
import { languageOf, page, renderPage, signedIn, type ConsoleContext } from '../context';

const UNIT_CODE = /^[A-Za-z0-9.]{1,50}$/;
const MEMBER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
const DirectoryQuery = z.object({
  q: z.string().trim().max(100).optional(),
  unit: z.string().regex(UNIT_CODE).optional(),
  done: z.enum(['added', 'removed']).optional(),
});

const unitView = (u: Unit, lang: 'fr' | 'ar') => ({ code: u.code, kind: u.kind, name: u.name[lang], parentCode: u.parentCode, active: u.active });

export function registerAdminDirectoryPages(router: Router, ctx: ConsoleContext): void {
  const deps = ctx.useCases;

  /** The unit `code` itself (a search on its code finds it among a few). */
  async function unitOf(code: string): Promise<Unit> {
    const { units } = await listUnits(deps, { q: code, limit: 50 });
    const unit = units.find((u) => u.code === code);
    if (!unit) throw notFound(`no unit ${code} in the directory`);
    return unit;
  }

  async function show(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200, unitCode?: string): Promise<void> {
    const p = signedIn(req, res);
    if (!p) return;
    authorizeMembers(p);
    const lang = languageOf(req);
    const parsed = DirectoryQuery.safeParse(req.query);
    if (!parsed.success && !unitCode) throw new UseCaseError('invalid', 'invalid-input', 'search with at most 100 characters, and a unit code such as 01.511.01.01', [{ path: 'q', message: 'at most 100 characters' }]);
    const query = parsed.success ? parsed.data : {};
    const code = unitCode ?? query.unit;
    const model: Record<string, unknown> = { q: query.q ?? '', done: query.done, memberForm: { language: 'fr', roles: [] }, ...extra };
    if (query.q && !unitCode) {
      model.results = (await listUnits(deps, { q: query.q, limit: 50 })).units.map((u) => unitView(u, lang));
    }
    if (code) {
      const unit = await unitOf(code);
      const [children, members, roles] = await Promise.all([listUnits(deps, { parent: code, limit: 500 }), listMembers(deps, p, code), listRoles(deps, p)]);
      const chosen = new Set(((model.memberForm as { roles?: unknown }).roles as string[] | undefined) ?? []);
      Object.assign(model, {
        unit: unitView(unit, lang),
        parent: unit.parentCode ? unitView(await unitOf(unit.parentCode), lang) : undefined,
        children: children.units.map((u) => unitView(u, lang)),
        members,
        roles: roles.map((r) => ({ role: r, checked: chosen.has(r) })),
      });
    } else if (!query.q) {
      model.children = (await listUnits(deps, { kind: 'ministry', limit: 50 })).units.map((u) => unitView(u, lang));
    }
    renderPage(ctx, req, res, 'admin/directory', 'admin.directory.title', model, status);
  }

  router.get('/admin/directory', page(async (req, res) => show(req, res)));

  router.post(
    '/admin/directory/:unit/members',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      authorizeMembers(p);
      const code = String(req.params.unit);
      if (!UNIT_CODE.test(code)) throw notFound(`no unit ${code.slice(0, 50)} in the directory`);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const roles = body.roles === undefined ? [] : ([] as unknown[]).concat(body.roles);
      const values = { id: body.id, name: body.name, email: body.email, language: body.language, roles };
      try {
        await addMember(deps, p, code, parseMemberFields({ ...values, ...(typeof body.phone === 'string' && body.phone ? { phone: body.phone } : {}) }));
        res.redirect(303, `/admin/directory?unit=${encodeURIComponent(code)}&done=added`);
      } catch (err) {
        if (!(err instanceof UseCaseError) || (err.kind !== 'invalid' && err.kind !== 'conflict')) throw err;
        const errors: FieldError[] = err.fields ?? [{ path: 'id', message: err.message }];
        await show(req, res, { memberForm: { ...values, errors: Object.fromEntries(errors.map((e) => [e.path, e.message])) }, memberErrors: errors }, err.kind === 'conflict' ? 409 : 422, code);
      }
    }),
  );

  router.post(
    '/admin/directory/:unit/members/:id/remove',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      authorizeMembers(p);
      const code = String(req.params.unit);
      const id = String(req.params.id);
      if (!UNIT_CODE.test(code) || !MEMBER_ID.test(id)) throw notFound(`no member ${id.slice(0, 100)} at unit ${code.slice(0, 50)}`);
      await removeMember(deps, p, code, id);
      res.redirect(303, `/admin/directory?unit=${encodeURIComponent(code)}&done=removed`);
    }),
  );
}
