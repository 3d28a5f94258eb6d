/**
 * One check over everything a request carries, before any route sees it: the parsed JSON body
 * (keys and values, at any depth), the query string and the path parameters.
 *
 * Refused here, for every route at once:
 * - text PostgreSQL cannot store (a NUL character, a lone UTF-16 surrogate): accepted, it would make
 *   the projection of a case fail on every retry;
 * - keys that could reach an object's prototype (`__proto__`, `constructor`, `prototype`);
 * - JSON nested deeper than {@link MAX_JSON_DEPTH}: recursive code downstream (zod, hashing,
 *   PostgreSQL's jsonb) would overflow the stack or refuse it late.
 *
 * The walk is iterative, so a hostile body cannot overflow the stack of the check itself.
 */
import type { NextFunction, Request, Response } from 'express';
import { badRequest, unprocessable, type HttpProblem } from './problems';

/** Deepest nesting of objects and arrays accepted in a JSON body. */
export const MAX_JSON_DEPTH = 32;

/** Keys that could reach an object's prototype if a consumer merged the body carelessly. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A NUL, or a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// No `u` flag: the pattern must see UTF-16 code units, not code points, to find a lone surrogate.
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a piece of text PostgreSQL must store, or `undefined` when it can be stored. */
export function unstorableText(text: string): string | undefined {
  const m = UNSTORABLE.exec(text);
  if (!m) return undefined;
  const at = m.index;
  return m[0] === '\u0000'
    ? `contains a NUL character (U+0000) at position ${at}, which cannot be stored`
    : `contains a lone UTF-16 surrogate (U+${m[0].charCodeAt(0).toString(16).toUpperCase()}) at position ${at}, which is not text`;
}

/** The first thing wrong in a parsed JSON value: where (dotted path) and what. */
export type JsonFinding =
  | { kind: 'too-deep'; path: string }
  | { kind: 'forbidden-key'; path: string; key: string }
  | { kind: 'unstorable'; path: string; message: string; inKey: boolean };

const join = (path: string, step: string): string => (path ? `${path}.${step}` : step);

/** Walks `value` breadth-first (no recursion) and returns the first finding, if any. */
export function inspectJson(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonFinding | undefined {
  const queue: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  for (let i = 0; i < queue.length; i++) {
    const item = queue[i] as (typeof queue)[number];
    const v = item.value;
    if (typeof v === 'string') {
      const problem = unstorableText(v);
      if (problem) return { kind: 'unstorable', path: item.path, message: problem, inKey: false };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (item.depth >= maxDepth) return { kind: 'too-deep', path: item.path };
    if (Array.isArray(v)) {
      v.forEach((child, index) => queue.push({ value: child, path: join(item.path, String(index)), depth: item.depth + 1 }));
      continue;
    }
    for (const key of Object.keys(v)) {
      const path = join(item.path, key);
      if (FORBIDDEN_KEYS.has(key)) return { kind: 'forbidden-key', path, key };
      const problem = unstorableText(key);
      if (problem) return { kind: 'unstorable', path, message: `key ${problem}`, inKey: true };
      queue.push({ value: (v as Record<string, unknown>)[key], path, depth: item.depth + 1 });
    }
  }
  return undefined;
}

type Where = 'body' | 'query' | 'path';
const WHERE: Record<Where, string> = { body: 'the request body', query: 'the query string', path: 'the path' };

/** The problem answering a finding in one part of the request. */
export function findingProblem(finding: JsonFinding, where: Where): HttpProblem {
  const field = finding.path || (where === 'body' ? '(body)' : '(value)');
  switch (finding.kind) {
    case 'too-deep':
      return unprocessable(`${WHERE[where]} nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`, [
        { path: field, message: `nested deeper than ${MAX_JSON_DEPTH} levels` },
      ], 'too-deep');
    case 'forbidden-key':
      return badRequest(`the key "${finding.key}" is not accepted anywhere in a request`, [{ path: field, message: 'forbidden key' }]);
    case 'unstorable':
      return unprocessable(`${WHERE[where]}: ${field} ${finding.message}; remove it and send the text again`, [
        { path: field, message: finding.message },
      ], 'unstorable-text');
    default: {
      const never: never = finding;
      throw new Error(`unknown finding ${String(never)}`);
    }
  }
}

/** Middleware: the parsed body (JSON, or a text body) and the query string pass {@link inspectJson}. */
export function guardRequest(req: Request, _res: Response, next: NextFunction): void {
  if (typeof req.body === 'string') {
    const problem = unstorableText(req.body);
    if (problem) return next(unprocessable(`the request body ${problem}`, [{ path: '(body)', message: problem }], 'unstorable-text'));
  } else {
    const inBody = inspectJson(req.body);
    if (inBody) return next(findingProblem(inBody, 'body'));
  }
  const inQuery = inspectJson(req.query, 8);
  if (inQuery) return next(findingProblem(inQuery, 'query'));
  next();
}

/** Throws the problem of the first unstorable path parameter (Express decodes them after matching). */
export function checkParams(params: Record<string, string>): void {
  const finding = inspectJson(params, 2);
  if (finding) throw findingProblem(finding, 'path');
}
