/**
 * `tsx scripts/embedded-postgres.ts [--data DIR] [--template FILE] [--port N] [--host H] [--exit-with-stdin]`:
 * an embedded PostgreSQL (PGlite, see `db/embedded.ts`) in a process of its own. Prints
 * `embedded PostgreSQL ready: postgres://...` once it accepts connections; stops cleanly on
 * SIGINT/SIGTERM. With `--exit-with-stdin` it also stops when its standard input closes, so a
 * parent that dies (a test run killed mid-way) does not leave it behind.
 *
 * The tests use it through `tests/support/pglite-process.ts`: PGlite loads its WebAssembly with a
 * dynamic `import()`, which jest's module sandbox refuses, so test files cannot host it themselves.
 */
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../db/embedded';

/** The line printed once the server accepts connections (followed by its URL). */
export const READY_PREFIX = 'embedded PostgreSQL ready: ';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      template: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'exit-with-stdin': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port "${values.port}": write a port number (0 for a free one)`);
  const pg = await startEmbeddedPostgres({ port, host: values.host, ...(values.data ? { dataDir: values.data } : {}), ...(values.template ? { template: values.template } : {}) });
  const stop = () => {
    void pg.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (values['exit-with-stdin']) {
    process.stdin.once('end', stop);
    process.stdin.once('close', stop);
    process.stdin.resume();
  }
  console.log(`${READY_PREFIX}${pg.url}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`embedded PostgreSQL: ${(err as Error).message}`);
    process.exit(1);
  });
}
