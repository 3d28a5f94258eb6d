/**
 * Which activity errors can never succeed on a retry, and so must not be retried: Temporal retries
 * every other error without limit (see the workflow's retry policies), which for a permanent one
 * means a case looping forever while its history grows.
 *
 * Permanent: PostgreSQL data exceptions (class 22: a value it cannot store, out of range, not
 * text) and integrity violations (class 23), invalid input to the activity (zod), a duration or a
 * calendar the arithmetic refuses. Transient, left as they are: lost connections, serialization
 * failures and deadlocks (40001, 40P01), an administrator's shutdown (57P01..57P03), resource
 * exhaustion (53xxx), and anything unknown.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import { DurationError } from '../definitions/duration';

/** `ApplicationFailure.type` of the permanent failures, for the workflow and the attention list. */
export const PermanentFailureType = {
  /** PostgreSQL refused a value (SQLSTATE class 22 or 23). */
  database: 'PermanentDatabaseError',
  /** The activity's input did not validate. */
  invalidInput: 'InvalidActivityInput',
  /** A duration or deadline the calendar arithmetic refuses. */
  duration: 'InvalidDuration',
} as const;

interface PgError {
  code?: unknown;
  severity?: unknown;
  message: string;
}

/** SQLSTATE classes no retry can fix: 22 data exception, 23 integrity constraint violation. */
const PERMANENT_SQLSTATE = /^2[23][0-9A-Z]{3}$/;

/** The permanent failure `err` stands for, or `undefined` when it may succeed on a retry. */
export function permanentFailure(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ApplicationFailure) return err.nonRetryable ? err : undefined;
  if (err instanceof ZodError) {
    return ApplicationFailure.nonRetryable(`invalid activity input: ${err.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`, PermanentFailureType.invalidInput);
  }
  if (err instanceof DurationError) return ApplicationFailure.nonRetryable(err.message, PermanentFailureType.duration);
  const pg = err as PgError;
  if (err instanceof Error && typeof pg.code === 'string' && typeof pg.severity === 'string' && PERMANENT_SQLSTATE.test(pg.code)) {
    return ApplicationFailure.nonRetryable(`PostgreSQL ${pg.code}: ${err.message}`, PermanentFailureType.database, { sqlstate: pg.code });
  }
  return undefined;
}

/** Wraps an activity so its permanent errors fail it at once (non-retryable); others are rethrown as they are. */
export function failPermanentlyWhenHopeless<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw permanentFailure(err) ?? err;
    }
  };
}
