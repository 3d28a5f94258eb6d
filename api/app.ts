/**
 * `createApp(deps)`: the Express application of the REST API, never listening (tests drive it with
 * supertest; `api/main.ts` listens). Handlers parse, call, map; `problems.ts` writes every error.
 *
 * Every route is registered on the app itself with its full path (no nested routers), so the
 * OpenAPI test can list them all from `app._router.stack` and fail on an undocumented one.
 */
import express, { type Express } from 'express';
import { DEFAULT_CALENDAR_ID } from '../definitions/calendar-file';
import { createLogger } from '../config/logging';
import { type AppDeps, type RouteContext } from './context';
import { bodyParsers, methodNotAllowed, requestLog, securityHeaders } from './http';
import { Metrics } from './metrics';
import { notFoundHandler, problemHandler } from './problems';
import { rateLimit } from './rate-limit';
import { registerAccessLogRoutes } from './routes/access-log';
import { registerActionRoutes } from './routes/actions';
import { registerAttentionRoutes } from './routes/attention';
import { registerCatalogueRoutes } from './routes/catalogue';
import { registerCaseRoutes } from './routes/cases';
import { registerDocumentRoutes } from './routes/documents';
import { registerSealedDocumentRoutes } from './routes/sealed-documents';
import { registerCodecRoutes } from './routes/codec';
import { registerPersonalDataRoutes } from './routes/personal-data';
import { registerFilingRoutes } from './routes/filing';
import { registerInboxRoutes } from './routes/inbox';
import { registerJournalRoutes } from './routes/journal';
import { registerMemberRoutes } from './routes/members';
import { registerOpsRoutes } from './routes/ops';
import { registerProcedureRoutes } from './routes/procedures';
import { registerReferenceRoutes } from './routes/reference';

export { API, LOG_REDACT, type AppDeps, type AppOptions, type RouteContext } from './context';

export function createApp(deps: AppDeps): Express {
  const logger = deps.logger ?? createLogger('silent');
  const metrics = new Metrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.options?.trustProxy ?? false);

  const rl = deps.options?.rateLimit;
  const now = deps.options?.now ?? (() => new Date());
  const ctx: RouteContext = {
    deps,
    useCases: { db: deps.db, engine: deps.engine, directory: deps.directory, now, documents: deps.documents },
    logger,
    metrics,
    options: {
      bodyLimit: deps.options?.bodyLimit ?? '256kb',
      calendarId: deps.options?.calendarId ?? DEFAULT_CALENDAR_ID,
      firstViewTimeoutMs: deps.options?.firstViewTimeoutMs ?? 5_000,
      now,
    },
    limited: rl === false ? (_req, _res, next) => next() : rateLimit(rl ?? {}),
  };

  app.use(requestLog(logger, (route, method, status, seconds) => metrics.observeRequest(route, method, status, seconds)));
  app.use(securityHeaders);
  app.use(...bodyParsers({ limit: ctx.options.bodyLimit }));

  registerOpsRoutes(app, ctx);
  registerProcedureRoutes(app, ctx);
  registerCatalogueRoutes(app, ctx);
  registerFilingRoutes(app, ctx);
  registerCaseRoutes(app, ctx);
  registerActionRoutes(app, ctx);
  registerInboxRoutes(app, ctx);
  registerReferenceRoutes(app, ctx);
  registerJournalRoutes(app, ctx);
  registerMemberRoutes(app, ctx);
  registerAttentionRoutes(app, ctx);
  registerDocumentRoutes(app, ctx);
  registerSealedDocumentRoutes(app, ctx);
  registerCodecRoutes(app, ctx);
  registerAccessLogRoutes(app, ctx);
  registerPersonalDataRoutes(app, ctx);
  if (deps.console) app.use(deps.console(ctx.useCases, logger));

  app.use(methodNotAllowed(app));
  app.use(notFoundHandler);
  app.use(problemHandler(logger));
  return app;
}
