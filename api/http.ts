/**
 * Cross-cutting HTTP middleware: request ids and access logs, security headers, body parsing with
 * a size limit and a guard against prototype keys, and the async route wrapper Express 4 lacks.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { badRequest, HttpProblem } from './problems';

/** Express 4 does not catch rejected promises: route them to the error middleware. */
export function route(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    fn(req, res).catch(next);
  };
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

/** Keys that could reach an object's prototype if a consumer merged the body carelessly. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first forbidden key in a parsed JSON value, if any. */
export function forbiddenKeyPath(value: unknown, path = ''): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = forbiddenKeyPath(item, path ? `${path}.${i}` : String(i));
      if (found !== undefined) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const here = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return here;
      const found = forbiddenKeyPath((value as Record<string, unknown>)[key], here);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export interface BodyOptions {
  /** Largest accepted body. @default '256kb' */
  limit?: string;
}

/** JSON bodies (and YAML text for the procedure routes), size-limited and guarded. */
export function bodyParsers(options: BodyOptions = {}): RequestHandler[] {
  const limit = options.limit ?? '256kb';
  return [
    express.json({ limit, strict: true, type: ['application/json', 'application/*+json'] }),
    express.text({ limit, type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'] }),
    (req: Request, _res: Response, next: NextFunction) => {
      const bad = forbiddenKeyPath(req.body);
      if (bad !== undefined) {
        return next(badRequest(`the key "${bad.split('.').pop()}" is not accepted anywhere in a request body`, [{ path: bad, message: 'forbidden key' }]));
      }
      next();
    },
  ];
}

/** Throws 415 unless the request carries JSON (a POST with a form or no body is a client error). */
export function requireJson(req: Request): void {
  if (!req.is(['application/json', 'application/*+json'])) {
    throw new HttpProblem(415, 'unsupported-media-type', 'send the body as application/json');
  }
}
