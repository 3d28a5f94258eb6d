/**
 * `createConsole(deps, options)`: the web console, an Express router the API process mounts at `/`
 * (after the API's own routes). Server-rendered pages in French and Arabic over the same use cases
 * as the API: the console never reaches the database or Temporal another way, and the use cases
 * decide who may do what, for both transports alike.
 *
 * Order of the middleware: assets (no session needed), compression, the console's security headers,
 * form parsing and the API's input guard (unstorable text is refused here as there), the session,
 * the CSRF check, then the pages; errors become an error page in the visitor's language.
 */
import compression from 'compression';
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import type { AppDeps } from '../api/context';
import { guardRequest } from '../api/input-guard';
import type { ApiConfig } from '../config/env';
import type { UseCaseDeps } from '../usecases/deps';
import { UseCaseError } from '../usecases/errors';
import { assetRoutes } from './assets';
import { baseModel, languageOf, type ConsoleContext, type ConsoleOptions, type DemoPersona } from './context';
import { translate } from './i18n';
import { registerApplicantPages } from './pages/applicant';
import { registerAgentPages } from './pages/agent';
import { registerCasePages } from './pages/case';
import { registerCataloguePages } from './pages/catalogue';
import { registerLoginPages } from './pages/login';
import { registerSupervisorPages } from './pages/supervisor';
import { multipartForms } from './multipart';
import type { OidcOptions } from './oidc-client';
import { registerAdminAttentionPages } from './pages/admin-attention';
import { registerAdminCalendarPages } from './pages/admin-calendar';
import { registerAdminDirectoryPages } from './pages/admin-directory';
import { registerAdminProcedurePages } from './pages/admin-procedures';
import { registerOidcPages } from './pages/oidc';
import { Views } from './render';
import { csrfCheck, SessionCodec, sessions } from './session';

export type { ConsoleOptions, DemoPersona } from './context';

/** Registers one group of pages on the console's router. */
export type PageModule = (router: Router, ctx: ConsoleContext) => void;

/** Every group of pages, in order (a module per persona or concern). */
const PAGES: PageModule[] = [
  // Before the login pages: its logout handles the sessions the identity provider opened.
  registerOidcPages,
  registerLoginPages,
  registerApplicantPages,
  registerSupervisorPages,
  registerAgentPages,
  registerCasePages,
  registerAdminProcedurePages,
  registerAdminCalendarPages,
  registerAdminDirectoryPages,
  registerAdminAttentionPages,
  registerCataloguePages,
];

/** Content-Security-Policy of console pages: only Masar's own files; no inline script, no eval. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Inline style attributes: Masar's own SVG diagrams carry them; htmx adds its indicator styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

const STATUS: Record<UseCaseError['kind'], number> = {
  'not-found': 404,
  forbidden: 403,
  conflict: 409,
  invalid: 422,
  unavailable: 503,
  'too-large': 413,
  'unsupported-media-type': 415,
};

/** Builds the console. */
export function createConsole(deps: { useCases: UseCaseDeps; logger: Logger }, options: ConsoleOptions): Router {
  const views = new Views();
  const codec = new SessionCodec({ secret: options.sessionSecret, ...(options.secureCookies !== undefined ? { secureCookies: options.secureCookies } : {}) });
  const ctx: ConsoleContext = { useCases: deps.useCases, views, codec, options, logger: deps.logger };

  const router = express.Router();
  router.use(compression());
  router.use(assetRoutes());
  router.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Vary', 'Cookie, Accept-Language, HX-Request');
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: options.bodyLimit ?? '256kb', parameterLimit: 500 }));
  router.use(multipartForms(options.bodyLimit ?? '256kb'));
  router.use(guardRequest);
  router.use(sessions(codec));
  router.use((req, _res, next) => {
    if (csrfCheck(req)) return next();
    next(new UseCaseError('forbidden', 'csrf', 'the form expired or came from another site: reload the page and try again'));
  });
  for (const register of PAGES) register(router, ctx);
  // A browser asking for a page that does not exist gets a page; API clients get the API's 404.
  router.use((req, _res, next) => {
    const wantsPage = req.method === 'GET' && !req.path.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');
    next(wantsPage ? new UseCaseError('not-found', 'not-found', `no page at ${req.path}`) : undefined);
  });
  router.use(consoleErrors(ctx));
  return router;
}

