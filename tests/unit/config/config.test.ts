/**
 * One configuration for every process: the same variable means the same thing and defaults the same
 * way in the API, the worker, `npm start` and the CLI; every bad variable is listed in one error; and
 * the one Temporal connection function turns TLS, mTLS and API key settings into connection options.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadApiConfig, loadStartConfig, loadTemporalConfig, loadWorkerConfig } from '../../../config/env';
import { temporalConnectionOptions } from '../../../config/temporal';
import { TASK_QUEUE } from '../../../workflows/messages';

const DB = { DATABASE_URL: 'postgres://masar:masar@localhost:5432/masar' };
const API = { ...DB, AUTH_JWT_SECRET: 'x'.repeat(32) };

/** The variables an error names, in order. */
function badVariables(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    return [...(err as Error).message.matchAll(/^ {2}([A-Z_]+): /gm)].map((m) => m[1] as string);
  }
  throw new Error('expected the configuration to be refused');
}

describe('shared parts', () => {
  const loaders = {
    api: (env: Record<string, string>) => loadApiConfig({ ...API, ...env }),
    worker: (env: Record<string, string>) => loadWorkerConfig({ ...DB, ...env }),
    start: (env: Record<string, string>) => loadStartConfig(env),
    cli: (env: Record<string, string>) => loadTemporalConfig(env),
  };

  it.each(Object.entries(loaders))('should give %s the same Temporal defaults', (_process, load) => {
    expect(load({})).toMatchObject({ TEMPORAL_NAMESPACE: 'default', TEMPORAL_TLS: false, MASAR_TASK_QUEUE: TASK_QUEUE });
  });

  it.each(Object.entries(loaders))('should give %s the task queue and TLS settings it is given', (_process, load) => {
    const env = { TEMPORAL_ADDRESS: 'cluster:7233', TEMPORAL_NAMESPACE: 'masar', TEMPORAL_TLS: 'true', MASAR_TASK_QUEUE: 'masar-blue' };
    expect(load(env)).toMatchObject({ TEMPORAL_ADDRESS: 'cluster:7233', TEMPORAL_NAMESPACE: 'masar', TEMPORAL_TLS: true, MASAR_TASK_QUEUE: 'masar-blue' });
  });

  // Each bad value of a shared variable, as every process refuses it.
  const bad: [string, Record<string, string>, string[]][] = [
    ['a flag that is not one', { TEMPORAL_TLS: 'yes' }, ['TEMPORAL_TLS']],
    ['an empty task queue', { MASAR_TASK_QUEUE: '' }, ['MASAR_TASK_QUEUE']],
    ['a certificate without its key', { TEMPORAL_TLS_CERT: '/etc/masar/client.pem' }, ['TEMPORAL_TLS_KEY']],
    ['a key without its certificate', { TEMPORAL_TLS_KEY: '/etc/masar/client.key' }, ['TEMPORAL_TLS_CERT']],
  ];
  for (const [name, load] of Object.entries(loaders)) {
    // The CLI's Temporal part has no log level of its own.
    const rows = name === 'cli' ? bad : [...bad, ['an unknown log level', { LOG_LEVEL: 'loud' }, ['LOG_LEVEL']] as (typeof bad)[number]];
    it.each(rows)(`should refuse in ${name} %s, naming the variable`, (_what, env, variables) => {
      expect(badVariables(() => load(env))).toEqual(variables);
    });
  }
});

