/**
 * Sign-in with the identity provider (production): the OpenID Connect authorization code flow with
 * PKCE, through `openid-client` (v6). What the flow needs between leaving for the provider and coming
 * back (state, nonce, PKCE verifier, the page asked for) travels in a short-lived signed cookie
 * scoped to the login paths: nothing is stored server side, any API process with the same secret
 * finishes a login another one started. The provider's claims become the `Principal` the use cases
 * read: `sub`, `name`, `email`, the roles and the unit from the claims the configuration names, the
 * language from `locale`.
 */
import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';
import * as client from 'openid-client';
import { z } from 'zod';
import type { Principal } from '../usecases/principal';
import { SignedValue } from './signed-value';

/** How the console reaches the identity provider. */
export interface OidcOptions {
  /** The issuer's URL (its `/.well-known/openid-configuration` is read on the first login). */
  issuer: string;
  clientId: string;
  /** Confidential clients authenticate with it (client_secret_basic); absent: a public client. */
  clientSecret?: string | undefined;
  /** Where the provider sends the browser back: this console's callback (its path is the route). */
  redirectUrl: string;
  /** Where the provider sends the browser after signing out (registered with the provider). @default none */
  postLogoutRedirectUrl?: string | undefined;
  /** @default 'openid profile email' */
  scope?: string | undefined;
  /** The claim holding the roles (an array, or one string separated by spaces or commas). @default 'roles' */
  rolesClaim?: string | undefined;
  /** The claim holding the unit code of staff. @default 'unit' */
  unitClaim?: string | undefined;
}

/** The cookie of a login under way. */
export const OIDC_COOKIE = 'masar_oidc';
/** Time a visitor has at the provider before the login must be started again. */
export const OIDC_FLOW_SECONDS = 600;

const Flow = z.object({
  state: z.string().min(16).max(200),
  nonce: z.string().min(16).max(200),
  verifier: z.string().min(43).max(128),
  next: z.string().max(500),
  exp: z.number().int(),
});
/** What the console remembers while the visitor is at the provider. */
export type OidcFlow = z.infer<typeof Flow>;

/** Signs and reads the flow cookie (HMAC-SHA256 with a key of its own derived from the session secret). */
export class OidcFlowCodec {
  private readonly signed: SignedValue<OidcFlow>;
  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.signed = new SignedValue('masar-console-oidc-flow', secret, Flow, 2048, now);
  }

  encode(flow: OidcFlow): string {
    return this.signed.encode(flow);
  }

  decode(value: string | undefined): OidcFlow | undefined {
    return this.signed.decode(value);
  }

  /** A new flow: fresh state, nonce and PKCE verifier. */
  fresh(next: string): OidcFlow {
    return { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), next, exp: Math.floor(this.now() / 1000) + OIDC_FLOW_SECONDS };
  }

  write(res: Response, flow: OidcFlow | undefined, secure: boolean, path: string): void {
    res.append(
      'Set-Cookie',
      serialize(OIDC_COOKIE, flow ? this.encode(flow) : '', { httpOnly: true, sameSite: 'lax', secure, path, maxAge: flow ? OIDC_FLOW_SECONDS : 0 }),
    );
  }

  read(req: Request): OidcFlow | undefined {
    const header = req.headers.cookie;
    return header ? this.decode(parse(header)[OIDC_COOKIE]) : undefined;
  }
}