/** Renders an error as a page in the visitor's language; 5xx are logged, never shown in detail. */
function consoleErrors(ctx: ConsoleContext): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent || req.path.startsWith('/api/')) return next(err);
    let status = 500;
    let detail: string | undefined;
    let code = 'internal';
    if (err instanceof UseCaseError) {
      status = STATUS[err.kind];
      detail = err.message;
      code = err.code;
    } else if (err && typeof err === 'object' && typeof (err as { status?: unknown }).status === 'number') {
      status = (err as { status: number }).status;
      detail = status < 500 ? (err as Error).message : undefined;
      code = 'request';
    }
    if (status >= 500) ctx.logger.error({ err, path: req.path }, 'console page failed');
    const lang = languageOf(req);
    const html = ctx.views.render('error', {
      ...(req.consoleSession ? baseModel(req, `error.title.${status in TITLE_KEYS ? status : 500}`) : { lang, dir: lang === 'ar' ? 'rtl' : 'ltr', title: translate(lang, 'error.title.500') }),
      status,
      detail,
      code,
      messageKey: `error.message.${status in TITLE_KEYS ? status : 500}`,
    });
    res.status(status).type('html').send(html);
  };
}

const TITLE_KEYS: Record<number, true> = { 400: true, 403: true, 404: true, 409: true, 413: true, 422: true, 500: true, 503: true };

/** The console as the API process mounts it, from the API's configuration (`undefined` when turned off). */
export function consoleFromConfig(
  config: ApiConfig,
  demoPersonas: DemoPersona[] = [],
  more: Pick<ConsoleOptions, 'knownTemplates' | 'simulator'> = {},
): AppDeps['console'] {
  if (!config.MASAR_CONSOLE) return undefined;
  const sessionSecret = config.MASAR_SESSION_SECRET ?? config.AUTH_JWT_SECRET;
  if (!sessionSecret) throw new Error('console: set MASAR_SESSION_SECRET (or MASAR_CONSOLE=false)');
  const secure = config.MASAR_SECURE_COOKIES;
  const oidc = oidcFromConfig(config);
  return (useCases, logger) => {
    if (config.MASAR_CONSOLE_DEMO_LOGINS && demoPersonas.length > 0) logger.warn('console: demo logins are on (MASAR_CONSOLE_DEMO_LOGINS): anyone can sign in as anyone; never in production');
    return createConsole(
      { useCases, logger },
      {
        sessionSecret,
        secureCookies: secure === 'auto' ? 'auto' : secure === 'true',
        bodyLimit: config.BODY_LIMIT,
        calendarId: config.MASAR_CALENDAR,
        ...(config.MASAR_CONSOLE_DEMO_LOGINS ? { demoPersonas } : {}),
        ...more,
        ...(oidc ? { oidc } : {}),
      },
    );
  };
}

/** The identity provider of the configuration, when its three required variables are set. */
export function oidcFromConfig(config: ApiConfig): OidcOptions | undefined {
  if (!config.OIDC_ISSUER_URL || !config.OIDC_CLIENT_ID || !config.OIDC_REDIRECT_URL) return undefined;
  return {
    issuer: config.OIDC_ISSUER_URL,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    redirectUrl: config.OIDC_REDIRECT_URL,
    postLogoutRedirectUrl: config.OIDC_POST_LOGOUT_REDIRECT_URL,
    scope: config.OIDC_SCOPE,
    rolesClaim: config.OIDC_ROLES_CLAIM,
    unitClaim: config.OIDC_UNIT_CLAIM,
  };
}
