/**
 * How long a bearer token may live, and when it may start living. A stolen token without `exp`
 * works forever, one minted for a year works for a year, and one dated in the future outlives
 * every revocation window: each is refused, with the reason, whatever signed it. Pure: the
 * verifier (`auth.ts`) calls `tokenTimeProblem` after the signature checks out.
 */
import { DEFAULT_MAX_TOKEN_LIFETIME, LIFETIME } from '../config/lifetime';

export { DEFAULT_MAX_TOKEN_LIFETIME, LIFETIME };


/** Clock skew accepted between the identity provider and us, in seconds. @default 60 */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;


const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `8h` -> 28800; undefined when the text is not a lifetime (see `LIFETIME`). */
export function parseLifetime(text: string): number | undefined {
  const match = LIFETIME.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

/** 86400 -> `24h`, 90 -> `90s`: for messages. */
export function formatLifetime(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export interface TokenTimePolicy {
  /** Longest `exp - iat` (or `exp - now` when the token has no `iat`), in seconds. */
  maxLifetimeSeconds: number;
  /** Skew accepted on `iat` and `nbf`, in seconds. */
  clockToleranceSeconds: number;
}

/** The time claims as they come out of a verified payload (numbers when present, per RFC 7519). */
export interface TokenTimes {
  exp?: unknown;
  iat?: unknown;
  nbf?: unknown;
}

/**
 * Why a token's time claims are not acceptable at `nowSeconds`, or undefined when they are.
 * Expiry itself (`exp` in the past) is the JWT library's check and is not repeated here.
 */
export function tokenTimeProblem(claims: TokenTimes, nowSeconds: number, policy: TokenTimePolicy): string | undefined {
  const { exp, iat, nbf } = claims;
  const max = formatLifetime(policy.maxLifetimeSeconds);
  for (const [name, value] of [['exp', exp], ['iat', iat], ['nbf', nbf]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      return `the token's "${name}" claim is not a number of seconds`;
    }
  }
  if (exp === undefined) return `the token has no expiry ("exp" claim); this API accepts tokens valid at most ${max}`;
  const late = nowSeconds + policy.clockToleranceSeconds;
  if (typeof iat === 'number' && iat > late) return 'the token is issued in the future ("iat" is ahead of this server\'s clock)';
  if (typeof nbf === 'number' && nbf > late) return 'the token is not valid yet ("nbf" is ahead of this server\'s clock)';
  const start = typeof iat === 'number' ? iat : nowSeconds;
  const lifetime = (exp as number) - start;
  if (lifetime > policy.maxLifetimeSeconds + policy.clockToleranceSeconds) {
    const from = typeof iat === 'number' ? 'issued' : 'now';
    return `the token is valid for ${formatLifetime(Math.round(lifetime))} from ${from}, more than this API accepts (${max}, AUTH_MAX_TOKEN_LIFETIME); ask for a shorter-lived token`;
  }
  return undefined;
}
