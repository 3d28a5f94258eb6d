/**
 * The law 55-19 catalogue in the console (`/catalogue`): every published procedure with the
 * documents it may ask for, its fees and its deadline with their basis, in French and Arabic.
 * Public, as the law wants it published: no sign-in, no CSRF-bound form, the same use case as
 * `GET /api/v1/catalogue` (`usecases/catalogue.ts`). A signed-in applicant gets a link to file.
 */
import type { Router } from 'express';
import { readCatalogue } from '../../usecases/catalogue';
import { isApplicant } from '../../usecases/access';
import type { CatalogueEntry } from '../../definitions/catalogue';
import { languageOf, page, renderPage, type ConsoleContext } from '../context';
import { localeOf, translate, type ConsoleLanguage } from '../i18n';
import { sessionOf } from '../session';
import { labelIn } from './people-view';

/** An amount in dirhams as the language writes it ("10,00 MAD", "10٫00 د.م.‏"). */
const amountIn = (lang: ConsoleLanguage, amount: number) => new Intl.NumberFormat(localeOf(lang), { style: 'currency', currency: 'MAD' }).format(amount);

/** What the administration's silence at the deadline means, in words. */
function silenceKey(d: CatalogueEntry['deadline']): string {
  if (d.onSilence !== 'decided') return 'catalogue.silenceEscalates';
  switch (d.silenceOutcome) {
    case 'tacitly_approved':
      return 'catalogue.silenceApproves';
    case 'tacitly_refused':
      return 'catalogue.silenceRefuses';
    default:
      return 'catalogue.silenceDecides';
  }
}

/** One procedure as the page shows it: the entry's bilingual labels in the page's language. */
function entryModel(lang: ConsoleLanguage, e: CatalogueEntry) {
  const d = e.deadline;
  return {
    id: e.procedure.id,
    version: e.procedure.version,
    title: labelIn(lang, e.title),
    description: e.description ? labelIn(lang, e.description) : undefined,
    legalBasis: e.legalBasis,
    documents: e.documents.map((doc) => ({ label: labelIn(lang, doc.label), required: doc.required, note: doc.note ? labelIn(lang, doc.note) : undefined })),
    fees: e.fees.map((f) => ({ label: labelIn(lang, f.label), amount: amountIn(lang, f.amount), free: f.amount === 0, basis: f.basis, unconfirmed: f.unconfirmed })),
    deadline: {
      label: labelIn(lang, d.label),
      words: labelIn(lang, d.words),
      sameDay: d.sameDay,
      extension: d.extension ? { words: labelIn(lang, d.extension.words), max: d.extension.max } : undefined,
      silence: translate(lang, silenceKey(d)),
      note: d.note ? labelIn(lang, d.note) : undefined,
      basis: d.basis,
    },
  };
}

export function registerCataloguePages(router: Router, ctx: ConsoleContext): void {
  router.get(
    '/catalogue',
    page(async (req, res) => {
      const lang = languageOf(req);
      const catalogue = await readCatalogue(ctx.useCases);
      // Not cached publicly, unlike the API's: the page carries the visitor's session (CSRF token, language).
      const principal = sessionOf(req).principal;
      renderPage(ctx, req, res, 'catalogue/catalogue', 'catalogue.title', {
        procedures: catalogue.procedures.map((e) => entryModel(lang, e)),
        canFile: principal ? isApplicant(principal) : false,
      });
    }),
  );
}
