/**
 * Errors as `application/problem+json` (RFC 9457): one class handlers throw, one middleware that
 * writes every error, including the ones Express, the body parser, PostgreSQL and Temporal raise.
 * A request the client got wrong is never answered with 500.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { UseCaseError } from '../usecases/errors';
import { isUnavailable } from './unavailable';

/** One bad field of a request: dotted path and what is wrong. */
export interface ProblemField {
  path: string;
  message: string;
  /** Where it is in a YAML source, for definition errors. */
  line?: number;
  column?: number;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** An error with an HTTP status, a stable `type` slug and a message meant for the caller. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    /** Short slug, becomes `type: /problems/<slug>`. */
    readonly slug: string,
    message: string,
    readonly errors?: ProblemField[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

export const badRequest = (message: string, errors?: ProblemField[]) => new HttpProblem(400, 'bad-request', message, errors);
export const unauthorized = (message: string) =>
  new HttpProblem(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer realm="masar"' });
export const forbidden = (message: string) => new HttpProblem(403, 'forbidden', message);
export const notFound = (message: string) => new HttpProblem(404, 'not-found', message);
export const conflict = (slug: string, message: string) => new HttpProblem(409, slug, message);
export const unprocessable = (message: string, errors: ProblemField[], slug = 'invalid-input') =>
  new HttpProblem(422, slug, message, errors);
export const unavailable = (message: string, retryAfterSeconds = 5) =>
  new HttpProblem(503, 'unavailable', message, undefined, { 'Retry-After': String(retryAfterSeconds) });

/** Zod issues as problem fields: `data.subject`, `limit`. */
export function zodFields(error: z.ZodError, prefix = ''): ProblemField[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { path: prefix && path ? `${prefix}.${path}` : prefix || path, message: issue.message };
  });
}

/** Parses with zod or throws a 400 (query strings, headers) or 422 (bodies) listing every field. */
export function parseOr<T>(schema: z.ZodType<T>, value: unknown, where: 'query' | 'body' | 'params'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = zodFields(result.error);
  if (where === 'body') throw unprocessable('the request body is invalid', fields);
  throw badRequest(`the request ${where === 'query' ? 'query string' : 'path'} is invalid`, fields);
}

/** Answers routes that do not exist with a problem, not Express's HTML page. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`no route ${req.method} ${req.path} (see /api/v1/openapi.json for the routes)`));
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  /** zlib's code when an encoded body does not inflate (`Z_DATA_ERROR`...); PostgreSQL's SQLSTATE. */
  code?: string;
  /** Set by PostgreSQL errors (pg's `DatabaseError`). */
  severity?: string;
}

/** The one mapping of a use case's refusal to HTTP. */
export function useCaseProblem(err: UseCaseError): HttpProblem {
  switch (err.kind) {
    case 'not-found':
      return new HttpProblem(404, err.code, err.message);
    case 'forbidden':
      return new HttpProblem(403, err.code, err.message);
    case 'conflict':
      return new HttpProblem(409, err.code, err.message);
    case 'invalid':
      return new HttpProblem(422, err.code, err.message, err.fields ?? []);
    case 'unavailable':
      return unavailable(err.message);
    case 'too-large':
      return new HttpProblem(413, err.code, err.message, err.fields ?? []);
    case 'unsupported-media-type':
      return new HttpProblem(415, err.code, err.message, err.fields ?? []);
    default: {
      const never: never = err.kind;
      throw new Error(`unknown use-case error kind ${String(never)}`);
    }
  }
}
/**
 * PostgreSQL's data exceptions (class 22: out of range, invalid text, impossible date): only a
 * value can cause them. Routes validate first; this is the net for one that got through.
 */
const isPostgresDataError = (e: BodyParserError): boolean =>
  typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code) && typeof e.severity === 'string';

/** Maps anything thrown to an `HttpProblem`; unknown errors become 500 and are logged. */
export function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof UseCaseError) return useCaseProblem(err);
  const e = err as BodyParserError;
  if (e && typeof e === 'object') {
    if (e.type === 'entity.parse.failed') return badRequest('the request body is not valid JSON');
    if (e.type === 'entity.too.large') {
      return new HttpProblem(413, 'payload-too-large', `the request body exceeds the limit of ${e.limit ?? '?'} bytes`);
    }
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      return new HttpProblem(415, 'unsupported-media-type', e.message);
    }
    if (e.type === 'request.aborted') return badRequest('the request was aborted by the client');
    if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
      return badRequest('the request body does not decode as its Content-Encoding says; send it uncompressed, or encoded as declared');
    }
    // Express could not percent-decode a path segment into UTF-8.
    if (err instanceof URIError) return badRequest('the request path is not valid percent-encoded UTF-8');
    if (isPostgresDataError(e)) {
      return unprocessable('a value in the request is outside what can be stored (out of range, or not valid text)', [
        { path: '', message: `PostgreSQL ${e.code}: ${e.message.split('\n')[0]}` },
      ]);
    }
  }
  if (isUnavailable(err)) return unavailable('a backing service (Temporal or PostgreSQL) is unreachable; retry later');
  return new HttpProblem(500, 'internal', 'an unexpected error occurred; it was logged with the request id');
}

/** The one error middleware: writes `application/problem+json`. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const problem = toProblem(err);
    const requestId = String(res.getHeader('X-Request-Id') ?? '');
    if (problem.status >= 500 && !(err instanceof HttpProblem) && !(err instanceof UseCaseError)) {
      logger.error({ err, requestId, method: req.method, route: req.route?.path ?? req.path }, 'request failed');
    }
    if (problem.status >= 500 && (err instanceof HttpProblem || err instanceof UseCaseError)) logger.warn({ requestId, detail: problem.message }, 'unavailable');
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(problem.headers ?? {})) res.setHeader(name, value);
    res
      .status(problem.status)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: `/problems/${problem.slug}`,
          title: TITLES[problem.status] ?? 'Error',
          status: problem.status,
          detail: problem.message,
          instance: req.originalUrl,
          ...(requestId ? { requestId } : {}),
          ...(problem.errors ? { errors: problem.errors } : {}),
        }),
      );
  };
}
