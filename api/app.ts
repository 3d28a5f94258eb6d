/**
 * `createApp(deps)`: the Express application of the REST API, never listening (tests drive it with
 * supertest; `api/main.ts` listens). Handlers parse, call, map; `problems.ts` writes every error.
 *
 * Every route is registered on the app itself with its full path (no nested routers), so the
 * OpenAPI test can list them all from `app._router.stack` and fail on an undocumented one.
 */
import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import type { Directory } from '../db/directory';
import type { Db } from '../db/pool';
import { DEFAULT_CALENDAR_ID } from '../definitions/calendar-file';
import type { TokenVerifier } from './auth';
import type { CaseEngine } from './case-engine';
import { bodyParsers, methodNotAllowed, requestLog, securityHeaders } from './http';
import { Metrics } from './metrics';
import { notFoundHandler, problemHandler } from './problems';
import { rateLimit, type RateLimitOptions } from './rate-limit';
import { registerActionRoutes } from './routes/actions';
import { registerAttentionRoutes } from './routes/attention';
import { registerCaseRoutes } from './routes/cases';
import { registerFilingRoutes } from './routes/filing';
import { registerInboxRoutes } from './routes/inbox';
import { registerOpsRoutes } from './routes/ops';
import { registerProcedureRoutes } from './routes/procedures';
import { registerReferenceRoutes } from './routes/reference';

/** Prefix of every versioned route. */
export const API = '/api/v1';

export interface AppDeps {
  db: Db;
  engine: CaseEngine;
  directory: Pick<Directory, 'caseUnit' | 'descendants' | 'listUnits'>;
  verifyToken: TokenVerifier;
  /** @default a silent logger */
  logger?: Logger;
  options?: AppOptions;
}

export interface AppOptions {
  /** Largest request body. @default '256kb' */
  bodyLimit?: string;
  /** Limits on applicant-facing routes; `false` turns them off. @default capacity 60, 2/s */
  rateLimit?: RateLimitOptions | false;
  /** Calendar of working-day clocks for new cases. @default 'ma-administration' */
  calendarId?: string;
  /** How long `POST /cases` waits for the new case's first view before answering 202. @default 5000 */
  firstViewTimeoutMs?: number;
  /** The clock of `overdue` filters and references. @default () => new Date() */
  now?: () => Date;
  /** Trust `X-Forwarded-For` from this many proxies (rate limiting by address). @default false */
  trustProxy?: number | false;
}

/** What every route module receives. */
export interface RouteContext {
  deps: AppDeps;
  options: Required<Omit<AppOptions, 'rateLimit' | 'trustProxy'>>;
  logger: Logger;
  metrics: Metrics;
  /** Rate limit for applicant-facing routes (a pass-through when turned off). */
  limited: express.RequestHandler;
}

/** Paths redacted from every log line: tokens and personal data never reach the logs. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'body',
  'data',
  'applicant.email',
  'email',
  '*.data',
  '*.email',
];

export function createApp(deps: AppDeps): Express {
  const logger = deps.logger ?? pino({ level: 'silent', redact: LOG_REDACT });
  const metrics = new Metrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.options?.trustProxy ?? false);

  const rl = deps.options?.rateLimit;
  const ctx: RouteContext = {
    deps,
    logger,
    metrics,
    options: {
      bodyLimit: deps.options?.bodyLimit ?? '256kb',
      calendarId: deps.options?.calendarId ?? DEFAULT_CALENDAR_ID,
      firstViewTimeoutMs: deps.options?.firstViewTimeoutMs ?? 5_000,
      now: deps.options?.now ?? (() => new Date()),
    },
    limited: rl === false ? (_req, _res, next) => next() : rateLimit(rl ?? {}),
  };

  app.use(requestLog(logger, (route, method, status, seconds) => metrics.observeRequest(route, method, status, seconds)));
  app.use(securityHeaders);
  app.use(...bodyParsers({ limit: ctx.options.bodyLimit }));

  registerOpsRoutes(app, ctx);
  registerProcedureRoutes(app, ctx);
  registerFilingRoutes(app, ctx);
  registerCaseRoutes(app, ctx);
  registerActionRoutes(app, ctx);
  registerInboxRoutes(app, ctx);
  registerReferenceRoutes(app, ctx);
  registerAttentionRoutes(app, ctx);

  app.use(methodNotAllowed(app));
  app.use(notFoundHandler);
  app.use(problemHandler(logger));
  return app;
}
