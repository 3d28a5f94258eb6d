/**
 * Authentication: a bearer JWT, verified with `jose`, either HS256 with a shared secret (dev and
 * tests; `masar token` mints them) or against a JWKS URL (production identity provider).
 * The claims become a `Principal`; nothing else about the caller is trusted.
 */
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Principal } from '../usecases/principal';
import { unauthorized, unavailable } from './problems';
import { Language } from '../definitions/schema';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS, DEFAULT_MAX_TOKEN_LIFETIME, parseLifetime, tokenTimeProblem } from './token-lifetime';

export type { Principal };

export const Claims = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  email: z.string().email().max(320).optional(),
  roles: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).max(50).default([]),
  unit: z.string().min(1).max(50).optional(),
  lang: Language.default('fr'),
});

export interface AuthOptions {
  /** HS256 shared secret (at least 32 characters). */
  jwtSecret?: string;
  /** JWKS URL of the identity provider (RS256/ES256 tokens). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Longest lifetime of a token (`exp - iat`), in seconds. @default 86400 (24 h) */
  maxTokenLifetimeSeconds?: number;
  /** Clock skew accepted on `exp`, `iat` and `nbf`, in seconds. @default 60 */
  clockToleranceSeconds?: number;
  /** The verifier's clock, in seconds since the epoch (tests). @default the system clock */
  nowSeconds?: () => number;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

/** Builds the verifier once, at start-up; one of `jwtSecret` or `jwksUrl` is required. */
export function createTokenVerifier(options: AuthOptions): TokenVerifier {
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (options.jwksUrl) {
    key = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5_000 });
    algorithms = ['RS256', 'ES256', 'PS256', 'EdDSA'];
  } else if (options.jwtSecret) {
    if (options.jwtSecret.length < 32) throw new Error('AUTH_JWT_SECRET: must be at least 32 characters (generate one with `openssl rand -hex 32`)');
    key = new TextEncoder().encode(options.jwtSecret);
    algorithms = ['HS256'];
  } else {
    throw new Error('auth: set AUTH_JWT_SECRET (development) or AUTH_JWKS_URL (production)');
  }
  const policy = {
    maxLifetimeSeconds: options.maxTokenLifetimeSeconds ?? (parseLifetime(DEFAULT_MAX_TOKEN_LIFETIME) as number),
    clockToleranceSeconds: options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
  };
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return async (token) => {
    const nowSeconds = now();
    const verifyOptions = {
      algorithms,
      clockTolerance: policy.clockToleranceSeconds,
      currentDate: new Date(nowSeconds * 1000),
      ...(options.issuer ? { issuer: options.issuer } : {}),
      ...(options.audience ? { audience: options.audience } : {}),
    };
    const { payload } =
      key instanceof Uint8Array ? await jwtVerify(token, key, verifyOptions) : await jwtVerify(token, key, verifyOptions);
    // After the signature: an unsigned token's claims say nothing worth reporting.
    const timeProblem = tokenTimeProblem(payload, nowSeconds, policy);
    if (timeProblem) throw unauthorized(`${timeProblem} (sign in again)`);
    const claims = Claims.safeParse(payload);
    if (!claims.success) {
      throw unauthorized(`the token's claims are invalid: ${claims.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return claims.data;
  };
}

export interface MintOptions {
  secret: string;
  claims: z.input<typeof Claims>;
  /** Lifetime, e.g. `8h`, `30m`. @default '8h' */
  ttl?: string;
  issuer?: string;
  audience?: string;
}

/** Mints an HS256 token (dev, tests, `masar token`). */
export async function mintToken(options: MintOptions): Promise<string> {
  const claims = Claims.parse(options.claims);
  const { sub, ...rest } = claims;
  let jwt = new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.ttl ?? '8h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** A failed claim check, named: the caller can fix a wrong audience, not a wrong signature. */
function claimReason(err: unknown): string {
  const claim = (err as { claim?: unknown }).claim;
  switch (claim) {
    case 'nbf':
      return 'the token is not valid yet ("nbf" is ahead of this server\'s clock)';
    case 'iss':
      return 'the token\'s issuer ("iss") is not the one this API accepts (AUTH_ISSUER)';
    case 'aud':
      return 'the token\'s audience ("aud") is not this API (AUTH_AUDIENCE)';
    default:
      return typeof claim === 'string' ? `the token's "${claim}" claim is invalid` : 'the token is invalid';
  }
}

/** Requires a valid bearer token; sets `req.principal`. */
export function authenticate(verify: TokenVerifier): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization;
    if (!header) return next(unauthorized('missing Authorization header (send "Authorization: Bearer <token>")'));
    const match = /^Bearer ([A-Za-z0-9\-_.]+)$/.exec(header);
    if (!match?.[1]) return next(unauthorized('the Authorization header must be "Bearer <token>"'));
    verify(match[1]).then(
      (principal) => {
        req.principal = principal;
        next();
      },
      (err: unknown) => {
        if (err instanceof Error && err.name === 'HttpProblem') return next(err);
        const code = (err as { code?: string }).code ?? '';
        // The identity provider's key set could not be fetched: our outage, not the caller's fault.
        if (code === 'ERR_JWKS_TIMEOUT' || err instanceof TypeError) return next(unavailable('the identity provider\'s keys cannot be fetched; retry later'));
        const reason = code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? claimReason(err) : 'the token is invalid';
        next(unauthorized(`${reason} (sign in again)`));
      },
    );
  };
}

/** The verified caller of a request that passed `authenticate`. */
export function principalOf(req: { principal?: Principal }): Principal {
  if (!req.principal) throw unauthorized('authentication required');
  return req.principal;
}
