/**
 * The codec endpoint the Temporal Web UI is pointed at (`codec.endpoint: <api>/api/v1/codec`): it
 * posts `{ payloads }` to `/decode` (to show histories) and `/encode` (to send a signal), and this
 * answers with the same shape through the payload codec (`config/payload-codec.ts`).
 *
 * Hazard: `/decode` turns ciphertext back into applicants' data, so it is for administrators only
 * (a bearer token with the admin role: the UI passes its user's access token when configured with
 * `codec.passAccessToken`), and a browser may call it only from the configured UI origin
 * (`MASAR_CODEC_UI_ORIGIN`): any other origin gets no CORS grant and a 403.
 */
import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { requireAdmin } from '../../usecases/access';
import { recordPayloadDecode } from '../../usecases/access-log';
import { authenticate, principalOf } from '../auth';
import { API, type RouteContext } from '../context';
import { apiRoute, requireJson, route } from '../http';
import { forbidden, notFound, parseOr, unprocessable } from '../problems';

/** Most payloads in one call (a history page holds far fewer). */
export const MAX_CODEC_PAYLOADS = 1000;

const base64 = z.string().max(4_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
/** The proto JSON of a Temporal payload: metadata values and data in base64. */
const JsonPayload = z.strictObject({
  metadata: z.record(z.string().min(1).max(200), base64).nullish(),
  data: base64.nullish(),
});
export const CodecBody = z.strictObject({ payloads: z.array(JsonPayload).max(MAX_CODEC_PAYLOADS) });
type JsonPayload = z.infer<typeof JsonPayload>;

interface Payload {
  metadata?: Record<string, Uint8Array> | null;
  data?: Uint8Array | null;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** The two operations the Web UI calls, each its own path (so the OpenAPI document lists them). */
const OPERATIONS = ['decode', 'encode'] as const;
const ALLOWED_HEADERS = 'authorization, content-type, x-namespace';

export function registerCodecRoutes(app: Express, ctx: RouteContext): void {
  const settings = ctx.deps.codec;

  /** CORS for the configured UI origin only; a request from any other origin is refused here. */
  const cors: RequestHandler = (req, res, next) => {
    res.setHeader('Vary', 'Origin');
    const origin = req.header('Origin');
    if (origin === undefined) return next();
    if (!settings?.uiOrigin || origin !== settings.uiOrigin) {
      return next(forbidden(`origin ${origin} may not call the codec endpoint: set MASAR_CODEC_UI_ORIGIN to the Temporal Web UI's origin`));
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    next();
  };

  for (const operation of OPERATIONS) {
    const path = `${API}/codec/${operation}`;
    app.options(path, cors, (_req, res) => {
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
    });

    app.post(
      path,
      cors,
      authenticate(ctx.deps.verifyToken),
      route(async (req, res) => {
        requireAdmin(principalOf(req), 'the codec endpoint');
        if (!settings) throw notFound('the codec endpoint is off: no payload key is configured (MASAR_PAYLOAD_KEYS or MASAR_PAYLOAD_KEY_FILE)');
        requireJson(req);
        const payloads = parseOr(CodecBody, req.body, 'body').payloads.map(fromJson);
        // Decrypting is reading: accounted for first (a decryption that cannot be recorded is refused).
        if (operation === 'decode') await recordPayloadDecode(ctx.useCases, principalOf(req), payloads.length, apiRoute(req));
        let out: Payload[];
        try {
          out = operation === 'decode' ? await settings.codec.decode(payloads) : await settings.codec.encode(payloads);
        } catch (err) {
          // A payload that does not decrypt (altered, unknown key, not protobuf) is the caller's input.
          throw unprocessable('a payload could not be decoded', [{ path: 'body.payloads', message: (err as Error).message }]);
        }
        res.json({ payloads: out.map(toJson) });
      }),
    );
  }
}
