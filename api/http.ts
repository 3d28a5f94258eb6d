/**
 * Cross-cutting HTTP middleware: request ids and access logs, security headers, body parsing with
 * a size limit and the input guard (`input-guard.ts`), and the async route wrapper Express 4 lacks.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { checkParams, guardRequest } from './input-guard';
import { HttpProblem } from './problems';

/** Express 4 does not catch rejected promises: route them to the error middleware. */
export function route(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    // Path parameters exist only once a route matched: the one place every route passes through.
    try {
      checkParams(req.params);
    } catch (err) {
      next(err);
      return;
    }
    fn(req, res).catch(next);
  };
}

/** The transport and route of a request, as the access log records it (`GET /api/v1/cases/:id`). */
export function apiRoute(req: Request): { transport: 'api'; route: string } {
  return { transport: 'api', route: `${req.method} ${req.route ? `${req.baseUrl}${String(req.route.path)}` : req.path}` };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when well-formed) and logs one line when
 * it ends: method, route, status, duration, caller. Never the body, the query or headers: they
 * may hold personal data or tokens.
 */
export function requestLog(logger: Logger, observe: (route: string, method: string, status: number, seconds: number) => void): RequestHandler {
  return (req, res, next) => {
    const given = req.header('X-Request-Id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const routePath = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      observe(routePath, req.method, res.statusCode, seconds);
      logger.info(
        { requestId, method: req.method, route: routePath, status: res.statusCode, ms: Math.round(seconds * 1000), sub: req.principal?.sub },
        'request',
      );
    });
    next();
  };
}

/** Headers helmet would set, by hand: this API serves JSON and one static docs page. */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Strict-Transport-Security', 'max-age=15552000; includeSubDomains');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export interface BodyOptions {
  /** Largest accepted body. @default '256kb' */
  limit?: string;
}

/**
 * JSON bodies (and YAML text for the procedure routes), size-limited, then guarded with the query
 * string (`input-guard.ts`: unstorable text, prototype keys, nesting depth).
 */
export function bodyParsers(options: BodyOptions = {}): RequestHandler[] {
  const limit = options.limit ?? '256kb';
  return [
    express.json({ limit, strict: true, type: ['application/json', 'application/*+json'] }),
    express.text({ limit, type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'] }),
    guardRequest,
  ];
}

/** Throws 415 unless the request carries JSON (a POST with a form or no body is a client error). */
export function requireJson(req: Request): void {
  if (!req.is(['application/json', 'application/*+json'])) {
    throw new HttpProblem(415, 'unsupported-media-type', 'send the body as application/json');
  }
}

interface RouteLayer {
  route?: { methods: Record<string, boolean> };
  match(path: string): boolean;
}

/**
 * Answers a known path asked with a method it does not declare: 405 with an `Allow` header, not
 * 404 (the path exists). Placed after every route; unknown paths go on to the 404 handler.
 */
export function methodNotAllowed(app: Express): RequestHandler {
  return (req, _res, next) => {
    const stack = (app as unknown as { _router?: { stack: RouteLayer[] } })._router?.stack ?? [];
    const allowed = new Set<string>();
    for (const layer of stack) {
      if (!layer.route) continue;
      let matches = false;
      try {
        matches = layer.match(req.path);
      } catch {
        // A path Express cannot decode matches nothing here; the 404 (or 400) handler answers it.
      }
      if (matches) for (const method of Object.keys(layer.route.methods)) allowed.add(method.toUpperCase());
    }
    if (allowed.size === 0) return next();
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed].sort().join(', ');
    next(new HttpProblem(405, 'method-not-allowed', `${req.method} is not allowed on ${req.path} (allowed: ${allow})`, undefined, { Allow: allow }));
  };
}
