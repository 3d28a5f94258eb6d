/**
 * `npm start`: Masar on one machine with no settings. Stops what a killed run left behind
 * (`start-leftovers.ts`), then starts, in order, the Temporal dev server (SQLite under the data
 * folder), an embedded PostgreSQL (PGlite, served on 127.0.0.1:5433), the migrations, the demo
 * directory, the shipped procedures, the worker and the API, then prints where everything is and
 * four demo tokens. Ctrl-C stops everything in reverse order; the data folder
 * keeps every case for the next start. `DATABASE_URL`, `TEMPORAL_ADDRESS` and `SMTP_URL` switch to
 * real servers. See docs/running.md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadApiConfig, loadStartConfig, loadWorkerConfig, type StartConfig } from '../config/env';
import { createLogger } from '../config/logging';
import { parseLifetime } from '../api/token-lifetime';
import { publishShippedProcedures, startApi } from '../api/server';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { createDb } from '../db/pool';
import { seedDirectory } from '../db/seed/seed-directory';
import { startDevServer } from '../worker/dev-server';
import { startWorker } from '../worker/run';
import { ensureTemporalToolchain } from '../worker/temporal-toolchain';
import { consoleFromConfig } from '../console';
import { demoSealFiles } from '../documents/seal-files';
import { PROCEDURE_TEMPLATE_NAMES } from '../activities/notifications/render';
import { createProcedureSimulator } from '../cli/simulate/simulator';
import { bannerLines, demoPeople, demoPersonas, mintDemoTokens } from './start-banner';
import { reclaimDataDir, recordDevServer, releaseDataDir } from './start-leftovers';

const ROOT = path.resolve(__dirname, '..');

const say = (line: string) => console.log(`masar: ${line}`);

/** What runs, newest last; stopped in reverse order. */
const running: { name: string; stop: () => Promise<void> }[] = [];
let stopping: Promise<void> | undefined;
/** Removes this run's pid files; set once the data folder is ours. */
let release: (() => void) | undefined;

function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    const force = setTimeout(() => {
      say('still stopping after 30 s; exiting anyway');
      process.exit(1);
    }, 30_000);
    force.unref();
    for (const part of running.reverse()) {
      say(`stopping ${part.name}`);
      await part.stop().catch((err: unknown) => say(`${part.name} did not stop cleanly: ${(err as Error).message}`));
    }
    release?.();
    say(code === 0 ? 'stopped' : 'stopped after an error');
    process.exit(code);
  })();
  return stopping;
}

const STEPS = 6;

/** Runs one numbered step with a progress line before and after. */
async function step<T>(n: number, label: string, run: () => Promise<T>): Promise<T> {
  say(`[${n}/${STEPS}] ${label}`);
  const started = Date.now();
  const result = await run();
  say(`[${n}/${STEPS}] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** Fails early, naming the port and the fix, when something already listens there. */
async function ensureFree(host: string, portNumber: number, what: string, fix: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${portNumber} (${what}) is taken on ${host}: ${fix}`) : err),
    );
    probe.listen(portNumber, host, () => probe.close(() => resolve()));
  });
}

