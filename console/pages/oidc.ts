/**
 * Sign-in with the identity provider, when one is configured (`ConsoleOptions.oidc`):
 * - `GET /login/oidc?next=`: a fresh state, nonce and PKCE verifier in the flow cookie, then off to
 *   the provider;
 * - `GET <redirect URL's path>`: the provider's answer checked against the flow cookie (a state,
 *   nonce or PKCE mismatch, a replayed or foreign code, a cookie from another browser: refused with
 *   a page), the claims mapped to a `Principal`, and a new session exactly as a demo login makes;
 * - `POST /logout` of a session opened this way also signs out at the provider (registered before
 *   the login pages, which handle every other logout).
 */
import type { Router } from 'express';
import { HOME, page, personaOf, safeNext, type ConsoleContext } from '../context';
import { OidcClient, OidcFlowCodec, OidcRefusal, principalFromClaims } from '../oidc-client';
import { sessionOf } from '../session';

export function registerOidcPages(router: Router, ctx: ConsoleContext): void {
  const options = ctx.options.oidc;
  if (!options) return;
  const provider = new OidcClient(options);
  const flows = new OidcFlowCodec(ctx.options.sessionSecret);

  router.get(
    '/login/oidc',
    page(async (req, res) => {
      const flow = flows.fresh(safeNext(req.query.next));
      const url = await provider.authorizationUrl(flow);
      flows.write(res, flow, ctx.codec.secure(req), provider.callbackPath);
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, url.href);
    }),
  );

  router.get(
    provider.callbackPath,
    page(async (req, res) => {
      const flow = flows.read(req);
      // Used once, whatever happens next.
      flows.write(res, undefined, ctx.codec.secure(req), provider.callbackPath);
      res.setHeader('Cache-Control', 'no-store');
      if (!flow) throw new OidcRefusal(400, 'this sign-in expired or was started in another browser: sign in again');
      const error = typeof req.query.error === 'string' ? req.query.error.slice(0, 100) : undefined;
      if (error) {
        const description = typeof req.query.error_description === 'string' ? `: ${req.query.error_description.slice(0, 300)}` : '';
        throw new OidcRefusal(error === 'access_denied' ? 403 : 400, `the identity provider refused the sign-in (${error}${description})`);
      }
      const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
      let principal;
      try {
        principal = principalFromClaims(await provider.finish(flow, query), options);
      } catch (err) {
        if (err instanceof OidcRefusal) ctx.logger.warn({ reason: err.message, status: err.status }, 'console: sign-in with the identity provider refused');
        throw err;
      }
      // A new session id on every login, as for demo logins.
      ctx.codec.write(req, res, ctx.codec.fresh(principal, 'oidc'));
      const persona = personaOf(principal);
      const next = safeNext(flow.next);
      res.redirect(303, next !== '/' ? next : persona ? HOME[persona] : '/');
    }),
  );

  router.post('/logout', (req, res, next) => {
    // Another kind of session: the login pages' logout handles it.
    if (sessionOf(req).data.via !== 'oidc') return next();
    ctx.codec.write(req, res, ctx.codec.fresh());
    provider
      .endSessionUrl()
      .catch(() => undefined)
      .then((end) => res.redirect(303, end ? end.href : '/login'), next);
  });
}
