/**
 * The console's session: a signed cookie holding the visitor's identity (the same `Principal` the API
 * reads from a bearer token), their language and a random session id from which the CSRF token is
 * derived. Stateless: any API process with the same secret reads it, nothing is stored server side.
 *
 * Cookie: `masar_session`, httpOnly, SameSite=Lax, `Secure` when the request came over TLS (directly
 * or through a trusted proxy) or when configured. Signed with HMAC-SHA256; a cookie whose signature,
 * shape or expiry is wrong is ignored (the visitor is anonymous), never an error.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parse, serialize } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { Language } from '../definitions/schema';
import type { Principal } from '../usecases/principal';
import { SignedValue } from './signed-value';

export const SESSION_COOKIE = 'masar_session';
/** Remembers the chosen language across sessions and logins, for a year. */
export const LANG_COOKIE = 'masar_lang';
/** How long a login lasts. */
export const SESSION_SECONDS = 8 * 3600;

const StoredPrincipal = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
  roles: z.array(z.string().max(64)).max(50),
  unit: z.string().max(50).optional(),
  lang: Language,
});

const Payload = z.object({
  sid: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  exp: z.number().int(),
  principal: StoredPrincipal.optional(),
  /** How the visitor logged in: a demo persona, or the identity provider (then `idToken` ends it). */
  via: z.enum(['demo', 'oidc']).optional(),
});
export type SessionData = z.infer<typeof Payload>;

export interface Session {
  data: SessionData;
  /** The signed-in person, if any. */
  principal?: Principal | undefined;
  /** Token to put in every form (`_csrf`) and htmx request (`X-CSRF-Token` header). */
  csrf: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    consoleSession?: Session;
  }
}

export interface SessionOptions {
  /** HMAC key, at least 32 characters. */
  secret: string;
  /** `true`: always Secure; `'auto'`: when the request is over TLS. @default 'auto' */
  secureCookies?: boolean | 'auto';
  /** The clock (tests). @default Date.now */
  now?: () => number;
}

const b64 = (buf: Buffer) => buf.toString('base64url');

/** Reads, signs and writes the session cookie. */
export class SessionCodec {
  private readonly signed: SignedValue<SessionData>;
  private readonly now: () => number;

  constructor(private readonly options: SessionOptions) {
    if (options.secret.length < 32) throw new Error('console: the session secret must be at least 32 characters (MASAR_SESSION_SECRET)');
    this.now = options.now ?? Date.now;
    this.signed = new SignedValue('masar-console-session', options.secret, Payload, 4096, this.now);
  }

  encode(data: SessionData): string {
    return this.signed.encode(data);
  }

  /** The session a cookie value holds, or `undefined` if it is forged, malformed or expired. */
  decode(value: string | undefined): SessionData | undefined {
    return this.signed.decode(value);
  }

  csrfFor(sid: string): string {
    return this.signed.sign(`csrf:${sid}`);
  }

  fresh(principal?: Principal, via?: SessionData['via']): SessionData {
    return {
      sid: b64(randomBytes(18)),
      exp: Math.floor(this.now() / 1000) + SESSION_SECONDS,
      ...(principal ? { principal: StoredPrincipal.parse(stripUndefined(principal)) } : {}),
      ...(via ? { via } : {}),
    };
  }

  secure(req: Request): boolean {
    const mode = this.options.secureCookies ?? 'auto';
    return mode === 'auto' ? req.secure : mode;
  }

  write(req: Request, res: Response, data: SessionData): void {
    res.append(
      'Set-Cookie',
      serialize(SESSION_COOKIE, this.encode(data), {
        httpOnly: true,
        sameSite: 'lax',
        secure: this.secure(req),
        path: '/',
        maxAge: Math.max(0, data.exp - Math.floor(this.now() / 1000)),
      }),
    );
    req.consoleSession = this.toSession(data);
  }

  toSession(data: SessionData): Session {
    return { data, principal: data.principal, csrf: this.csrfFor(data.sid) };
  }
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Cookies of a request, parsed once (no cookie-parser dependency: `cookie` is Express's own). */
export function cookiesOf(req: Request): Record<string, string | undefined> {
  const header = req.headers.cookie;
  return header ? parse(header) : {};
}

/** Gives every console request a session (a fresh anonymous one when the cookie is absent or bad). */
export function sessions(codec: SessionCodec): RequestHandler {
  return (req, res, next) => {
    const data = codec.decode(cookiesOf(req)[SESSION_COOKIE]);
    if (data) req.consoleSession = codec.toSession(data);
    else codec.write(req, res, codec.fresh());
    next();
  };
}

/** The request's session (set by {@link sessions}). */
export function sessionOf(req: Request): Session {
  if (!req.consoleSession) throw new Error('console: sessions() middleware did not run');
  return req.consoleSession;
}

/**
 * Refuses a state-changing request whose CSRF token does not match its session's: forms send it as
 * `_csrf`, htmx as the `X-CSRF-Token` header. SameSite=Lax already stops most cross-site posts; this
 * stops the rest (and a login forced by another site).
 */
export function csrfCheck(req: Request): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return true;
  const session = sessionOf(req);
  const body = req.body as Record<string, unknown> | undefined;
  const given = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? req.header('X-CSRF-Token');
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Sets the remembered language. */
export function writeLanguage(req: Request, res: Response, codec: SessionCodec, lang: 'fr' | 'ar'): void {
  res.append('Set-Cookie', serialize(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', secure: codec.secure(req), path: '/', maxAge: 365 * 86400 }));
}
