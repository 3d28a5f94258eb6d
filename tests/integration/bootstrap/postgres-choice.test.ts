/**
 * The test run's choice of database, against the real PostgreSQL of this machine: a URL that does
 * not log in is never taken for a usable server (the port answering is not enough).
 */
import net from 'node:net';
import { choosePostgres, DEFAULT_TEST_DATABASE_URL, realProbe, redacted } from '../../support/postgres-choice';
import { ON_PGLITE, TEST_DATABASE_URL } from '../../support/db';

/** The run's own URL with another password: same server, same role, no login. */
function wrongPassword(url: string): string {
  const u = new URL(url);
  u.password = 'not-the-password';
  return u.toString();
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// These need the PostgreSQL server itself; on the embedded database they check the decision alone.
const onServer = ON_PGLITE ? describe.skip : describe;

onServer('choosePostgres on a real PostgreSQL', () => {
  it('should take DATABASE_URL when it logs in as a role that may create databases', async () => {
    expect(await choosePostgres({ DATABASE_URL: TEST_DATABASE_URL })).toEqual({ kind: 'server', url: TEST_DATABASE_URL });
  });

  it('should stop at once, in one line saying what to set, when DATABASE_URL does not log in', async () => {
    const url = wrongPassword(TEST_DATABASE_URL);
    const choice = await choosePostgres({ DATABASE_URL: url });
    expect(choice.kind).toBe('stop');
    const message = choice.kind === 'stop' ? choice.message : '';
    expect(message).toMatch(/password authentication failed/);
    expect(message).toMatch(/set DATABASE_URL to a role that may create databases, or MASAR_TEST_DB=pglite/);
    expect(message).not.toContain('not-the-password');
    expect(message).not.toContain('\n');
  });

  it('should fall back to the embedded database, saying why, when the server on the default port refuses the default login', async () => {
    const choice = await choosePostgres({}, realProbe, wrongPassword(TEST_DATABASE_URL));
    expect(choice.kind).toBe('pglite');
    expect(choice.kind === 'pglite' && choice.reason).toMatch(/^a PostgreSQL answers on .+ but .+ cannot serve the tests \(password authentication failed/);
  });

  it('should use the server on the default port when the default login works', async () => {
    expect(await choosePostgres({}, realProbe, TEST_DATABASE_URL)).toEqual({ kind: 'server', url: TEST_DATABASE_URL });
  });
});

describe('choosePostgres', () => {
  it('should fall back to the embedded database when nothing answers on the port', async () => {
    const url = `postgres://masar:masar@localhost:${await closedPort()}/masar_test`;
    const choice = await choosePostgres({}, realProbe, url);
    expect(choice).toEqual({ kind: 'pglite', reason: expect.stringMatching(/^no DATABASE_URL and no PostgreSQL on localhost:\d+$/) });
  });

  it('should stop when DATABASE_URL names a server that does not answer', async () => {
    const choice = await choosePostgres({ DATABASE_URL: `postgres://masar:secret@localhost:${await closedPort()}/masar_test` });
    expect(choice.kind).toBe('stop');
    expect(choice.kind === 'stop' && choice.message).toMatch(/ECONNREFUSED/);
  });

  it('should use the embedded database when asked, whatever else is set', async () => {
    expect(await choosePostgres({ MASAR_TEST_DB: 'pglite', DATABASE_URL: DEFAULT_TEST_DATABASE_URL })).toEqual({ kind: 'pglite', reason: 'MASAR_TEST_DB=pglite' });
  });

  it('should hide the password in what it prints', () => {
    expect(redacted('postgres://masar:s3cret@db:5432/x')).toBe('postgres://masar:***@db:5432/x');
  });
});