/** A secret generated once and kept in the data folder (readable by its owner only). */
function keptSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** A payload key file generated once in the data folder (`id:secret`, readable by its owner only). */
function demoPayloadKeyFile(dataDir: string): string {
  const file = path.join(dataDir, 'payload-keys');
  if (!existsSync(file)) writeFileSync(file, `# Demo key of the payload codec, made by npm start. Rotate: add a line; the last one encrypts.\ndemo-1:${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  return file;
}

/** The JWT secret kept in the data folder, so tokens survive restarts. */
function jwtSecret(config: StartConfig, dataDir: string): string | undefined {
  if (config.AUTH_JWT_SECRET) return config.AUTH_JWT_SECRET;
  if (config.AUTH_JWKS_URL) return undefined;
  return keptSecret(path.join(dataDir, 'secret'));
}

async function checkPorts(config: StartConfig): Promise<void> {
  if (!config.TEMPORAL_ADDRESS) {
    const use = `stop the other Temporal server, set MASAR_TEMPORAL_PORT to another port, or TEMPORAL_ADDRESS=127.0.0.1:${config.MASAR_TEMPORAL_PORT} to use it`;
    await ensureFree('127.0.0.1', config.MASAR_TEMPORAL_PORT, 'Temporal gRPC', use);
    await ensureFree('127.0.0.1', config.MASAR_TEMPORAL_UI_PORT, 'Temporal Web UI', 'stop what holds it or set MASAR_TEMPORAL_UI_PORT');
  }
  if (!config.DATABASE_URL) {
    await ensureFree('127.0.0.1', config.MASAR_PG_PORT, 'embedded PostgreSQL', 'is another Masar running? stop it, or set MASAR_PG_PORT, or DATABASE_URL to use a real server');
  }
  await ensureFree(config.HOST, config.PORT, 'API', 'is another Masar running? stop it or set PORT');
}

async function main(): Promise<void> {
  // `npm start`'s own settings; the API's and the worker's are checked when each starts, from the same module.
  const config = loadStartConfig(process.env);
  const dataDir = path.resolve(config.MASAR_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const logger = createLogger(config.LOG_LEVEL);
  const temporalDb = path.join(dataDir, 'temporal.db');
  // Before the ports: a dev server left by a killed run holds the Temporal port.
  await reclaimDataDir({ dataDir, dbFile: temporalDb, say });
  release = () => releaseDataDir(dataDir);
  await checkPorts(config);

  const temporal = await step(1, config.TEMPORAL_ADDRESS ? `Temporal: using TEMPORAL_ADDRESS=${config.TEMPORAL_ADDRESS}` : 'Starting the Temporal dev server', async () => {
    if (config.TEMPORAL_ADDRESS) return { address: config.TEMPORAL_ADDRESS, uiUrl: undefined };
    const toolchain = ensureTemporalToolchain({ env: process.env, root: ROOT, install: true, log: (l) => say(`  ${l}`) });
    if (!toolchain.cli) throw new Error('no Temporal CLI found: run `npm run setup`, set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to a running server');
    const dbFile = temporalDb;
    say(`  ${path.relative(ROOT, toolchain.cli)}, SQLite ${dbFile}, gRPC 127.0.0.1:${config.MASAR_TEMPORAL_PORT}`);
    const server = await startDevServer({
      cli: toolchain.cli,
      dbFile,
      onSpawn: (pid) => recordDevServer(dataDir, pid),
      port: config.MASAR_TEMPORAL_PORT,
      uiPort: config.MASAR_TEMPORAL_UI_PORT,
      ownProcessGroup: true,
      ...(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? { log: (l: string) => say(`  temporal: ${l}`) } : {}),
    });
    // Own process group: Ctrl-C does not reach it, so it must not outlive us even on a crash.
    process.once('exit', () => server.process.exitCode === null && server.process.kill('SIGTERM'));
    server.process.once('exit', (code) => {
      if (stopping) return;
      say(`the Temporal dev server exited (${code}); stopping`);
      void shutdown(1);
    });
    running.push({ name: 'the Temporal dev server', stop: () => server.stop() });
    return { address: server.address, uiUrl: server.uiUrl };
  });

  const databaseUrl = await step(2, config.DATABASE_URL ? 'PostgreSQL: using DATABASE_URL' : 'Starting the embedded PostgreSQL (PGlite)', async () => {
    if (config.DATABASE_URL) return config.DATABASE_URL;
    const pgDir = path.join(dataDir, 'pg');
    say(`  data ${pgDir}, listening on 127.0.0.1:${config.MASAR_PG_PORT}`);
    const pg = await startEmbeddedPostgres({ dataDir: pgDir, port: config.MASAR_PG_PORT });
    running.push({ name: 'the embedded PostgreSQL', stop: () => pg.stop() });
    return pg.url;
  });

  await step(3, 'Migrating, seeding the demo directory, publishing the shipped procedures', async () => {
    const db = createDb({ url: databaseUrl, max: 2 });
    try {
      for (const name of await migrate(db)) say(`  migrated ${name}`);
      if (config.MASAR_SEED_DIRECTORY) {
        const seeded = await seedDirectory(db);
        say(`  directory: ${seeded.units.added} units added, ${seeded.units.unchanged} unchanged; ${seeded.members} demo members`);
      }
      const published = await publishShippedProcedures(db, logger);
      say(`  procedures: ${published.length > 0 ? `published ${published.join(', ')}` : 'all already published'}`);
    } finally {
      await db.end();
    }
  });

  const secret = jwtSecret(config, dataDir);
  const mailDir = path.join(dataDir, 'mail');
  // The journal's signing key: yours when set, else one generated in the data folder (demo only:
  // whoever reads the folder can re-sign; production keeps the key out of the database's reach).
  const journalKey = config.MASAR_JOURNAL_KEY ?? keptSecret(path.join(dataDir, 'journal-key'));
  // The seal of receipts and decisions: yours when set, else a self-signed demo pair in the data folder.
  const seal = config.MASAR_SEAL_CERT && config.MASAR_SEAL_KEY ? { cert: config.MASAR_SEAL_CERT, key: config.MASAR_SEAL_KEY } : demoSealFiles(dataDir);
  const publicUrl = process.env.MASAR_PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`;
  // The payload codec's key: yours when set, else a demo key file in the data folder (the same
  // caveat: whoever reads the folder can decrypt the Temporal histories kept beside it).
  const payloadKeys = config.MASAR_PAYLOAD_KEYS || config.MASAR_PAYLOAD_KEY_FILE ? {} : { MASAR_PAYLOAD_KEY_FILE: demoPayloadKeyFile(dataDir) };
  const shared = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    LOG_LEVEL: config.LOG_LEVEL,
    MASAR_JOURNAL_KEY: journalKey,
    MASAR_SEAL_CERT: seal.cert,
    MASAR_SEAL_KEY: seal.key,
    MASAR_PUBLIC_URL: publicUrl,
    // Uploads, receipts and decisions under the data folder, unless the operator names a bucket or a folder.
    MASAR_DOCUMENTS_DIR: process.env.MASAR_DOCUMENTS_DIR ?? path.join(dataDir, 'documents'),
    ...payloadKeys,
  };

  await step(4, 'Starting the worker (bundles the workflow code: a few seconds)', async () => {
    if (!config.SMTP_URL) mkdirSync(mailDir, { recursive: true });
    // Links in messages and QR codes point at this API unless the operator says where the public reaches it.
    const worker = await startWorker(loadWorkerConfig({ ...shared, MAIL_DIR: mailDir, MASAR_DOCUMENTS_DIR: process.env.MASAR_DOCUMENTS_DIR ?? path.join(dataDir, 'documents') }), logger);
    running.push({ name: 'the worker', stop: () => worker.stop() });
    worker.done.catch((err: unknown) => {
      if (stopping) return;
      say(`the worker stopped: ${(err as Error).message}`);
      void shutdown(1);
    });
  });

  const api = await step(5, `Starting the API on ${config.HOST}:${config.PORT}`, async () => {
    const apiConfig = loadApiConfig({
      ...shared,
      PORT: String(config.PORT),
      HOST: config.HOST,
      MASAR_SEED_PROCEDURES: 'false', // published in step 3
      ...(secret ? { AUTH_JWT_SECRET: secret } : {}),
      // The console's login page offers the demo people (this is a developer's machine).
      MASAR_CONSOLE_DEMO_LOGINS: process.env.MASAR_CONSOLE_DEMO_LOGINS ?? 'true',
    });
    // Administrators may play a definition on the time-skipping test server before publishing it (development only).
    const simulator = createProcedureSimulator({ testServerPath: ensureTemporalToolchain({ env: process.env, root: ROOT, install: false }).testServer });
    const started = await startApi(apiConfig, logger, { console: consoleFromConfig(apiConfig, demoPersonas(), { knownTemplates: PROCEDURE_TEMPLATE_NAMES, simulator }) });
    running.push({ name: 'the API', stop: () => started.stop() });
    return started;
  });

  const tokenTtlSeconds = parseLifetime(config.AUTH_MAX_TOKEN_LIFETIME) ?? 86_400;
  const tokens = secret
    ? await step(6, 'Minting demo tokens', () =>
        mintDemoTokens(secret, {
          ttlSeconds: tokenTtlSeconds,
          ...(config.AUTH_ISSUER ? { issuer: config.AUTH_ISSUER } : {}),
          ...(config.AUTH_AUDIENCE ? { audience: config.AUTH_AUDIENCE } : {}),
        }),
      )
    : undefined;
  const lines = bannerLines({
    apiUrl: api.url,
    ...(api.console ? { console: { people: demoPeople() } } : {}),
    temporal: { address: temporal.address, ...(temporal.uiUrl ? { uiUrl: temporal.uiUrl } : {}), external: !!config.TEMPORAL_ADDRESS },
    database: { where: config.DATABASE_URL ? new URL(config.DATABASE_URL).host : `127.0.0.1:${config.MASAR_PG_PORT}, data in ${path.join(dataDir, 'pg')}`, external: !!config.DATABASE_URL },
    mail: { where: config.SMTP_URL ? new URL(config.SMTP_URL).host : mailDir, external: !!config.SMTP_URL },
    dataDir,
    ...(tokens ? { tokens, tokenTtlSeconds } : {}),
  });
  console.log(lines.join('\n'));
}

// Ctrl-C reaches us several times (from the terminal, relayed by npm and tsx): repeats within 2 s
// are the same press. A later press while stopping quits at once.
let firstSignalAt: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      console.log('');
      void shutdown(0);
    } else if (Date.now() - firstSignalAt > 2_000) {
      say('quitting without waiting (cases are safe; work in flight is retried at the next start)');
      process.exit(130);
    }
  });
}

main().catch((err: unknown) => {
  console.error(`masar: cannot start: ${(err as Error).message}`);
  void shutdown(1);
});
