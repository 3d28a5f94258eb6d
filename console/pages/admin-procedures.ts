/**
 * The administrator's procedure pages: the catalogue with its versions (which one new cases get, how
 * many cases run on each), one procedure with its diagram and versions, and a new definition pasted
 * or uploaded: validated (every problem at its line, the source shown with those lines marked),
 * drawn, played on the simulator when one is offered, then published (with publish's warnings).
 * Every rule is the use cases' (`usecases/procedures.ts`): the pages only ask and show.
 */
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { CompiledProcedure } from '../../definitions/compiled';
import { procedureGraph, type ProcedureGraph } from '../../definitions/diagram';
import { diagramSvg } from '../../definitions/diagram-svg';
import { PROCEDURE_ID } from '../../definitions/schema';
import { UseCaseError, type FieldError } from '../../usecases/errors';
import {
  authorizeValidate,
  procedureCatalogue,
  procedureVersions,
  procedureWarnings,
  publishProcedure,
  readProcedure,
  validateProcedure,
  type DefinitionOptions,
} from '../../usecases/procedures';
import type { Principal } from '../../usecases/principal';
import { simulateProcedure } from '../../usecases/simulate';
import { languageOf, page, renderPage, signedIn, type ConsoleContext } from '../context';
import { escapeHtml } from '../html';

const IdParam = z.object({ id: z.string().max(100).regex(PROCEDURE_ID) });
const VersionQuery = z.object({ version: z.coerce.number().int().min(1).max(1_000_000).optional(), published: z.literal('1').optional() });
/** The form: pasted text, or a file (which wins when one is chosen), and what to do with it. */
const DefinitionForm = z.object({
  source: z.string().optional(),
  file: z.string().optional(),
  intent: z.enum(['validate', 'publish', 'simulate']).default('validate'),
  wait: z.string().max(60).optional(),
});

/** The SVG picture of a procedure, named for screen readers, with its transitions as a table beside it. */
export function diagramModel(compiled: CompiledProcedure, lang: 'fr' | 'ar', caption: string) {
  const graph: ProcedureGraph = procedureGraph(compiled, lang);
  const svg = diagramSvg(graph).replace('<svg ', `<svg role="img" aria-label="${escapeHtml(caption)}" `);
  const label = new Map(graph.nodes.map((n) => [n.id, n.label]));
  return {
    svg,
    clocks: graph.clocks,
    edges: graph.edges.map((e) => ({ from: label.get(e.from) ?? e.from, to: label.get(e.to) ?? e.to, kind: e.kind, label: e.label })),
  };
}

/** The source's lines, numbered, the ones with a problem marked with their messages. */
export function markedSource(source: string, problems: FieldError[]) {
  const byLine = new Map<number, FieldError[]>();
  for (const p of problems) {
    const line = p.line ?? 1;
    byLine.set(line, [...(byLine.get(line) ?? []), p]);
  }
  return source.split(/\r?\n/).map((text, i) => {
    const number = i + 1;
    const here = byLine.get(number) ?? [];
    return { number, text, marked: here.length > 0, problems: here.map((p) => ({ column: p.column, message: p.message })) };
  });
}

