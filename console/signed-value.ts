/**
 * A value carried by the browser and trusted on its way back: JSON, base64url, then `.` and an
 * HMAC-SHA256 of that text under a key derived from the console's secret and a context of its own
 * (so a session cookie cannot be replayed as a login flow cookie, or the reverse). A value whose
 * signature, shape or expiry is wrong reads as `undefined`: the caller treats it as absent, never as
 * an error.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';

/** A value that carries its own expiry, in seconds since the epoch. */
interface Expiring {
  exp: number;
}

/** Signs and reads values of one schema, under one context. */
export class SignedValue<T extends Expiring> {
  private readonly key: Buffer;

  /**
   * @param context names the use, e.g. `masar-console-session`; part of the key.
   * @param maxLength longer values are refused unread (cookies are small).
   */
  constructor(
    context: string,
    secret: string,
    private readonly schema: z.ZodType<T>,
    private readonly maxLength: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', context).update(secret).digest();
  }

  /** The HMAC of a text, base64url. */
  sign(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }

  encode(value: T): string {
    const body = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The value a signed text holds, or `undefined` if it is forged, malformed or expired. */
  decode(text: string | undefined): T | undefined {
    if (!text || text.length > this.maxLength) return undefined;
    const [body, signature, extra] = text.split('.');
    if (!body || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const parsed = this.schema.safeParse(json);
    return parsed.success && parsed.data.exp * 1000 > this.now() ? parsed.data : undefined;
  }
}
