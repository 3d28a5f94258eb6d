/**
 * The configuration of every Masar process, parsed once from the environment with one error that
 * lists every bad variable. One schema per process, composed of the same shared parts (PostgreSQL,
 * Temporal, logging) and the process's own part, so the API, the worker, `npm start` and the CLI
 * cannot drift apart on what a variable means or defaults to. Only entry points pass `process.env`.
 */
import { z } from 'zod';
import { JournalKeyEnv } from '../db/journal-keys';
import { TASK_QUEUE } from '../workflows/messages';
import { DEFAULT_MAX_TOKEN_LIFETIME, LIFETIME } from './lifetime';
import { parsePayloadKeys } from './payload-codec';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(1).max(65535);
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** PostgreSQL: the read model, outbox, registry, directory and calendars. */
export const DatabaseEnv = {
  DATABASE_URL: postgresUrl,
};

/** Temporal: where the cluster is, how to reach it, and the task queue cases run on. */
export const TemporalEnv = {
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Temporal Cloud API key (implies TLS). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: flag.default(false),
  /** mTLS client certificate and key (PEM file paths) for a self-hosted cluster or Cloud mTLS; both or neither. */
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  /** The queue the API starts cases on and the worker polls: they must agree. */
  MASAR_TASK_QUEUE: z.string().min(1).max(200).default(TASK_QUEUE),
  /**
   * Keys of the payload codec (`config/payload-codec.ts`): `id:secret,id:secret`, secrets of 32
   * bytes in hex or base64; the last one encrypts, the others still decrypt. Or, in a file:
   * MASAR_PAYLOAD_KEY_FILE (one `id:secret` a line). Neither: payloads go to Temporal in clear.
   */
  MASAR_PAYLOAD_KEYS: z
    .string()
    .min(1)
    .optional()
    .superRefine((keys, ctx) => {
      if (keys === undefined) return;
      try {
        parsePayloadKeys(keys, 'keys');
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^keys: /, '') });
      }
    }),
  MASAR_PAYLOAD_KEY_FILE: z.string().min(1).optional(),
};

export const LogEnv = {
  LOG_LEVEL: logLevel.default('info'),
};

const loopback = (u: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
/** https://, or http:// to this machine only (development). */
const providerUrl = z.url({ protocol: /^https?$/, error: 'must be an https:// URL' }).refine((v) => {
  const u = new URL(v);
  return u.protocol === 'https:' || loopback(u);
}, 'must be https:// (plain http:// only to localhost)');
const claimName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_:./-]{0,99}$/, 'must be a claim name such as roles or https://masar.ma/unit');

/**
 * The console's sign-in with the identity provider (OpenID Connect, authorization code with PKCE).
 * Set OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_REDIRECT_URL together (the login page then offers
 * the provider); the roles and unit come from the claims named here.
 */
