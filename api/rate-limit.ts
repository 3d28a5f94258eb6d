/**
 * An in-memory token bucket per caller, for the endpoints applicants reach (filing, reading and
 * acting on their cases). Per process: with N API processes behind a balancer the effective
 * limit is N times higher, which is fine for its purpose (stopping a runaway client, not billing).
 */
import type { RequestHandler } from 'express';
import { HttpProblem } from './problems';

export interface RateLimitOptions {
  /** Burst size: requests a caller may make at once. @default 60 */
  capacity?: number;
  /** Tokens added per second. @default 2 */
  refillPerSecond?: number;
  /** Buckets kept at most; the least recently used go first. @default 100000 */
  maxCallers?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function rateLimit(options: RateLimitOptions = {}): RequestHandler {
  const capacity = options.capacity ?? 60;
  const refill = options.refillPerSecond ?? 2;
  const maxCallers = options.maxCallers ?? 100_000;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();

  return (req, res, next) => {
    // After authentication: the caller's subject; the address only as a fallback.
    const key = req.principal?.sub ? `sub:${req.principal.sub}` : `ip:${req.ip ?? 'unknown'}`;
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: capacity, at: t };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((t - bucket.at) / 1000) * refill);
    bucket.at = t;
    // Re-insert so Map order is least-recently-used first.
    buckets.delete(key);
    buckets.set(key, bucket);
    if (buckets.size > maxCallers) {
      const oldest = buckets.keys().next().value;
      if (oldest !== undefined) buckets.delete(oldest);
    }
    res.setHeader('RateLimit-Limit', String(capacity));
    if (bucket.tokens < 1) {
      const wait = Math.ceil((1 - bucket.tokens) / refill);
      return next(new HttpProblem(429, 'rate-limited', `too many requests; retry in ${wait} s`, undefined, { 'Retry-After': String(wait) }));
    }
    bucket.tokens -= 1;
    res.setHeader('RateLimit-Remaining', String(Math.floor(bucket.tokens)));
    next();
  };
}
