/**
 * Documents over HTTP (`usecases/documents.ts` decides): `POST /documents` streams one
 * `multipart/form-data` file part to the store, `GET /documents/{id}` downloads one,
 * `GET /cases/{id}/documents` lists a case's. The upload names the procedure field it is for in
 * the query string, so the field's limit and accepted types are known before the first byte.
 */
import busboy from 'busboy';
import type { Express, Request } from 'express';
import type { Readable } from 'node:stream';
import { listDocumentsOfCase, openDocument, requireUploader, uploadDocument, uploadField, type UploadedDocument } from '../../usecases/documents';
import { authenticate, principalOf } from '../auth';
import { API, type RouteContext } from '../context';
import { apiRoute, route } from '../http';
import { contentDisposition } from '../../documents/file-name';
import { HttpProblem, parseOr, unprocessable } from '../problems';
import { CaseIdParam, DocumentIdParam, UploadQuery } from '../schemas';


/** The one file part of a multipart request, handed to `consume`; resolves once the request is read whole. */
function oneFilePart<T>(req: Request, consume: (file: Readable, fileName: string | undefined) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // defParamCharset: file names in UTF-8 (busboy's default reads them as latin1).
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 1, parts: 2, headerPairs: 20 } });
    } catch (err) {
      reject(new HttpProblem(400, 'bad-request', `the multipart request is malformed: ${(err as Error).message}`));
      return;
    }
    let result: Promise<T> | undefined;
    let refused: HttpProblem | undefined;
    const refuse = (problem: HttpProblem) => (refused ??= problem);
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        refuse(unprocessable(`the file part is named "${name}"`, [{ path: name, message: 'send the document in a part named "file"' }]));
        stream.resume();
        return;
      }
      result = consume(stream, info.filename);
      // Whatever `consume` did, the rest of the part must be read, or the parser never finishes.
      result.catch(() => stream.resume());
    });
    parser.on('field', (name) =>
      refuse(
        name === 'file'
          ? unprocessable('the part "file" carries no file name', [{ path: 'file', message: 'send the document as a file (with a filename in its Content-Disposition)' }])
          : unprocessable(`unexpected form field "${name}"`, [{ path: name, message: 'send only the part "file"; name the procedure and field in the query string' }]),
      ),
    );
    parser.on('filesLimit', () => refuse(unprocessable('more than one file part', [{ path: 'file', message: 'send one document per request' }])));
    parser.on('fieldsLimit', () => refuse(unprocessable('unexpected form fields', [{ path: '', message: 'send only the part "file"' }])));
    parser.on('partsLimit', () => refuse(unprocessable('too many parts', [{ path: '', message: 'send only the part "file"' }])));
    parser.on('error', (err: Error) => {
      req.unpipe(parser);
      req.resume();
      reject(new HttpProblem(400, 'bad-request', `the multipart body is malformed: ${err.message}`));
    });
    parser.on('close', () => {
      if (!result) {
        reject(refused ?? unprocessable('no file in the request', [{ path: 'file', message: 'is required (a multipart part named "file")' }]));
        return;
      }
      result.then(
        (value) => (refused ? reject(refused) : resolve(value)),
        (err: unknown) => reject(err),
      );
    });
    req.on('aborted', () => reject(new HttpProblem(400, 'bad-request', 'the request was aborted by the client')));
    req.pipe(parser);
  });
}

export function registerDocumentRoutes(app: Express, ctx: RouteContext): void {
  app.post(
    `${API}/documents`,
    authenticate(ctx.deps.verifyToken),
    ctx.limited,
    route(async (req, res) => {
      const p = principalOf(req);
      requireUploader(p);
      if (!req.is('multipart/form-data')) {
        throw new HttpProblem(415, 'unsupported-media-type', 'send the document as multipart/form-data with one part named "file"');
      }
      const target = parseOr(UploadQuery, req.query, 'query');
      const resolved = await uploadField(ctx.useCases, target);
      const uploaded: UploadedDocument = await oneFilePart(req, (content, fileName) => uploadDocument(ctx.useCases, p, target, { content, fileName }, resolved));
      ctx.metrics.count('masar_documents_uploaded_total', {});
      const location = `${API}/documents/${uploaded.id}`;
      res.setHeader('Location', location);
      res.status(201).json({ ...uploaded, location });
    }),
  );

  app.get(
    `${API}/documents/:id`,
    authenticate(ctx.deps.verifyToken),
    route(async (req, res) => {
      const { id } = parseOr(DocumentIdParam, req.params, 'params');
      const { document, content } = await openDocument(ctx.useCases, principalOf(req), id, apiRoute(req));
      res.setHeader('Content-Type', document.mediaType);
      res.setHeader('Content-Length', String(document.size));
      res.setHeader('Content-Disposition', contentDisposition(document.fileName));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('ETag', `"${document.sha256}"`);
      res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(document.sha256, 'hex').toString('base64')}:`);
      if (req.method === 'HEAD') {
        content.destroy();
        res.end();
        return;
      }
      // Past the headers, a failing store can only cut the response short.
      content.on('error', () => res.destroy());
      content.pipe(res);
    }),
  );

  app.get(
    `${API}/cases/:id/documents`,
    authenticate(ctx.deps.verifyToken),
    route(async (req, res) => {
      const { id } = parseOr(CaseIdParam, req.params, 'params');
      const items = await listDocumentsOfCase(ctx.useCases, principalOf(req), id, apiRoute(req));
      res.json({ items: items.map((d) => ({ ...d, location: `${API}/documents/${d.id}` })) });
    }),
  );
}
