/**
 * Service calls of automatic states: another administration's registry, a document check, a
 * payment confirmation. Each service is a named function; deployments register their own
 * alongside the built-in ones. A service throws a plain Error for a transient failure (retried)
 * and returns `{ outcome: 'failed' }` for an answer that routes the case.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ServiceCallInput, ServiceCallResult } from './types';

export type Service = (input: ServiceCallInput) => Promise<ServiceCallResult>;

/** Services every deployment has. */
export const BUILTIN_SERVICES: Record<string, Service> = {
  /** Accepts every case: a placeholder step that keeps a procedure's shape while the real service is wired. */
  'always-done': async () => ({ outcome: 'done' }),
  /** `done` when every file field of the applicant's data holds a reference, `incomplete` otherwise. */
  'documents-present': async ({ data }) => {
    const missing = Object.entries(data).filter(([key, value]) => /document|file|piece/i.test(key) && (value === '' || value === null));
    return missing.length === 0 ? { outcome: 'done' } : { outcome: 'incomplete', data: { missing: missing.map(([k]) => k) } };
  },
};

export function createServiceActivities({ services = {} }: { services?: Record<string, Service> } = {}) {
  const registry: Record<string, Service> = { ...BUILTIN_SERVICES, ...services };
  return {
    async callService(input: ServiceCallInput): Promise<ServiceCallResult> {
      const service = registry[input.service];
      if (!service) {
        throw ApplicationFailure.nonRetryable(
          `unknown service "${input.service}" (registered: ${Object.keys(registry).sort().join(', ')})`,
          'UnknownService',
        );
      }
      return service(input);
    },
  };
}