/** A refusal of the flow: shown as a page with `status`, logged with `reason`. */
export class OidcRefusal extends Error {
  override name = 'OidcRefusal';
  readonly expose = true;
  constructor(
    readonly status: 400 | 403 | 503,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What went wrong, with the provider's own error code and description when it sent them, and the
 * checks' own words: openid-client wraps oauth4webapi's errors, which name the claim or parameter
 * that failed (nonce, state, iss...) in their `cause`.
 */
function describe(err: unknown): string {
  const parts: string[] = [];
  let e = err as { message?: unknown; error?: unknown; error_description?: unknown; claim?: unknown; parameter?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    for (const part of [e.message, e.error, e.error_description]) if (typeof part === 'string' && part && !parts.includes(part)) parts.push(part);
    if (typeof e.claim === 'string') parts.push(`claim "${e.claim}"`);
    if (typeof e.parameter === 'string') parts.push(`parameter "${e.parameter}"`);
    e = e.cause as typeof e;
  }
  return parts.join(': ').slice(0, 500);
}

const isLoopback = (url: URL) => url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';

/** The provider as `openid-client` knows it, discovered once (again after a failure). */
export class OidcClient {
  private configuration: Promise<client.Configuration> | undefined;
  readonly callbackPath: string;

  constructor(readonly options: OidcOptions) {
    this.callbackPath = new URL(options.redirectUrl).pathname;
  }

  config(): Promise<client.Configuration> {
    if (!this.configuration) {
      const issuer = new URL(this.options.issuer);
      const auth = this.options.clientSecret ? client.ClientSecretBasic(this.options.clientSecret) : client.None();
      // Plain HTTP only to a provider on this machine (development, tests); the configuration refuses others.
      const execute = issuer.protocol === 'http:' && isLoopback(issuer) ? [client.allowInsecureRequests] : [];
      this.configuration = client.discovery(issuer, this.options.clientId, undefined, auth, { execute, timeout: 10 }).catch((err: unknown) => {
        this.configuration = undefined;
        throw new OidcRefusal(503, `the identity provider ${issuer.origin} cannot be reached (${(err as Error).message}); try again in a moment`);
      });
    }
    return this.configuration;
  }

  /** Where to send the browser to sign in, for this flow. */
  async authorizationUrl(flow: OidcFlow): Promise<URL> {
    const config = await this.config();
    return client.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUrl,
      scope: this.options.scope ?? 'openid profile email',
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * The claims of the person who signed in, once the provider's answer passed every check (state,
   * PKCE, the ID token's signature, issuer, audience, nonce and times); the userinfo claims added
   * when the provider has that endpoint (many put roles there rather than in the ID token).
   */
  async finish(flow: OidcFlow, query: string): Promise<Record<string, unknown>> {
    const config = await this.config();
    const current = new URL(this.options.redirectUrl);
    current.search = query;
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new OidcRefusal(400, `the identity provider's answer was refused: ${describe(err)}`);
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new OidcRefusal(400, 'the identity provider sent no ID token');
    let info: Record<string, unknown> = {};
    if (config.serverMetadata().userinfo_endpoint && tokens.access_token) {
      try {
        info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      } catch (err) {
        throw new OidcRefusal(400, `the identity provider's userinfo was refused: ${describe(err)}`);
      }
    }
    // The ID token's claims win: they are the ones signed for this login.
    return { ...info, ...idClaims };
  }

  /** The provider's sign-out address, when it has one. */
  async endSessionUrl(): Promise<URL | undefined> {
    const config = await this.config();
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return client.buildEndSessionUrl(config, {
      client_id: this.options.clientId,
      ...(this.options.postLogoutRedirectUrl ? { post_logout_redirect_uri: this.options.postLogoutRedirectUrl } : {}),
    });
  }
}

const ROLE = /^[a-z][a-z0-9_]{0,63}$/;
const Claims = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
  locale: z.string().max(35).optional(),
});

/**
 * The `Principal` of a provider's claims, or a 403 naming what is missing or malformed: no role
 * Masar knows the shape of, a unit that is not a unit code, a subject too long.
 */
export function principalFromClaims(claims: Record<string, unknown>, options: Pick<OidcOptions, 'rolesClaim' | 'unitClaim'>): Principal {
  const base = Claims.safeParse(claims);
  if (!base.success) throw new OidcRefusal(403, `the identity provider's claims are not usable: ${base.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const rolesClaim = options.rolesClaim ?? 'roles';
  const unitClaim = options.unitClaim ?? 'unit';
  const rawRoles = Object.hasOwn(claims, rolesClaim) ? claims[rolesClaim] : undefined;
  const roles = (Array.isArray(rawRoles) ? rawRoles : typeof rawRoles === 'string' ? rawRoles.split(/[\s,]+/) : []).filter((r) => r !== '');
  if (roles.length === 0) throw new OidcRefusal(403, `your identity has no role for Masar (claim "${rolesClaim}"): ask an administrator to grant you one`);
  if (roles.length > 50 || !roles.every((r) => typeof r === 'string' && ROLE.test(r))) {
    throw new OidcRefusal(403, `claim "${rolesClaim}" must list roles such as agent or supervisor (lower case letters, digits, _), at most 50`);
  }
  const rawUnit = Object.hasOwn(claims, unitClaim) ? claims[unitClaim] : undefined;
  if (rawUnit !== undefined && (typeof rawUnit !== 'string' || !/^[A-Za-z0-9.]{1,50}$/.test(rawUnit))) {
    throw new OidcRefusal(403, `claim "${unitClaim}" must be a unit code such as 01.511.01.01`);
  }
  return {
    sub: base.data.sub,
    ...(base.data.name ? { name: base.data.name } : {}),
    ...(base.data.email ? { email: base.data.email } : {}),
    roles: roles as string[],
    ...(typeof rawUnit === 'string' ? { unit: rawUnit } : {}),
    lang: base.data.locale?.toLowerCase().startsWith('ar') ? 'ar' : 'fr',
  };
}
