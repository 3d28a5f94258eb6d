/**
 * The applicant's contact data (`/my/contact`): the e-mail address each of their cases writes to,
 * and a form to correct it on every case or on one (law 09-08, art. 8). The same use case as
 * `POST /api/v1/me/personal-data/rectifications`: who may, what is valid, what is journaled are
 * decided there; a refusal comes back next to its field (422, the form re-filled).
 */
import type { Request, Response, Router } from 'express';
import type { FieldError } from '../../usecases/errors';
import { UseCaseError } from '../../usecases/errors';
import { contactOverview, rectifyContact } from '../../usecases/rectify-contact';
import { languageOf, page, renderPage, signedIn, type ConsoleContext } from '../context';
import type { PostedForm } from '../forms';
import { translate } from '../i18n';

const ROUTE = '/my/contact';
/** Fields the form has; a refusal naming another (none should) is shown at the e-mail field. */
const KNOWN_FIELDS = new Set(['email', 'caseId']);

interface ContactForm {
  email?: string;
  caseId?: string;
  errors: FieldError[];
}

export function registerRectifyPages(router: Router, ctx: ConsoleContext): void {
  const deps = ctx.useCases;

  router.get(
    ROUTE,
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      await show(req, res, { errors: [] });
    }),
  );

  router.post(
    ROUTE,
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const body = (req.body ?? {}) as PostedForm;
      const email = typeof body.email === 'string' ? body.email : '';
      const caseId = typeof body.caseId === 'string' && body.caseId !== '' ? body.caseId : undefined;
      try {
        const result = await rectifyContact(deps, p, { email, ...(caseId ? { caseId } : {}) }, { transport: 'console', route: `POST ${ROUTE}` });
        const changed = result.cases.filter((c) => c.outcome === 'rectified').length;
        res.redirect(303, `${ROUTE}?done=${changed}`);
      } catch (err) {
        if (!(err instanceof UseCaseError) || err.kind !== 'invalid') throw err;
        await show(req, res, { email, ...(caseId ? { caseId } : {}), errors: err.fields?.length ? err.fields : [{ path: 'email', message: err.message }] }, 422);
      }
    }),
  );

  async function show(req: Request, res: Response, form: ContactForm, status = 200): Promise<void> {
    const p = signedIn(req, res);
    if (!p) return;
    const lang = languageOf(req);
    const overview = await contactOverview(deps, p);
    const done = /^[0-9]{1,6}$/.test(String(req.query.done ?? '')) ? Number(req.query.done) : undefined;
    const errorOf = (field: string) => {
      const e = form.errors.find((x) => x.path === field || (field === 'email' && !KNOWN_FIELDS.has(x.path)));
      return e && { text: translate(lang, `rectify.error.${field}`), detail: e.message };
    };
    renderPage(
      ctx,
      req,
      res,
      'applicant/contact',
      'rectify.title',
      {
        ...(overview.accountEmail ? { accountEmail: overview.accountEmail } : {}),
        cases: overview.cases.map((c) => ({ ...c, closed: c.status === 'closed', selected: c.caseId === form.caseId })),
        ...(done !== undefined ? { done: translate(lang, 'rectify.done', { count: done }) } : {}),
        email: form.email ?? overview.accountEmail ?? overview.cases[0]?.email ?? '',
        emailError: errorOf('email'),
        caseError: errorOf('caseId'),
      },
      status,
    );
  }
}
