/**
 * AWS Signature Version 4 (header form), by hand with node:crypto: the S3 store needs four calls
 * (PUT, GET, HEAD, DELETE of one object), for which a signer of eighty lines is lighter to audit
 * and to keep than an SDK of a hundred packages. Reference: "Create a signed AWS API request"
 * and "Authenticating Requests (AWS Signature Version 4)" in the S3 API reference.
 */
import { createHash, createHmac } from 'node:crypto';

export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** `s3`, or `iam` for the test server's setup calls. */
  service: string;
}

export interface RequestToSign {
  method: string;
  /** The path as sent on the wire (already percent-encoded), e.g. `/bucket/documents/ab12...`. */
  path: string;
  /** Query parameters, unencoded. */
  query?: Record<string, string>;
  /** Headers sent; `host` must be among them. Names in any case. */
  headers: Record<string, string>;
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`. */
  payloadHash: string;
}

/** SHA-256 of an empty body, the payload hash of GET, HEAD and DELETE. */
export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it: unreserved characters kept, every other byte `%XX`. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20261128T082300Z` and `20261128`. */
function stamps(at: Date): { amzDate: string; day: string } {
  const amzDate = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return { amzDate, day: amzDate.slice(0, 8) };
}

/**
 * The headers to add to `req` (`x-amz-date`, `x-amz-content-sha256`, `authorization`) to sign it
 * with `key` at `at`. Every header of `req` is signed.
 */
export function signRequest(req: RequestToSign, key: SigningKey, at: Date = new Date()): Record<string, string> {
  const { amzDate, day } = stamps(at);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = value.trim().replace(/\s+/g, ' ');
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] = req.payloadHash;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalQuery = Object.entries(req.query ?? {})
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [req.method.toUpperCase(), req.path, canonicalQuery, canonicalHeaders, signedHeaders, req.payloadHash].join('\n');
  const scope = `${day}/${key.region}/${key.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, day), key.region), key.service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return {
    'x-amz-date': amzDate,
    'x-amz-content-sha256': req.payloadHash,
    authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
