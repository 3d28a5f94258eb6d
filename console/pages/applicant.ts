/**
 * The applicant's pages: their cases (`/my/cases`), filing a case (`/file`: choose a published
 * procedure and a commune, then fill the procedure's own form) and the printable receipt of a case
 * (`/cases/:id/receipt`, French and Arabic side by side).
 *
 * Filing goes through the same use case as `POST /api/v1/cases`; a refusal comes back next to its
 * field (422, the form re-filled). The filing form carries an idempotency key drawn when the form is
 * shown: a double click or a resent form files one case, not two.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { inspectJson } from '../../api/input-guard';
import type { CompiledProcedure } from '../../definitions/compiled';
import { DEFAULT_PRIVACY_NOTICE, privacyNoticeText } from '../../documents/privacy-notice';
import { uploadDocument } from '../../usecases/documents';
import { invalid, UseCaseError, type FieldError } from '../../usecases/errors';
import { listUnits } from '../../usecases/directory';
import { fileCase, requestHash } from '../../usecases/file-case';
import { listProcedures, readProcedure } from '../../usecases/procedures';
import { listCases, readCase } from '../../usecases/read-cases';
import { languageOf, page, renderPage, signedIn, type ConsoleContext } from '../context';
import { errorsUnder, formFields, holdsFiles, parseForm, type PostedForm } from '../forms';
import { translate } from '../i18n';
import { csrfCheck, sessionOf, sessions } from '../session';
import { fileInputAt, readUploadForm, streamsUploads, withUploads } from '../upload-form';
import { labelIn, listCursor, nextDeadline } from './people-view';
import { receiptModel } from './receipt-model';

/** How long the receipt waits for the new case's first view before showing it without its deadlines. */
const FIRST_VIEW_MS = 10_000;
const PAGE_SIZE = 20;
const COMMUNES_SHOWN = 100;

const text = (max: number) => z.string().max(max).optional();
const ChooseQuery = z.object({ procedure: text(200), unit: text(200), q: text(200) });
const Code = z.string().min(1).max(200);
const IdempotencyKey = z.string().regex(/^[A-Za-z0-9-]{8,64}$/);

/** The choice half of a posted filing: procedure and unit (each refused at its field), and the form's key. */
function readFilingForm(body: PostedForm): { ok: true; procedure: string; unit: string; key: string } | { ok: false; state: FilingState } {
  const procedure = Code.safeParse(body.procedure);
  const unit = Code.safeParse(body.unit);
  // A key damaged on the way is replaced: it only guards against filing twice.
  const key = IdempotencyKey.safeParse(body.key).data ?? randomUUID();
  if (procedure.success && unit.success) return { ok: true, procedure: procedure.data, unit: unit.data, key };
  const errors: FieldError[] = [];
  if (!procedure.success) errors.push({ path: 'procedure', message: procedure.error.issues[0]?.message ?? 'invalid' });
  if (!unit.success) errors.push({ path: 'unit', message: unit.error.issues[0]?.message ?? 'invalid' });
  return { ok: false, state: { ...(procedure.success ? { procedure: procedure.data } : {}), ...(unit.success ? { unit: unit.data } : {}), errors, key } };
}
/** The form with what cannot be stored replaced (U+FFFD), to show it back. */
function storable(form: PostedForm): PostedForm {
  // eslint-disable-next-line no-control-regex -- NUL and lone surrogates are what is being replaced
  const clean = (v: string) => v.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? clean(v) : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? clean(x) : x)) : v]));
}

const CaseId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/);

/** What the filing page shows: the choice (step 1), and the procedure's form once both are chosen (step 2). */
interface FilingState {
  procedure?: string;
  unit?: string;
  q?: string;
  errors: FieldError[];
  form?: PostedForm;
  key?: string;
}

