/**
 * The API's configuration, parsed once from the environment with one error listing every bad
 * variable. Only entry points call `loadApiConfig(process.env)`.
 */
import { z } from 'zod';
import { JournalKeyEnv } from '../db/journal-keys';
import { DEFAULT_MAX_TOKEN_LIFETIME, LIFETIME } from './token-lifetime';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ApiConfig = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(8080),
    HOST: z.string().default('0.0.0.0'),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
    TEMPORAL_NAMESPACE: z.string().default('default'),
    TEMPORAL_API_KEY: z.string().optional(),
    TEMPORAL_TLS: flag.default(false),
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
    AUTH_JWKS_URL: z.string().url().optional(),
    AUTH_ISSUER: z.string().optional(),
    AUTH_AUDIENCE: z.string().optional(),
    /** Longest token lifetime accepted (`exp - iat`): tokens without `exp` or living longer are refused. */
    AUTH_MAX_TOKEN_LIFETIME: z.string().regex(LIFETIME, 'must be a lifetime such as 24h, 30m or 7d').default(DEFAULT_MAX_TOKEN_LIFETIME),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'must look like 256kb').default('256kb'),
    RATE_LIMIT_CAPACITY: z.coerce.number().int().positive().default(60),
    RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(2),
    TRUST_PROXY: z.coerce.number().int().min(0).default(0),
    MASAR_CALENDAR: z.string().default('ma-administration'),
    /** Publish the shipped definitions/procedures/*.yaml at start (new versions only). */
    MASAR_SEED_PROCEDURES: flag.default(true),
    /** The journal's keys: the verify endpoint checks signatures with them. */
    ...JournalKeyEnv,
  })
  .refine((c) => c.AUTH_JWT_SECRET || c.AUTH_JWKS_URL, {
    message: 'set AUTH_JWT_SECRET (development) or AUTH_JWKS_URL (production)',
    path: ['AUTH_JWT_SECRET'],
  });
export type ApiConfig = z.infer<typeof ApiConfig>;

export function loadApiConfig(env: Record<string, string | undefined>): ApiConfig {
  const result = ApiConfig.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new Error(`invalid API configuration:\n${lines.join('\n')}`);
}