export const OidcEnv = {
  OIDC_ISSUER_URL: providerUrl.optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(200).optional(),
  /** Absent: a public client (PKCE alone). */
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** This console's callback as registered with the provider, e.g. https://masar.example.ma/login/oidc/callback. */
  OIDC_REDIRECT_URL: providerUrl.optional(),
  /** Where the provider sends people after signing out (registered with it). */
  OIDC_POST_LOGOUT_REDIRECT_URL: providerUrl.optional(),
  OIDC_SCOPE: z.string().regex(/^openid( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'must start with openid, scopes separated by spaces').default('openid profile email'),
  OIDC_ROLES_CLAIM: claimName.default('roles'),
  OIDC_UNIT_CLAIM: claimName.default('unit'),
};

/**
 * The organisation's seal (law 43-20): PEM files of the certificate (then any intermediates) and
 * its private key, both or neither. Without them, receipts and decisions are not issued as PDFs.
 */
export const SealEnv = {
  MASAR_SEAL_CERT: z.string().min(1).optional(),
  MASAR_SEAL_KEY: z.string().min(1).optional(),
};

const publicUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (e.g. https://masar.example.ma)' }).default('http://127.0.0.1:8080');

/**
 * The document store: the filesystem under MASAR_DOCUMENTS_DIR, or an S3-compatible bucket when
 * MASAR_S3_URL is set (path-style: `https://host/bucket[/prefix]`, with its access key). The API
 * and the worker must name the same store: uploads and the sealed receipts and decisions go there.
 */
export const DocumentStoreEnv = {
  MASAR_DOCUMENTS_DIR: z.string().min(1).default('data/documents'),
  MASAR_S3_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL naming the bucket (https://s3.example.ma/masar-documents)' }).optional(),
  MASAR_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  MASAR_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  MASAR_S3_REGION: z.string().min(1).default('us-east-1'),
};

/** The document store and the API's limits on what goes into it. */
export const DocumentsEnv = {
  ...DocumentStoreEnv,
  /** Largest upload for a file field that sets no `maxSize`, in bytes. @default 20 MiB */
  MASAR_UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  /** Minutes between purges of uploads never attached within a day (0: the API never purges; use `masar documents purge`). */
  MASAR_DOCUMENT_PURGE_MINUTES: z.coerce.number().int().min(0).default(60),
};

/** The processing notice (law 09-08, art. 5) on receipts and filing forms: the controller, its CNDP number, where to exercise rights. */
export const PrivacyNoticeEnv = {
  MASAR_CONTROLLER: z.string().min(1).max(300).optional(),
  MASAR_CNDP_NUMBER: z.string().min(1).max(100).optional(),
  MASAR_PRIVACY_CONTACT: z.string().min(1).max(300).optional(),
};

/** The REST API's own part. */
export const ApiEnv = {
  PORT: port.default(8080),
  HOST: z.string().default('0.0.0.0'),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  /** Longest token lifetime accepted (`exp - iat`): tokens without `exp` or living longer are refused. */
  AUTH_MAX_TOKEN_LIFETIME: z.string().regex(LIFETIME, 'must be a lifetime such as 24h, 30m or 7d').default(DEFAULT_MAX_TOKEN_LIFETIME),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'must look like 256kb').default('256kb'),
  RATE_LIMIT_CAPACITY: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(2),
  TRUST_PROXY: z.coerce.number().int().min(0).default(0),
  MASAR_CALENDAR: z.string().default('ma-administration'),
  /** Publish the shipped definitions/procedures/*.yaml at start (new versions only). */
  MASAR_SEED_PROCEDURES: flag.default(true),
  /** The journal's keys: the verify endpoint checks signatures with them. */
  ...JournalKeyEnv,
  ...DocumentsEnv,
  ...SealEnv,
  /** Where people reach Masar: the link of each document's QR code (`/verify/{code}`). */
  MASAR_PUBLIC_URL: publicUrl,
  /**
   * Origin of the Temporal Web UI allowed to call the codec endpoint (`/api/v1/codec/decode`) from
   * a browser, e.g. `https://temporal-ui.example.ma`; unset: no cross-origin call is allowed.
   */
  MASAR_CODEC_UI_ORIGIN: z.url({ protocol: /^https?$/, error: 'must be the Web UI origin, http(s)://host[:port] (e.g. http://127.0.0.1:8233)' }).transform((u) => new URL(u).origin).optional(),
  /** Serve the web console at `/` beside the API. */
  MASAR_CONSOLE: flag.default(true),
  /** Signs the console's session cookies (at least 32 characters). @default derived from AUTH_JWT_SECRET */
  MASAR_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  /** Session cookies `Secure`: `auto` when the request came over TLS (see TRUST_PROXY), or always/never. */
  MASAR_SECURE_COOKIES: z.enum(['auto', 'true', 'false'], { error: 'must be auto, true or false' }).default('auto'),
  /** Offer the demo personas on the console's login page (development only: anyone can be anyone). */
  MASAR_CONSOLE_DEMO_LOGINS: flag.default(false),
  /** The notice the console's filing forms carry. */
  ...PrivacyNoticeEnv,
  ...OidcEnv,
};

/** A retention period, as definitions/schema.ts RetentionPeriod reads it. */
export const RETENTION_PERIOD = /^P(?!$)(\d{1,4}Y)?(\d{1,4}M)?(\d{1,4}W)?(\d{1,5}D)?$/;

/**
 * Retention (law 09-08 art. 3; docs/retention.md): how long applicants' personal data is kept after
 * a case closes when its procedure declares no period, and when the job that erases it runs. The
 * figures are parameters for the controller to set with its archives' retention schedule (law
 * 69-99), not values the law fixes.
 */
export const RetentionEnv = {
  /**
   * ISO 8601 period after closure (P5Y, P18M, P90D): the syntax of a definition's `retention.after`
   * (definitions/schema.ts RetentionPeriod; config/ may not import definitions/, a test keeps both equal).
   */
  MASAR_RETENTION_DEFAULT: z
    .string()
    .regex(RETENTION_PERIOD, 'must be an ISO 8601 period in years, months, weeks or days (P5Y, P18M, P90D)')
    .default('P5Y'),
  /** When the retention schedule runs (cron, five fields, UTC): by default each night at 02:30. */
  MASAR_RETENTION_CRON: z
    .string()
    .regex(/^\s*\S+(\s+\S+){4}\s*$/, 'must be a cron expression of five fields, e.g. "30 2 * * *" (each night at 02:30 UTC)')
    .default('30 2 * * *'),
  /** Whether the worker creates (or updates) the retention schedule at start; false: operators run `masar retention run`. */
  MASAR_RETENTION_SCHEDULE: flag.default(true),
  /** Cases erased per run of the job at most (the next run takes the rest). */
  MASAR_RETENTION_BATCH: z.coerce.number().int().min(1).max(10_000).default(200),
};

/** The worker's own part. */
export const WorkerEnv = {
  /** Prebuilt workflow bundle (`npm run build:workflows`); bundles from source when absent. */
  MASAR_WORKFLOW_BUNDLE: z.string().optional(),
  /**
   * Workflows kept in the worker's memory between tasks (about 0.5 MB each); an evicted case is
   * replayed from its history on its next event. Unset: the SDK's default, sized from the heap.
   */
  MASAR_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /**
   * Threads running workflow code (the SDK's default: 1). On a machine with cores to spare, 2 or more
   * let one worker run more cases at once: on 2 cores, 2 threads recomputed 10% more cases a second.
   */
  MASAR_WORKFLOW_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  /** `smtp://user:pass@host:587`; without it, messages are written as .eml files under MAIL_DIR. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().default('Masar <no-reply@masar.local>'),
  MAIL_DIR: z.string().default('data/mail'),
  /** Seconds between sweeps that resend queued or failed messages (0: never). */
  MAIL_SWEEP_SECONDS: z.coerce.number().int().min(0).default(300),
  /** Where people reach Masar (links in messages): the API's public address, no trailing slash needed. */
  /** The processing notice on receipts. */
  ...PrivacyNoticeEnv,
  MASAR_PUBLIC_URL: publicUrl,
  ...JournalKeyEnv,
  /** The seal of the receipts and decisions attached to messages. */
  ...SealEnv,
  /** Where the sealed receipts and decisions are kept, and whence the retention job deletes: the API's document store. */
  ...DocumentStoreEnv,
  ...RetentionEnv,
};

/** `npm start`'s own part: where it keeps data and the ports of what it starts itself. */
export const StartEnv = {
  MASAR_DATA_DIR: z.string().min(1).default('data'),
  MASAR_TEMPORAL_PORT: port.default(7233),
  MASAR_TEMPORAL_UI_PORT: port.default(8233),
  MASAR_PG_PORT: port.default(5433),
  PORT: port.default(8080),
  /** Loopback by default: the banner prints an administrator's token. */
  HOST: z.string().default('127.0.0.1'),
  /** Unset: `npm start` runs an embedded PostgreSQL. */
  DATABASE_URL: postgresUrl.optional(),
  /** Unset: `npm start` runs a Temporal dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  SMTP_URL: WorkerEnv.SMTP_URL,
  AUTH_JWT_SECRET: ApiEnv.AUTH_JWT_SECRET,
  AUTH_JWKS_URL: ApiEnv.AUTH_JWKS_URL,
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  /** The API's longest token lifetime, also the demo tokens' lifetime. */
  AUTH_MAX_TOKEN_LIFETIME: ApiEnv.AUTH_MAX_TOKEN_LIFETIME,
  /** Signs the journal; generated in the data folder when unset (`journal-key`). */
  MASAR_JOURNAL_KEY: JournalKeyEnv.MASAR_JOURNAL_KEY,
  MASAR_SEED_DIRECTORY: flag.default(true),
  LOG_LEVEL: logLevel.default('warn'),
  /** Unset: `npm start` makes a self-signed demo seal in the data folder. */
  ...SealEnv,
};

export const TemporalConfig = z.object(TemporalEnv);
export type TemporalConfig = z.infer<typeof TemporalConfig>;
export const ApiConfig = z.object({ ...DatabaseEnv, ...TemporalEnv, ...LogEnv, ...ApiEnv });
export type ApiConfig = z.infer<typeof ApiConfig>;
export const WorkerConfig = z.object({ ...DatabaseEnv, ...TemporalEnv, ...LogEnv, ...WorkerEnv });
export type WorkerConfig = z.infer<typeof WorkerConfig>;
export const StartConfig = z.object({ ...TemporalEnv, ...LogEnv, ...StartEnv });
export type StartConfig = z.infer<typeof StartConfig>;

type Env = Record<string, string | undefined>;
interface EnvIssue {
  variable: string;
  message: string;
}

/** Rules across variables, checked on the raw environment so they are listed with every other error. */
function temporalPairs(env: Env): EnvIssue[] {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  if (set('TEMPORAL_TLS_CERT') && !set('TEMPORAL_TLS_KEY')) return [{ variable: 'TEMPORAL_TLS_KEY', message: 'is required with TEMPORAL_TLS_CERT (the PEM file of the client key)' }];
  if (set('TEMPORAL_TLS_KEY') && !set('TEMPORAL_TLS_CERT')) return [{ variable: 'TEMPORAL_TLS_CERT', message: 'is required with TEMPORAL_TLS_KEY (the PEM file of the client certificate)' }];
  if (set('MASAR_PAYLOAD_KEYS') && set('MASAR_PAYLOAD_KEY_FILE')) return [{ variable: 'MASAR_PAYLOAD_KEY_FILE', message: 'set either MASAR_PAYLOAD_KEYS or MASAR_PAYLOAD_KEY_FILE, not both (two key lists would drift)' }];
  return [];
}

function sealPair(env: Env): EnvIssue[] {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  if (set('MASAR_SEAL_CERT') && !set('MASAR_SEAL_KEY')) return [{ variable: 'MASAR_SEAL_KEY', message: 'is required with MASAR_SEAL_CERT (the PEM file of the seal\'s private key)' }];
  if (set('MASAR_SEAL_KEY') && !set('MASAR_SEAL_CERT')) return [{ variable: 'MASAR_SEAL_CERT', message: 'is required with MASAR_SEAL_KEY (the PEM file of the seal\'s certificate)' }];
  return [];
}

function sessionSecret(env: Env): EnvIssue[] {
  const consoleOff = env.MASAR_CONSOLE === 'false' || env.MASAR_CONSOLE === '0';
  // Without any authentication source, `authSource` already says what to set.
  if (consoleOff || env.MASAR_SESSION_SECRET || env.AUTH_JWT_SECRET || !env.AUTH_JWKS_URL) return [];
  return [{ variable: 'MASAR_SESSION_SECRET', message: 'the console signs its sessions with it: set it (openssl rand -hex 32), or MASAR_CONSOLE=false' }];
}

function oidcTogether(env: Env): EnvIssue[] {
  const names = ['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_REDIRECT_URL'] as const;
  const set = names.filter((n) => env[n]);
  if (set.length === 0 || set.length === names.length) return [];
  return names.filter((n) => !env[n]).map((variable) => ({ variable, message: `is required with ${set.join(', ')} (sign-in with the identity provider needs the issuer, the client id and the redirect URL)` }));
}

function authSource(env: Env): EnvIssue[] {
  if (env.AUTH_JWT_SECRET || env.AUTH_JWKS_URL) return [];
  return [{ variable: 'AUTH_JWT_SECRET', message: 'set AUTH_JWT_SECRET (development) or AUTH_JWKS_URL (production)' }];
}

/** Parses `env` with `schema`, or throws one error listing every bad variable, in schema order. */
function load<T extends z.ZodObject>(what: string, schema: T, env: Env, checks: ((env: Env) => EnvIssue[])[]): z.infer<T> {
  const result = schema.safeParse(env);
  const issues: EnvIssue[] = result.success ? [] : result.error.issues.map((i) => ({ variable: i.path.join('.') || '(env)', message: i.message }));
  for (const check of checks) {
    for (const issue of check(env)) if (!issues.some((i) => i.variable === issue.variable)) issues.push(issue);
  }
  if (issues.length === 0 && result.success) return result.data;
  const order = Object.keys(schema.shape);
  issues.sort((a, b) => order.indexOf(a.variable) - order.indexOf(b.variable));
  throw new Error(`invalid ${what} configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
}

/** MASAR_S3_URL needs its access key: both parts or neither. */
function s3Credentials(env: Env): EnvIssue[] {
  if (!env.MASAR_S3_URL) return [];
  return ['MASAR_S3_ACCESS_KEY_ID', 'MASAR_S3_SECRET_ACCESS_KEY']
    .filter((name) => !env[name])
    .map((variable) => ({ variable, message: 'is required with MASAR_S3_URL (the bucket\'s access key)' }));
}

export const DocumentsConfig = z.object({ ...DatabaseEnv, ...DocumentsEnv });
export type DocumentsConfig = z.infer<typeof DocumentsConfig>;

export const loadApiConfig = (env: Env): ApiConfig => load('API', ApiConfig, env, [temporalPairs, authSource, sessionSecret, s3Credentials, sealPair, oidcTogether]);
/** PostgreSQL and the document store, for `masar documents`. */
export const loadDocumentsConfig = (env: Env): DocumentsConfig => load('documents', DocumentsConfig, env, [s3Credentials]);
export const loadWorkerConfig = (env: Env): WorkerConfig => load('worker', WorkerConfig, env, [temporalPairs, sealPair, s3Credentials]);
export const loadStartConfig = (env: Env): StartConfig => load('start', StartConfig, env, [temporalPairs, sealPair]);
/** The Temporal part alone, for the CLI commands that reach running cases. */
export const loadTemporalConfig = (env: Env): TemporalConfig => load('Temporal', TemporalConfig, env, [temporalPairs]);

/** `masar retention run`: the read model, Temporal (histories to delete), the document store, the journal key. */
export const RetentionConfig = z.object({ ...DatabaseEnv, ...TemporalEnv, ...DocumentsEnv, ...RetentionEnv, ...JournalKeyEnv });
export type RetentionConfig = z.infer<typeof RetentionConfig>;
export const loadRetentionConfig = (env: Env): RetentionConfig => load('retention', RetentionConfig, env, [temporalPairs, s3Credentials]);
