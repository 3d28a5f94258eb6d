/**
 * Sealed documents and their public verification:
 * - `GET /api/v1/cases/{id}/receipt.pdf` and `/decision.pdf`: the case's sealed PDF, for whoever
 *   may read the case (the applicant; the unit's staff, who print it at the counter);
 * - `GET /verify/{code}` (the QR code's link, no login): whether a document was issued under the
 *   code, by which unit, when, for which reference: an HTML page for people, JSON on
 *   `Accept: application/json`; `?sha256=` compares a copy's hash;
 * - `POST /verify` and `POST /verify/{code}` with the PDF as body (`application/pdf`): checks a copy.
 * The rules are in `usecases/case-documents.ts`; the page shows nothing personal.
 */
import express, { type Express, type Response } from 'express';
import { z } from 'zod';
import type { DocumentKind } from '../../db/issued-documents';
import { caseDocument, verifyCode, verifyPdf, type Verification } from '../../usecases/case-documents';
import { authenticate, principalOf } from '../auth';
import { API, type RouteContext } from '../context';
import { apiRoute, route } from '../http';
import { HttpProblem, parseOr } from '../problems';
import { CaseIdParam } from '../schemas';

/** Largest PDF accepted for checking: Masar's documents weigh well under 1 MB. */
const VERIFY_BODY_LIMIT = '10mb';

const CodeParam = z.strictObject({
  code: z
    .string()
    .regex(/^[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}$/, 'must be the code printed under the QR code: three groups of four letters or digits, e.g. 7KQ2-M9XD-4T1B'),
});
const VerifyQuery = z.strictObject({ sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits (sha256sum of the PDF)').optional() });

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const KINDS: Record<DocumentKind, { fr: string; ar: string }> = {
  receipt: { fr: 'Récépissé de dépôt', ar: 'وصل الإيداع' },
  decision: { fr: 'Décision administrative', ar: 'قرار إداري' },
};

/** The public page: a verdict and the document's public facts, in both languages. */
function verificationPage(v: Verification): string {
  const altered = v.matches === false;
  const verdict = altered
    ? { fr: 'Ce fichier ne correspond PAS au document émis sous ce code : il a été modifié.', ar: 'هذا الملف لا يطابق الوثيقة الصادرة بهذا الرمز: لقد تم تغييره.' }
    : { fr: 'Document authentique, émis par Masar.', ar: 'وثيقة أصلية صادرة عن منصة مسار.' };
  const when = new Date(v.issuedAt);
  const fmt = (locale: string) => new Intl.DateTimeFormat(locale, { timeZone: 'Africa/Casablanca', dateStyle: 'long', timeStyle: 'short' }).format(when);
  const row = (fr: string, ar: string, value: string) => `<tr><th>${fr}</th><td>${escapeHtml(value)}</td><th lang="ar" dir="rtl">${ar}</th></tr>`;
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Vérification ${escapeHtml(v.code)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111827}.ok{color:#065f46}.ko{color:#991b1b}table{border-collapse:collapse;width:100%}th,td{padding:.4rem;border-bottom:1px solid #e5e7eb;text-align:start;vertical-align:top}th[dir=rtl]{text-align:right}code{word-break:break-all}</style></head><body>
<h1 class="${altered ? 'ko' : 'ok'}">${escapeHtml(verdict.fr)}</h1><p class="${altered ? 'ko' : 'ok'}" lang="ar" dir="rtl">${escapeHtml(verdict.ar)}</p>
<table>${row('Code', 'الرمز', v.code)}${row('Document', 'الوثيقة', `${KINDS[v.kind].fr} / ${KINDS[v.kind].ar}`)}${row('Référence du dossier', 'مرجع الملف', v.reference)}${row('Émis par', 'صادر عن', `${v.unit.name.fr} / ${v.unit.name.ar} (${v.unit.code})`)}${row('Émis le', 'بتاريخ', `${fmt('fr-MA')} / ${fmt('ar-MA')}`)}${row('Empreinte SHA-256', 'البصمة', v.sha256)}</table>
<p>Pour vérifier un fichier, comparez son empreinte SHA-256 à celle-ci, ou envoyez-le : <code>curl --data-binary @document.pdf -H 'Content-Type: application/pdf' ${escapeHtml(`/verify/${v.code}`)}</code></p>
</body></html>`;
}

/** JSON for programs, the page for browsers (the QR code opens a browser). */
function answer(res: Response, v: Verification): void {
  res.format({
    'application/json': () => res.json(v),
    'text/html': () => res.type('html').send(verificationPage(v)),
    default: () => res.json(v),
  });
}

export function registerSealedDocumentRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);
  const deps = () => ({ ...ctx.useCases, documents: ctx.deps.sealedDocuments });

  for (const kind of ['receipt', 'decision'] as const) {
    app.get(
      `${API}/cases/:id/${kind}.pdf`,
      auth,
      ctx.limited,
      route(async (req, res) => {
        const p = principalOf(req);
        const { id } = parseOr(CaseIdParam, req.params, 'params');
        const issued = await caseDocument(deps(), p, id, kind, apiRoute(req));
        res.setHeader('Content-Type', 'application/pdf');
        res.setHeader('Content-Disposition', `inline; filename="${issued.filename}"`);
        res.setHeader('ETag', `"${issued.document.sha256}"`);
        res.setHeader('X-Masar-Verification-Code', issued.document.code);
        res.send(issued.pdf);
      }),
    );
  }

  app.get(
    '/verify/:code',
    ctx.limited,
    route(async (req, res) => {
      const { code } = parseOr(CodeParam, req.params, 'params');
      const { sha256 } = parseOr(VerifyQuery, req.query, 'query');
      answer(res, await verifyCode(ctx.useCases, code, sha256));
    }),
  );

  const pdfBody = express.raw({ type: 'application/pdf', limit: VERIFY_BODY_LIMIT });
  const requirePdf = (req: express.Request): Buffer => {
    if (!req.is('application/pdf') || !Buffer.isBuffer(req.body)) throw new HttpProblem(415, 'unsupported-media-type', 'send the PDF file as the body with Content-Type: application/pdf');
    return req.body;
  };
  app.post(
    '/verify',
    ctx.limited,
    pdfBody,
    route(async (req, res) => {
      answer(res, await verifyPdf(ctx.useCases, requirePdf(req)));
    }),
  );
  app.post(
    '/verify/:code',
    ctx.limited,
    pdfBody,
    route(async (req, res) => {
      const { code } = parseOr(CodeParam, req.params, 'params');
      answer(res, await verifyPdf(ctx.useCases, requirePdf(req), code));
    }),
  );
}