export function registerApplicantPages(router: Router, ctx: ConsoleContext): void {
  const deps = ctx.useCases;

  router.get(
    '/my/cases',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const lang = languageOf(req);
      const cursor = listCursor(req.query.after);
      if (cursor === 'bad') throw new UseCaseError('invalid', 'bad-cursor', 'the page link is damaged: go back to the first page', [{ path: 'after', message: 'unknown cursor' }]);
      const { items, next } = await listCases(deps, p, {}, { limit: PAGE_SIZE, sort: '-filedAt', ...(cursor ? { cursor } : {}) });
      const now = deps.now();
      renderPage(ctx, req, res, 'applicant/my-cases', 'my.title', {
        cases: items.map(({ record }) => {
          const due = nextDeadline(record.view, now);
          return {
            caseId: record.view.caseId,
            reference: record.view.reference,
            procedure: labelIn(lang, record.facts.procedureTitle),
            unit: labelIn(lang, record.facts.unit.name),
            state: labelIn(lang, record.view.stateLabel),
            closed: record.view.status === 'closed',
            filedAt: record.view.filedAt,
            due,
            receiptLabel: translate(lang, 'my.receiptLink', { reference: record.view.reference }),
          };
        }),
        ...(next ? { next: `/my/cases?after=${encodeURIComponent(next)}` } : {}),
      });
    }),
  );

  router.get(
    '/file',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const query = ChooseQuery.safeParse(req.query);
      if (!query.success) {
        return renderFiling(req, res, { errors: query.error.issues.map((i) => ({ path: String(i.path[0] ?? 'q'), message: i.message })) }, 422);
      }
      const { procedure, unit, q } = query.data;
      await renderFiling(req, res, { ...(procedure ? { procedure } : {}), ...(unit ? { unit } : {}), ...(q ? { q } : {}), errors: [], key: randomUUID() });
    }),
  );

  router.post(
    '/file',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      let body = req.body as PostedForm;
      let uploadErrors: FieldError[] = [];
      if (streamsUploads(req)) {
        // The procedure's hidden field precedes the files: each is uploaded for its field of it.
        const read = await readUploadForm(req, sessionOf(req).csrf, async (name, fields, content, fileName) => {
          const chosen = Code.safeParse(fields.procedure);
          const compiled = chosen.success ? await publishedProcedure(chosen.data) : undefined;
          const input = compiled && fileInputAt(compiled.input, name, 'data');
          if (!compiled || !input) throw invalid(`"${name}" is not a file field of the chosen procedure`, [{ path: name, message: `"${name}" is not a file field of this form` }]);
          return uploadDocument(deps, p, { procedure: compiled.id, version: compiled.version, field: `input.${input.definitionPath}` }, { content, fileName });
        });
        const chosen = Code.safeParse(read.form.procedure);
        const compiled = chosen.success ? await publishedProcedure(chosen.data) : undefined;
        body = withUploads(read, (name) => (compiled ? fileInputAt(compiled.input, name, 'data') : undefined));
        uploadErrors = read.errors;
      }
      const form = readFilingForm(body);
      if (!form.ok) return renderFiling(req, res, { ...form.state, form: body }, 422);
      const { procedure: procedureId, unit, key } = form;
      const compiled = await publishedProcedure(procedureId);
      if (!compiled) return renderFiling(req, res, { unit, errors: [{ path: 'procedure', message: 'unknown' }], key }, 422);
      const parsed = parseForm(compiled.input, body, 'data');
      if (!parsed.ok || uploadErrors.length > 0) {
        const errors = [...uploadErrors, ...(parsed.ok ? [] : parsed.errors.map((e) => ({ ...e, path: `data.${e.path}` })))];
        return renderFiling(req, res, { procedure: procedureId, unit, form: body, key, errors }, 422);
      }
      const request = { procedure: procedureId, version: compiled.version, unit, data: parsed.value };
      try {
        const filed = await fileCase(deps, p, request, {
          calendarId: ctx.options.calendarId,
          firstViewTimeoutMs: FIRST_VIEW_MS,
          idempotency: { key: `console-${key}`, requestHash: requestHash(request) },
        });
        res.redirect(303, `/cases/${encodeURIComponent(filed.caseId)}/receipt?filed=1`);
      } catch (err) {
        // The key was claimed by a filing that went through: this form was sent before (a double
        // click, a resend after a lost answer). Its case heads the person's list.
        if (err instanceof UseCaseError && err.kind === 'conflict' && err.code === 'idempotency-key-reused') return res.redirect(303, '/my/cases');
        if (!(err instanceof UseCaseError) || err.kind !== 'invalid') throw err;
        await renderFiling(req, res, { procedure: procedureId, unit, form: body, key, errors: err.fields?.length ? err.fields : [{ path: '', message: err.message }] }, 422);
      }
    }),
  );

  // Text PostgreSQL cannot store (a NUL...) is refused by the input guard before any page runs; on
  // the filing form it comes back next to its field like any other refusal, the rest re-filled.
  router.use('/file', (err: unknown, req: Request, res: Response, next: NextFunction) => {
    const finding = req.method === 'POST' ? inspectJson(req.body) : undefined;
    if (!finding || finding.kind !== 'unstorable' || finding.inKey) return next(err);
    sessions(ctx.codec)(req, res, () => {
      if (!csrfCheck(req) || !signedIn(req, res)) return next(err);
      const body = storable(req.body as PostedForm);
      const form = readFilingForm(body);
      const state: FilingState = form.ok ? { procedure: form.procedure, unit: form.unit, key: form.key, errors: [] } : form.state;
      state.errors = [...state.errors, { path: finding.path, message: finding.message }];
      renderFiling(req, res, { ...state, form: body }, 422).catch(next);
    });
  });

  router.get(
    '/cases/:id/receipt',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const id = CaseId.safeParse(req.params.id);
      if (!id.success) throw new UseCaseError('not-found', 'not-found', 'no such case');
      const { record } = await readCase(deps, p, id.data);
      const { published } = await readProcedure(deps, record.view.procedure.id, record.view.procedure.version);
      renderPage(ctx, req, res, 'applicant/receipt', 'receipt.title', {
        filed: req.query.filed === '1',
        caseId: record.view.caseId,
        ...(ctx.sealedDocuments ? { pdf: `/cases/${encodeURIComponent(record.view.caseId)}/receipt.pdf` } : {}),
        sides: (['fr', 'ar'] as const).map((lang) => receiptModel(lang, record, published.compiled)),
      });
    }),
  );

  async function publishedProcedure(id: string): Promise<CompiledProcedure | undefined> {
    try {
      return (await readProcedure(deps, id)).published.compiled;
    } catch (err) {
      if (err instanceof UseCaseError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  /** Step 1 (choose), or step 2 (the form) when a published procedure and a known commune are chosen. */
  async function renderFiling(req: Request, res: Response, state: FilingState, status = 200): Promise<void> {
    const lang = languageOf(req);
    const errors = [...state.errors];
    const procedures = await listProcedures(deps);
    const chosen = state.procedure ? await publishedProcedure(state.procedure) : undefined;
    if (state.procedure && !chosen && !errors.some((e) => e.path === 'procedure')) errors.push({ path: 'procedure', message: 'unknown' });
    let commune: { code: string; name: string } | undefined;
    if (state.unit) {
      const found = (await listUnits(deps, { q: state.unit, active: true, limit: 50 })).units.find((u) => u.code === state.unit);
      if (found) commune = { code: found.code, name: labelIn(lang, found.name) };
      else if (!errors.some((e) => e.path === 'unit')) errors.push({ path: 'unit', message: 'unknown' });
    }
    const unitError = errors.find((e) => e.path === 'unit');
    const procedureError = errors.find((e) => e.path === 'procedure');
    const step2 = !!(chosen && commune && !unitError && !procedureError);
    if (!step2 && status === 200 && (procedureError || unitError)) status = 422;
    const communes = step2 ? [] : (await listUnits(deps, { kind: 'commune', active: true, limit: COMMUNES_SHOWN, ...(state.q ? { q: state.q } : {}) })).units;
    const general = errors.filter((e) => e.path === '' || (!e.path.startsWith('data.') && !['procedure', 'unit', 'q', 'key'].includes(e.path)));
    renderPage(
      ctx,
      req,
      res,
      'applicant/file',
      'file.title',
      {
        step2,
        procedures: procedures.map((pr) => ({ id: pr.id, title: labelIn(lang, pr.title), selected: pr.id === state.procedure })),
        communes: communes.map((u) => ({ code: u.code, name: labelIn(lang, u.name), selected: u.code === state.unit })),
        q: state.q ?? '',
        procedure: state.procedure ?? '',
        unit: state.unit ?? '',
        procedureError: procedureError && {
          text: translate(lang, 'file.error.unknownProcedure'),
          ...(procedureError.message !== 'unknown' ? { detail: procedureError.message } : {}),
        },
        unitError: unitError && { text: translate(lang, 'file.error.unknownUnit'), ...(unitError.message !== 'unknown' ? { detail: unitError.message } : {}) },
        general: general.map((e) => ({ text: translate(lang, 'file.error.form'), detail: e.path ? `${e.path}: ${e.message}` : e.message })),
        hasErrors: errors.length > 0,
        ...(step2 && chosen && commune
          ? {
              chosen: translate(lang, 'file.chosen', { procedure: labelIn(lang, chosen.title), commune: `${commune.name} (${commune.code})` }),
              changeHref: `/file?procedure=${encodeURIComponent(chosen.id)}`,
              key: state.key ?? randomUUID(),
              fields: formFields(chosen.input, lang, {
                form: state.form ?? {},
                errors: errorsUnder(errors, 'data'),
                prefix: 'data',
                ...(deps.documents ? { fileLimit: deps.documents.maxBytes } : {}),
              }),
              hasFiles: Object.values(chosen.input).some(holdsFiles),
              legalBasis: chosen.legalBasis.map((b) => [b.title?.[lang], b.law, b.articles?.length ? b.articles.join(', ') : undefined].filter(Boolean).join(' — ')),
              notice: privacyNoticeText(lang, ctx.options.privacy ?? DEFAULT_PRIVACY_NOTICE),
            }
          : {}),
      },
      status,
    );
  }
}
