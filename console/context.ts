/**
 * What every console page module receives, and the helpers they share: who the visitor is, which
 * persona's pages they get, and how a page is rendered with the common model (language, direction,
 * CSRF token, navigation).
 */
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { isAdmin, isApplicant, isStaff, isSupervisor } from '../usecases/access';
import type { UseCaseDeps } from '../usecases/deps';
import type { Principal } from '../usecases/principal';
import type { ProcedureSimulator } from '../usecases/simulate';
import type { OidcOptions } from './oidc-client';
import { isConsoleLanguage, translate, type ConsoleLanguage } from './i18n';
import type { Views } from './render';
import { cookiesOf, LANG_COOKIE, sessionOf, type SessionCodec } from './session';

/** The four kinds of people the console serves; each has a home page and a menu. */
export type Persona = 'applicant' | 'agent' | 'supervisor' | 'admin';

/** A login offered on the login page in development (never in production). */
export interface DemoPersona {
  /** Stable id, posted by the login form. */
  id: string;
  principal: Principal;
}

export interface ConsoleOptions {
  /** Key of the session cookie's signature (at least 32 characters). */
  sessionSecret: string;
  /** `true`: cookies always Secure; `'auto'`: when the request came over TLS. @default 'auto' */
  secureCookies?: boolean | 'auto';
  /** Demo logins shown on the login page (development only). @default none */
  demoPersonas?: DemoPersona[];
  /** Largest form body. @default '256kb' */
  bodyLimit?: string;
  /** Calendar of working-day clocks for new cases. */
  calendarId: string;
  /** Shipped templates a definition may name (administrators' procedure pages). @default none */
  knownTemplates?: readonly string[];
  /** Plays a definition before it is published (development: the time-skipping test server). @default none */
  simulator?: ProcedureSimulator;
  /** Sign-in with the identity provider (production). @default none */
  oidc?: OidcOptions;
}

export interface ConsoleContext {
  useCases: UseCaseDeps;
  views: Views;
  codec: SessionCodec;
  options: ConsoleOptions;
  logger: Logger;
}

/** The persona whose pages `p` gets (an administrator first, then supervisor, agent, applicant). */
export function personaOf(p: Principal): Persona | undefined {
  if (isAdmin(p)) return 'admin';
  if (isSupervisor(p)) return 'supervisor';
  if (isStaff(p)) return 'agent';
  if (isApplicant(p)) return 'applicant';
  return undefined;
}

/** Each persona's home page. */
export const HOME: Record<Persona, string> = {
  applicant: '/my/cases',
  agent: '/inbox',
  supervisor: '/supervision',
  admin: '/admin/procedures',
};

/** One entry of the menu: a path and its catalogue key. */
export interface NavItem {
  href: string;
  label: string;
}

/** The menu of each persona (supervisors also work cases: they get the inbox too). */
export const NAV: Record<Persona, NavItem[]> = {
  applicant: [
    { href: '/my/cases', label: 'nav.myCases' },
    { href: '/file', label: 'nav.file' },
    { href: '/catalogue', label: 'catalogue.nav' },
  ],
  agent: [
    { href: '/inbox', label: 'nav.inbox' },
    { href: '/cases', label: 'nav.cases' },
  ],
  supervisor: [
    { href: '/supervision', label: 'nav.supervision' },
    { href: '/escalations', label: 'nav.escalations' },
    { href: '/inbox', label: 'nav.inbox' },
    { href: '/cases', label: 'nav.cases' },
  ],
  admin: [
    { href: '/admin/procedures', label: 'nav.procedures' },
    { href: '/admin/calendar', label: 'nav.calendar' },
    { href: '/admin/directory', label: 'nav.directory' },
    { href: '/admin/attention', label: 'nav.attention' },
  ],
};

/** The menu of a visitor not signed in: the law 55-19 catalogue is public. */
export const PUBLIC_NAV: NavItem[] = [{ href: '/catalogue', label: 'catalogue.nav' }];

/** The language of a request: the remembered choice, else the signed-in person's, else the browser's, else French. */
export function languageOf(req: Request): ConsoleLanguage {
  const remembered = cookiesOf(req)[LANG_COOKIE];
  if (isConsoleLanguage(remembered)) return remembered;
  const principal = req.consoleSession?.principal;
  if (principal && isConsoleLanguage(principal.lang)) return principal.lang;
  const accepted = req.acceptsLanguages('fr', 'ar');
  return accepted === 'ar' ? 'ar' : 'fr';
}

/** The model every page gets, beside its own: language, direction, CSRF token, who, menu. */
export function baseModel(req: Request, title: string): Record<string, unknown> {
  const session = sessionOf(req);
  const lang = languageOf(req);
  const principal = session.principal;
  const persona = principal ? personaOf(principal) : undefined;
  const nav = (persona ? NAV[persona] : principal ? [] : PUBLIC_NAV).map((item) => ({ ...item, current: req.path === item.href || req.path.startsWith(`${item.href}/`) }));
  return {
    lang,
    dir: lang === 'ar' ? 'rtl' : 'ltr',
    otherLang: lang === 'ar' ? 'fr' : 'ar',
    title: translate(lang, title),
    csrf: session.csrf,
    principal,
    persona,
    nav,
    path: req.originalUrl,
  };
}

/** Renders page `view` with the base model and `model` (a 200 unless `status` says otherwise). */
export function renderPage(ctx: ConsoleContext, req: Request, res: Response, view: string, title: string, model: Record<string, unknown> = {}, status = 200): void {
  const full = { ...baseModel(req, title), ...model };
  const html = req.header('HX-Request') === 'true' && req.header('HX-Target') ? ctx.views.fragment(view, full) : ctx.views.render(view, full);
  res.status(status).type('html').send(html);
}

/** The signed-in person, or a redirect to the login page (then `undefined`: the handler stops). */
export function signedIn(req: Request, res: Response): Principal | undefined {
  const principal = sessionOf(req).principal;
  if (principal) return principal;
  res.redirect(303, `/login?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
  return undefined;
}

/** A local path to go back to after login or a language switch; anything else becomes `/`. */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.length > 500) return '/';
  // eslint-disable-next-line no-control-regex -- a control character in a redirect is an attack
  return /[\u0000-\u001f\u007f]/.test(value) ? '/' : value;
}

/** Express 4 does not catch a rejected promise: an async page handler's error goes to the error page. */
export function page(fn: (req: Request, res: Response) => Promise<void>): (req: Request, res: Response, next: (err?: unknown) => void) => void {
  return (req, res, next) => {
    fn(req, res).catch(next);
  };
}