describe('one error listing every bad variable', () => {
  it('should list every bad variable of the API, in the order of the schema, cross-variable rules included', () => {
    const env = { DATABASE_URL: 'mysql://x', TEMPORAL_TLS: 'maybe', TEMPORAL_TLS_CERT: '/c.pem', LOG_LEVEL: 'loud', PORT: '99999', BODY_LIMIT: 'huge' };
    expect(badVariables(() => loadApiConfig(env))).toEqual(['DATABASE_URL', 'TEMPORAL_TLS', 'TEMPORAL_TLS_KEY', 'LOG_LEVEL', 'PORT', 'AUTH_JWT_SECRET', 'BODY_LIMIT']);
    expect(() => loadApiConfig(env)).toThrow(/^invalid API configuration:\n {2}DATABASE_URL: must be a postgres:\/\/ URL\n/);
  });

  it('should list every bad variable of the worker', () => {
    const env = { MASAR_TASK_QUEUE: '', MASAR_WORKFLOW_THREADS: '0', SMTP_URL: 'mail.example.ma', MAIL_SWEEP_SECONDS: '-1' };
    expect(badVariables(() => loadWorkerConfig(env))).toEqual(['DATABASE_URL', 'MASAR_TASK_QUEUE', 'MASAR_WORKFLOW_THREADS', 'SMTP_URL', 'MAIL_SWEEP_SECONDS']);
  });

  it('should list every bad variable of npm start', () => {
    const env = { TEMPORAL_TLS_KEY: '/k.pem', MASAR_PG_PORT: '0', DATABASE_URL: 'sqlite://x', AUTH_JWT_SECRET: 'short' };
    expect(badVariables(() => loadStartConfig(env))).toEqual(['TEMPORAL_TLS_CERT', 'MASAR_PG_PORT', 'DATABASE_URL', 'AUTH_JWT_SECRET']);
  });

  it('should accept the API without a token secret when a JWKS URL is set, if the console has its own secret or is off', () => {
    const jwks = { ...DB, AUTH_JWKS_URL: 'https://id.example.ma/jwks.json' };
    expect(loadApiConfig({ ...jwks, MASAR_SESSION_SECRET: 's'.repeat(32) }).AUTH_JWKS_URL).toBe('https://id.example.ma/jwks.json');
    expect(loadApiConfig({ ...jwks, MASAR_CONSOLE: 'false' }).MASAR_CONSOLE).toBe(false);
    // The console signs its sessions: with tokens verified by JWKS alone, nothing would sign them.
    expect(badVariables(() => loadApiConfig(jwks))).toEqual(['MASAR_SESSION_SECRET']);
    expect(badVariables(() => loadApiConfig({ ...jwks, MASAR_SESSION_SECRET: 'short' }))).toEqual(['MASAR_SESSION_SECRET']);
  });
});

describe('temporalConnectionOptions', () => {
  const base = loadTemporalConfig({ TEMPORAL_ADDRESS: 'cluster:7233' });

  it('should connect in clear when nothing asks for TLS', () => {
    expect(temporalConnectionOptions(base)).toEqual({ address: 'cluster:7233' });
  });

  it('should use TLS for TEMPORAL_TLS, and TLS with the key for an API key', () => {
    expect(temporalConnectionOptions({ ...base, TEMPORAL_TLS: true })).toEqual({ address: 'cluster:7233', tls: true });
    expect(temporalConnectionOptions({ ...base, TEMPORAL_API_KEY: 'k-123' })).toEqual({ address: 'cluster:7233', tls: true, apiKey: 'k-123' });
  });

  it('should present the client certificate and key for mTLS', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'masar-tls-'));
    writeFileSync(path.join(dir, 'client.pem'), 'CERT');
    writeFileSync(path.join(dir, 'client.key'), 'KEY');
    const config = loadTemporalConfig({ TEMPORAL_ADDRESS: 'cluster:7233', TEMPORAL_TLS_CERT: path.join(dir, 'client.pem'), TEMPORAL_TLS_KEY: path.join(dir, 'client.key') });
    const options = temporalConnectionOptions(config);
    expect(options.tls).toEqual({ clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') } });
  });

  it('should name the variable whose file cannot be read', () => {
    const config = loadTemporalConfig({ TEMPORAL_TLS_CERT: '/nonexistent/client.pem', TEMPORAL_TLS_KEY: '/nonexistent/client.key' });
    expect(() => temporalConnectionOptions(config)).toThrow(/^TEMPORAL_TLS_CERT: cannot read \/nonexistent\/client.pem \(ENOENT\)/);
  });
});
