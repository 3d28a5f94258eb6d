import { loadWorkerConfig } from '../../../config/env';

const BASE = { DATABASE_URL: 'postgres://masar:masar@localhost:5432/masar' };

describe('loadWorkerConfig', () => {
  it('should leave the SDK its defaults when the tuning variables are unset', () => {
    const config = loadWorkerConfig(BASE);
    expect(config.MASAR_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(config.MASAR_WORKFLOW_THREADS).toBeUndefined();
    expect(config.MAIL_SWEEP_SECONDS).toBe(300);
  });

  it('should read the workflow cache and thread count as numbers', () => {
    const config = loadWorkerConfig({ ...BASE, MASAR_MAX_CACHED_WORKFLOWS: '500', MASAR_WORKFLOW_THREADS: '2' });
    expect(config.MASAR_MAX_CACHED_WORKFLOWS).toBe(500);
    expect(config.MASAR_WORKFLOW_THREADS).toBe(2);
  });

  it('should list every bad variable in one error', () => {
    expect(() => loadWorkerConfig({ DATABASE_URL: 'mysql://x', MASAR_WORKFLOW_THREADS: '0', MASAR_MAX_CACHED_WORKFLOWS: 'many' })).toThrow(
      /invalid worker configuration:\n {2}DATABASE_URL: must be a postgres:\/\/ URL\n {2}MASAR_MAX_CACHED_WORKFLOWS: .+\n {2}MASAR_WORKFLOW_THREADS: .+/,
    );
  });
});
