/**
 * Tells apart "a backing service is down" (answer 503 with Retry-After) from a bug (500):
 * PostgreSQL connection failures and admin shutdowns, and Temporal gRPC UNAVAILABLE or
 * deadline errors.
 */
import { isGrpcDeadlineError, isGrpcServiceError, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

// gRPC status codes (grpc-js is not a direct dependency): UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED.
const GRPC_UNAVAILABLE = new Set([14, 4, 8]);
const NODE_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN']);
// PostgreSQL SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown).
const PG_UNAVAILABLE = /^(08|57P0[1-3])/;

function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  let cur: unknown = err;
  for (let i = 0; cur && i < 6; i += 1) {
    out.push(cur);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

export function isUnavailable(err: unknown): boolean {
  return chain(err).some((e) => {
    if (!e || typeof e !== 'object') return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NODE_NET_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
    const message = (e as Error).message ?? '';
    if (/Connection terminated|timeout exceeded when trying to connect|connection timeout|Query read timeout/i.test(message)) return true;
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    if (isGrpcDeadlineError(e)) return true;
    if (isGrpcServiceError(e)) {
      return GRPC_UNAVAILABLE.has(e.code);
    }
    if (e instanceof ServiceError && /UNAVAILABLE|DEADLINE_EXCEEDED|Failed to connect/i.test(message)) return true;
    return false;
  });
}
