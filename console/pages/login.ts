/**
 * Signing in and out, the language switch and the front door: `/` sends the visitor to their
 * persona's home page, or to the login page. In development the login page offers the demo
 * personas (one per kind of user); in production the identity provider.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { invalid } from '../../usecases/errors';
import { HOME, personaOf, renderPage, safeNext, type ConsoleContext } from '../context';
import { isConsoleLanguage } from '../i18n';
import { sessionOf, writeLanguage } from '../session';

const DemoLogin = z.object({ persona: z.string().min(1).max(100), next: z.string().max(500).optional() });
const LanguageSwitch = z.object({ lang: z.string(), next: z.string().max(500).optional() });

export function registerLoginPages(router: Router, ctx: ConsoleContext): void {
  const demos = ctx.options.demoPersonas ?? [];

  router.get('/', (req, res) => {
    const principal = sessionOf(req).principal;
    const persona = principal ? personaOf(principal) : undefined;
    res.redirect(303, persona ? HOME[persona] : '/login');
  });

  router.get('/login', (req, res) => {
    renderPage(ctx, req, res, 'login', 'login.title', {
      demos: demos.map((d) => ({ id: d.id, name: d.principal.name ?? d.principal.sub, persona: personaOf(d.principal), unit: d.principal.unit })),
      next: safeNext(req.query.next),
      signedIn: !!sessionOf(req).principal,
      oidc: ctx.options.oidc ? `/login/oidc?next=${encodeURIComponent(safeNext(req.query.next))}` : undefined,
    });
  });

  router.post('/login/demo', (req, res) => {
    const form = DemoLogin.safeParse(req.body);
    const demo = form.success ? demos.find((d) => d.id === form.data.persona) : undefined;
    if (!form.success || !demo) throw invalid('no such demo login', [{ path: 'persona', message: 'choose one of the demo logins offered' }]);
    // A new session id on every login: a session fixed before login is worth nothing after it.
    ctx.codec.write(req, res, ctx.codec.fresh(demo.principal, 'demo'));
    const persona = personaOf(demo.principal);
    const next = safeNext(form.data.next);
    res.redirect(303, next !== '/' ? next : persona ? HOME[persona] : '/');
  });

  router.post('/logout', (req, res) => {
    ctx.codec.write(req, res, ctx.codec.fresh());
    res.redirect(303, '/login');
  });

  router.post('/lang', (req, res) => {
    const form = LanguageSwitch.safeParse(req.body);
    if (!form.success || !isConsoleLanguage(form.data.lang)) throw invalid('unknown language', [{ path: 'lang', message: 'choose fr or ar' }]);
    writeLanguage(req, res, ctx.codec, form.data.lang);
    res.redirect(303, safeNext(form.data.next));
  });
}
