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

/** Built-in services named with a parameter: `flag:<field>` or `flag:<field>=<value>`. */
export const FLAG_SERVICE_PREFIX = 'flag:';

/**
 * `flag:<field>`: outcome `set` when the applicant's input `<field>` is `true`, `done` otherwise;
 * `flag:<field>=<value>`: `set` when it equals `<value>` (a choice). Routes a case at filing on
 * what the applicant declared: an urgent access request starts its urgent clock at once (law
 * 31-13), a complaint goes to its 60-day answer while an observation or suggestion is studied.
 */
export function flagService(spec: string): Service {
  const eq = spec.indexOf('=');
  const field = eq < 0 ? spec : spec.slice(0, eq);
  const matches = (value: unknown): boolean => (eq < 0 ? value === true : value === spec.slice(eq + 1));
  return async ({ data }) => ({ outcome: Object.hasOwn(data, field) && matches(data[field]) ? 'set' : 'done' });
}

/** The service a name designates, built-in (`flag:<field>` included) or registered. */
export function resolveService(registry: Record<string, Service>, name: string): Service | undefined {
  if (Object.hasOwn(registry, name)) return registry[name];
  if (name.startsWith(FLAG_SERVICE_PREFIX) && name.length > FLAG_SERVICE_PREFIX.length) return flagService(name.slice(FLAG_SERVICE_PREFIX.length));
  return undefined;
}

export function createServiceActivities({ services = {} }: { services?: Record<string, Service> } = {}) {
  const registry: Record<string, Service> = { ...BUILTIN_SERVICES, ...services };
  return {
    async callService(input: ServiceCallInput): Promise<ServiceCallResult> {
      const service = resolveService(registry, input.service);
      if (!service) {
        throw ApplicationFailure.nonRetryable(
          `unknown service "${input.service}" (registered: ${Object.keys(registry).sort().join(', ')}, or ${FLAG_SERVICE_PREFIX}<field>)`,
          'UnknownService',
        );
      }
      return service(input);
    },
  };
}