export function registerAdminProcedurePages(router: Router, ctx: ConsoleContext): void {
  const definitions: DefinitionOptions = { knownTemplates: new Set(ctx.options.knownTemplates ?? []) };

  router.get(
    '/admin/procedures',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const procedures = await procedureCatalogue(ctx.useCases, p);
      const lang = languageOf(req);
      renderPage(ctx, req, res, 'admin/procedures', 'admin.procedures.title', {
        procedures: procedures.map((proc) => ({ ...proc, titleText: proc.title[lang] })),
      });
    }),
  );

  router.get('/admin/procedures/new', (req, res) => {
    const p = signedIn(req, res);
    if (!p) return;
    authorizeValidate(p);
    renderPage(ctx, req, res, 'admin/procedure-new', 'admin.newProcedure.title', { source: '', simulator: !!ctx.options.simulator });
  });

  router.post(
    '/admin/procedures/new',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      // Refused before the definition is even looked at (the use cases check again).
      authorizeValidate(p);
      const form = DefinitionForm.safeParse(req.body ?? {});
      if (!form.success) throw new UseCaseError('invalid', 'invalid-form', 'the form is not one this page sent: reload it', [{ path: 'intent', message: 'validate, simulate or publish' }]);
      const source = form.data.file ?? form.data.source ?? '';
      if (source.trim() === '') {
        return renderNew(req, res, p, source, [{ path: 'source', message: 'paste a definition or choose a file' }], 'empty');
      }
      try {
        if (form.data.intent === 'publish') {
          const published = await publishProcedure(ctx.useCases, p, source, definitions);
          const { id, version } = published.compiled;
          res.redirect(303, `/admin/procedures/${encodeURIComponent(id)}?version=${version}&published=1`);
          return;
        }
        const checked = validateProcedure(p, source, definitions);
        const lang = languageOf(req);
        const model: Record<string, unknown> = {
          source,
          valid: true,
          compiled: { id: checked.compiled.id, version: checked.compiled.version, title: checked.compiled.title[lang] },
          diagram: diagramModel(checked.compiled, lang, checked.compiled.title[lang]),
          definitionWarnings: checked.warnings,
          roleWarnings: await procedureWarnings(ctx.useCases, checked.compiled),
          simulator: !!ctx.options.simulator,
          wait: form.data.wait ?? '',
        };
        if (form.data.intent === 'simulate') {
          const request = { language: lang, ...(form.data.wait ? { wait: form.data.wait } : {}) };
          model.simulation = await simulateProcedure({ simulator: ctx.options.simulator }, p, source, request, definitions);
        }
        renderPage(ctx, req, res, 'admin/procedure-new', 'admin.newProcedure.title', model);
      } catch (err) {
        if (err instanceof UseCaseError && err.kind === 'invalid' && err.fields) return renderNew(req, res, p, source, err.fields, err.code);
        if (err instanceof UseCaseError && err.kind === 'conflict') return renderNew(req, res, p, source, [{ path: 'version', message: err.message }], err.code, 409);
        throw err;
      }
    }),
  );

  function renderNew(req: Request, res: Response, _p: Principal, source: string, problems: FieldError[], code: string, status = 422): void {
    renderPage(
      ctx,
      req,
      res,
      'admin/procedure-new',
      'admin.newProcedure.title',
      {
        source,
        problems: problems.map((e) => ({ ...e, hasLine: e.line !== undefined })),
        problemCount: problems.length,
        code,
        lines: markedSource(source, problems.filter((e) => e.line !== undefined)),
        simulator: !!ctx.options.simulator,
      },
      status,
    );
  }

  router.get(
    '/admin/procedures/:id',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const params = IdParam.safeParse(req.params);
      const query = VersionQuery.safeParse(req.query);
      if (!params.success) throw new UseCaseError('not-found', 'not-found', `no procedure ${String(req.params.id).slice(0, 100)}`);
      if (!query.success) throw new UseCaseError('invalid', 'invalid-input', 'version must be a whole number from 1', [{ path: 'version', message: 'a whole number from 1' }]);
      // Admins only (the versions with their running cases are theirs); then the version shown.
      const versions = await procedureVersions(ctx.useCases, p, params.data.id);
      const { published } = await readProcedure(ctx.useCases, params.data.id, query.data.version);
      const lang = languageOf(req);
      const compiled = published.compiled;
      renderPage(ctx, req, res, 'admin/procedure', 'admin.procedure.title', {
        id: compiled.id,
        version: compiled.version,
        titleText: compiled.title[lang],
        descriptionText: compiled.description?.[lang],
        legalBasis: compiled.legalBasis,
        publishedAt: published.publishedAt,
        publishedBy: published.publishedBy,
        justPublished: query.data.published === '1',
        versions: versions.map((v) => ({ ...v, shown: v.version === compiled.version })),
        diagram: diagramModel(compiled, lang, compiled.title[lang]),
        roleWarnings: await procedureWarnings(ctx.useCases, compiled),
      });
    }),
  );
}
