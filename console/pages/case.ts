/**
 * The case page, `/cases/:id`, for everyone who may see the case, and its actions:
 * `POST /cases/:id/actions/:action` reads the generated form back into typed input and calls the
 * same `actOnCase` as the API. The form's idempotency key (a hidden field, fresh on every
 * rendering) is the caller's key there, so a double submit acts once. A refused form comes back
 * (422) with what was typed and each error next to its field; other refusals are error pages.
 */
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { z } from 'zod';
import { ownValue, type CompiledProcedure } from '../../definitions/compiled';
import type { Fields } from '../../definitions/schema';
import { actOnCase } from '../../usecases/act';
import { invalid, UseCaseError, type FieldError } from '../../usecases/errors';
import { readCase } from '../../usecases/read-cases';
import { casePageModel, actionFields, type RefusedForm } from '../case-page';
import { caseSupport } from '../case-support';
import { consoleRoute, languageOf, page, renderPage, safeNext, signedIn, type ConsoleContext } from '../context';
import { parseForm } from '../forms';
import { sessionOf } from '../session';
import { fileInputAt, readUploadForm, streamsUploads, withUploads } from '../upload-form';
import { uploadDocument } from '../../usecases/documents';

const CaseParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a case id') });
const ActionParams = CaseParams.extend({
  action: z.string().max(100).regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/, 'must be an action name such as "approve"'),
});
/** What an action form posts besides its input fields. */
const ActionMeta = z.object({
  _idem: z.string().regex(/^[A-Za-z0-9-]{8,100}$/, 'must be the key the form carried').optional(),
  _next: z.string().max(500).optional(),
  comment: z.string().max(5000, 'must be at most 5000 characters').optional(),
});
const CaseQuery = z.object({ done: z.string().max(100).optional() });

function parsed<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw invalid(`bad ${where}`, r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}

/** A use case's field errors relative to the action's input (`input.unit` names a field as `unit`). */
function relativeErrors(errors: readonly FieldError[]): FieldError[] {
  return errors.map((e) => ({ ...e, path: e.path.startsWith('input.') ? e.path.slice('input.'.length) : e.path === 'input' ? '' : e.path }));
}

/** The input fields of a procedure action by name, from any state that has it (first found). */
function definedFields(procedure: CompiledProcedure | undefined, action: string): Fields {
  for (const state of Object.values(procedure?.states ?? {})) {
    // A name from the URL: own properties only (`constructor` is not an action).
    const defined = ownValue(state.actions, action);
    if (defined) return defined.input;
  }
  return {};
}

/** The state whose `action` the definition path of its fields goes through: the case's own, else the first that has it. */
function actionState(procedure: CompiledProcedure, current: string, action: string): string | undefined {
  if (ownValue(procedure.states, current) && ownValue(procedure.states[current]?.actions ?? {}, action)) return current;
  return Object.entries(procedure.states).find(([, s]) => ownValue(s.actions, action))?.[0];
}

export function registerCasePages(router: Router, ctx: ConsoleContext): void {
  const support = caseSupport(ctx);

  router.get(
    '/cases/:id',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const { id } = parsed(CaseParams, req.params, 'case id');
      const { done } = parsed(CaseQuery, req.query, 'query');
      const lang = languageOf(req);
      // Right after acting, ask the workflow: the read model may be a moment behind.
      const model = await casePageModel(ctx, support, p, id, lang, { consistent: done !== undefined, via: consoleRoute(req) });
      renderPage(ctx, req, res, 'case/case', 'case.title', { ...model, done: done !== undefined, pageTitle: model.reference });
    }),
  );

  router.post(
    '/cases/:id/actions/:action',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const { id, action } = parsed(ActionParams, req.params, 'action');
      const lang = languageOf(req);
      // The case as the caller may see it first (not-found / forbidden exactly as the API, whatever
      // the form holds), then the form. A form with files is read first (its CSRF token before
      // anything), the case once a file needs it.
      let reading: ReturnType<typeof readCase> | undefined;
      const theCase = () => (reading ??= readCase(ctx.useCases, p, id));
      /** The fields the form was rendered with (see below), and where the action is in the definition. */
      const formOf = async () => {
        const { actions, view, record } = await theCase();
        const offered = actions.find((a) => a.action === action);
        const procedure = await support.procedureOf(view ?? record.view);
        // An action no longer offered (a second submit after the case moved on) is read with the
        // fields it was rendered with, so the same form makes the same request under its key and
        // the first answer stands; the workflow says why not for anything else.
        const fields = offered ? actionFields(offered, procedure) : definedFields(procedure, action);
        return { offered, procedure, fields, state: (view ?? record.view).state };
      };
      let body = (req.body ?? {}) as Record<string, unknown>;
      let uploadErrors: FieldError[] = [];
      if (streamsUploads(req)) {
        const read = await readUploadForm(req, sessionOf(req).csrf, async (name, _fields, content, fileName) => {
          const { procedure, fields, state } = await formOf();
          const input = fileInputAt(fields, name, 'input');
          const where = procedure && actionState(procedure, state, action);
          if (!input || !procedure || !where) throw invalid(`"${name}" is not a file field of the action ${action}`, [{ path: name, message: `"${name}" is not a file field of this form` }]);
          const target = { procedure: procedure.id, version: procedure.version, field: `states.${where}.actions.${action}.input.${input.definitionPath}` };
          return uploadDocument(ctx.useCases, p, target, { content, fileName });
        });
        const { fields } = await formOf();
        body = withUploads(read, (name) => fileInputAt(fields, name, 'input'));
        uploadErrors = relativeErrors(read.errors);
      }
      const { offered, fields } = await formOf();
      const meta = parsed(ActionMeta, body, 'form');
      const comment = meta.comment?.trim() ? meta.comment.trim() : undefined;

      const refuse = async (refused: RefusedForm) => {
        const model = await casePageModel(ctx, support, p, id, lang, { refused, via: consoleRoute(req) });
        renderPage(ctx, req, res, 'case/case', 'case.title', { ...model, pageTitle: model.reference, refusedAction: action }, 422);
      };

      const input = parseForm(fields, body, 'input');
      const missingReason = offered?.reasonRequired && !comment ? [{ path: 'comment', message: 'a reason is required' }] : [];
      if (!input.ok || missingReason.length > 0 || uploadErrors.length > 0) {
        return refuse({ action, form: body, errors: [...uploadErrors, ...(input.ok ? [] : input.errors), ...missingReason] });
      }
      const key = meta._idem;
      try {
        await actOnCase(
          ctx.useCases,
          p,
          id,
          { action, ...(Object.keys(input.value).length ? { input: input.value } : {}), ...(comment !== undefined ? { comment } : {}) },
          key ? `${p.sub}/${key}` : randomUUID(),
          key,
        );
      } catch (err) {
        if (err instanceof UseCaseError && err.kind === 'invalid') {
          return refuse({ action, form: body, errors: relativeErrors(err.fields ?? []), message: err.message });
        }
        throw err;
      }
      const next = safeNext(meta._next);
      res.redirect(303, next !== '/' ? next : `/cases/${encodeURIComponent(id)}?done=${encodeURIComponent(action)}`);
    }),
  );
}
