/**
 * The worker's configuration, parsed once from the environment with one error listing every bad
 * variable. Only entry points call `loadWorkerConfig(process.env)`.
 */
import { z } from 'zod';
import { JournalKeyEnv } from '../db/journal-keys';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const WorkerConfig = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  /** Temporal Cloud API key (implies TLS). */
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: flag.default(false),
  /** mTLS client certificate and key (PEM file paths) for a self-hosted cluster or Cloud mTLS. */
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  MASAR_TASK_QUEUE: z.string().default('masar-cases'),
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
  MASAR_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (e.g. https://masar.example.ma)' }).default('http://127.0.0.1:8080'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...JournalKeyEnv,
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;

export function loadWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const result = WorkerConfig.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new Error(`invalid worker configuration:\n${lines.join('\n')}`);
}
