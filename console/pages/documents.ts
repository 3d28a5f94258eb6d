/**
 * Downloads from the console, through the same use cases and authorization as the API's:
 * - `GET /documents/:id`: a document attached to a case (for whoever may read the case's data:
 *   `openDocument`), or an upload not yet attached (for its uploader only), with the API's headers:
 *   `Content-Disposition: attachment` with the sanitised name, the sniffed type, `nosniff`;
 * - `GET /cases/:id/receipt.pdf` and `/decision.pdf`: the case's sealed PDFs (`caseDocument`), for
 *   whoever may read the case.
 * Refusals are the console's error pages with the API's statuses (404 for an applicant, 403 for
 * staff of another unit).
 */
import type { Response, Router } from 'express';
import { z } from 'zod';
import { contentDisposition } from '../../documents/file-name';
import { caseDocument } from '../../usecases/case-documents';
import { openDocument } from '../../usecases/documents';
import { UseCaseError } from '../../usecases/errors';
import { consoleRoute, page, signedIn, type ConsoleContext } from '../context';

const DocumentParams = z.object({ id: z.string().max(100) });
const CaseParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/) });

/** Headers every download gets: never rendered by the browser as something else, never cached by others. */
function downloadHeaders(res: Response, type: string, disposition: string, sha256: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', disposition);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('ETag', `"${sha256}"`);
}

export function registerDocumentPages(router: Router, ctx: ConsoleContext): void {
  router.get(
    '/documents/:id',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const params = DocumentParams.safeParse(req.params);
      if (!params.success) throw new UseCaseError('not-found', 'not-found', 'no such document');
      const { document, content } = await openDocument(ctx.useCases, p, params.data.id, consoleRoute(req));
      downloadHeaders(res, document.mediaType, contentDisposition(document.fileName), document.sha256);
      res.setHeader('Content-Length', String(document.size));
      // Past the headers, a failing store can only cut the response short.
      content.on('error', () => res.destroy());
      content.pipe(res);
    }),
  );

  for (const kind of ['receipt', 'decision'] as const) {
    router.get(
      `/cases/:id/${kind}.pdf`,
      page(async (req, res) => {
        const p = signedIn(req, res);
        if (!p) return;
        const params = CaseParams.safeParse(req.params);
        if (!params.success) throw new UseCaseError('not-found', 'not-found', 'no such case');
        const issued = await caseDocument({ ...ctx.useCases, documents: ctx.sealedDocuments }, p, params.data.id, kind, consoleRoute(req));
        // `inline`: the browser's PDF viewer opens it, as the API's link does.
        downloadHeaders(res, 'application/pdf', `inline; filename="${issued.filename}"`, issued.document.sha256);
        res.setHeader('X-Masar-Verification-Code', issued.document.code);
        res.send(issued.pdf);
      }),
    );
  }
}
