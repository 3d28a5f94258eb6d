/**
 * `multipart/form-data` forms (a file chosen in an `<input type="file">`), parsed before the CSRF
 * check so that the token travels in the form as everywhere else. Small text files only: the body
 * is bounded by the console's form limit, every field becomes a string in `req.body` (a file: its
 * text, which must be UTF-8; an empty file input is left out). Node's own `Response.formData()`
 * reads the multipart format: no parser of ours, no dependency.
 */
import type { Request, RequestHandler } from 'express';

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `256kb` -> bytes (the console's `bodyLimit` format). */
export function limitBytes(limit: string): number {
  const m = /^(\d+)(b|kb|mb)$/.exec(limit);
  if (!m) throw new Error(`console: body limit "${limit}" must look like 256kb`);
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}

const refusal = (status: number, message: string) => Object.assign(new Error(message), { status, expose: true });

async function readBounded(req: Request, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) throw refusal(413, `the form is larger than ${max} bytes: send a smaller file`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw refusal(413, `the form is larger than ${max} bytes: send a smaller file`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses multipart forms of at most `limit` (e.g. `256kb`) and `maxFields` fields into `req.body`,
 * except those `streamed` says their page reads itself (forms carrying documents: upload-form.ts).
 */
export function multipartForms(limit: string, maxFields = 50, streamed: (req: Request) => boolean = () => false): RequestHandler {
  const max = limitBytes(limit);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  return (req, _res, next) => {
    if (req.method !== 'POST' || !req.is('multipart/form-data') || streamed(req)) return next();
    (async () => {
      const body = await readBounded(req, max);
      let form: FormData;
      try {
        form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
      } catch {
        throw refusal(400, 'the form could not be read as multipart/form-data');
      }
      const fields: Record<string, string> = Object.create(null) as Record<string, string>;
      let count = 0;
      for (const [name, value] of form.entries()) {
        if (++count > maxFields) throw refusal(400, `the form has more than ${maxFields} fields`);
        if (typeof value === 'string') {
          fields[name] = value;
          continue;
        }
        if (value.size === 0) continue;
        try {
          fields[name] = utf8.decode(await value.arrayBuffer());
        } catch {
          throw refusal(400, `the file in "${name}" is not UTF-8 text`);
        }
      }
      req.body = fields;
    })().then(() => next(), next);
  };
}
