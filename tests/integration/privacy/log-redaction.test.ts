/**
 * Logs never hold personal data: the real API and worker entry points (`api/main.ts`,
 * `worker/main.ts`) run as their own processes at LOG_LEVEL=trace, a case goes through them with
 * known personal values (the applicant's name, e-mail, ID number and request; an agent's comment),
 * bad requests carry the same values, and the mail server rejects the applicant's address quoting
 * it, as real servers do. Then nothing the two processes wrote may contain any of those values.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { SMTPServer } from 'smtp-server';
import { mintToken } from '../../../api/auth';
import { createDirectory } from '../../../db/directory';
import { createTestDb, type TestDb } from '../../support/db';
import { recordUpload } from '../../support/documents';
import { TANGER, UNITS } from '../api/api-harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SECRET = 'log-capture-secret-0123456789abcdef';
const tag = randomBytes(4).toString('hex');
/** What must never be logged: each one unique to this run, so a hit cannot be a coincidence. */
const PERSONAL = {
  name: `Fatima Zahra Ouazzani ${tag}`,
  email: `fz.${tag}@example.ma`,
  cin: `BK${parseInt(tag.slice(0, 5), 16)}`,
  request: `Copie du plan cadastral de la parcelle ${tag} rue des Oliviers`,
  comment: `Vu avec Mme Ouazzani au guichet ${tag}`,
};

let t: TestDb;
let smtp: SMTPServer;
const procs: { name: string; child: ChildProcess; out: string[] }[] = [];
let apiUrl = '';
let rejected = 0;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function start(name: string, entry: string, env: Record<string, string>, ready: RegExp): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  procs.push({ name, child, out });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after 90 s:\n${out.join('').slice(-3000)}`)), 90_000);
    const take = (d: Buffer) => {
      out.push(d.toString());
      if (ready.test(out.join(''))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', (d: Buffer) => out.push(d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${out.join('').slice(-3000)}`));
    });
  });
}

beforeAll(async () => {
  const address = process.env.MASAR_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('MASAR_TEST_TEMPORAL_ADDRESS is not set: jest global setup did not start the dev server');
  t = await createTestDb();
  await createDirectory(t.db).upsertUnits(UNITS);
  // A mail server that refuses the applicant's mailbox, quoting the address back.
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(addr, _session, callback) {
      rejected += 1;
      callback(Object.assign(new Error(`<${addr.address}>: mailbox unavailable for ${PERSONAL.name}`), { responseCode: 550 }));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const apiPort = await freePort();
  apiUrl = `http://127.0.0.1:${apiPort}`;
  const common = {
    DATABASE_URL: t.url,
    TEMPORAL_ADDRESS: address,
    MASAR_TASK_QUEUE: `log-capture-${tag}`,
    LOG_LEVEL: 'trace',
    MASAR_PAYLOAD_KEYS: `k1:${randomBytes(32).toString('hex')}`,
  };
  await Promise.all([
    start('worker', 'worker/main.ts', { ...common, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_SWEEP_SECONDS: '1' }, /Masar worker polling/),
    start('api', 'api/main.ts', { ...common, PORT: String(apiPort), HOST: '127.0.0.1', AUTH_JWT_SECRET: SECRET }, /Masar API listening/),
  ]);
}, 180_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await t?.drop();
});

const token = (claims: Record<string, unknown> & { sub: string; roles: string[] }) => mintToken({ secret: SECRET, claims, ttl: '10m' });
const applicant = () => token({ sub: `citizen-${tag}`, name: PERSONAL.name, email: PERSONAL.email, roles: ['applicant'] });
const agent = () => token({ sub: 'agent-tanger', name: 'Agent Tanger', roles: ['agent', 'information_officer'], unit: TANGER });

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('logs', () => {
  it('should hold none of the personal data a case, bad requests and a rejected message carry, at trace level', async () => {
    const data = { subject: `${PERSONAL.request} (CIN ${PERSONAL.cin})`, format: 'electronic' };
    const filed = await request(apiUrl).post('/api/v1/cases').set('Authorization', `Bearer ${await applicant()}`).send({ procedure: 'acces-information', unit: TANGER, data });
    expect(filed.status).toBe(201);
    const caseId: string = filed.body.caseId;

    // Bad requests quoting the same values: refused, and their bodies not logged.
    const bad = [
      { procedure: 'acces-information', unit: TANGER, data: { ...data, format: PERSONAL.name } },
      { procedure: 'acces-information', unit: PERSONAL.cin, data },
      { procedure: PERSONAL.email, unit: TANGER, data },
    ];
    for (const body of bad) expect((await request(apiUrl).post('/api/v1/cases').set('Authorization', `Bearer ${await applicant()}`).send(body)).status).toBeGreaterThanOrEqual(400);
    expect((await request(apiUrl).get(`/api/v1/cases?state=${encodeURIComponent(PERSONAL.name)}`).set('Authorization', `Bearer ${await agent()}`)).status).toBe(200);

    await until('the agent to see the case', async () => ((await request(apiUrl).get(`/api/v1/cases/${caseId}`).set('Authorization', `Bearer ${await agent()}`)).status === 200 ? true : undefined));
    const review = await request(apiUrl).post(`/api/v1/cases/${caseId}/actions`).set('Authorization', `Bearer ${await agent()}`).send({ action: 'start_review', comment: PERSONAL.comment });
    expect(review.status).toBe(200);
    const refused = await request(apiUrl).post(`/api/v1/cases/${caseId}/actions`).set('Authorization', `Bearer ${await agent()}`).send({ action: PERSONAL.cin, comment: PERSONAL.comment });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    // The information communicated: a document the agent uploaded (a file field takes nothing else).
    const document = await recordUpload(t.db, 'agent-tanger', 'states.review.actions.answer.input.document');
    const answered = await request(apiUrl).post(`/api/v1/cases/${caseId}/actions`).set('Authorization', `Bearer ${await agent()}`).send({ action: 'answer', input: { document }, comment: PERSONAL.comment });
    expect(answered.status).toBe(200);

    // The receipt was refused by the mail server, and the worker logged the failure.
    await until('the receipt to be refused and logged', async () => (rejected > 0 && procs.some((p) => p.name === 'worker' && p.out.join('').includes('notification not sent')) ? true : undefined));

    for (const p of procs) {
      p.child.kill('SIGTERM');
      await until(`${p.name} to stop`, async () => (p.child.exitCode !== null || p.child.signalCode !== null ? true : undefined));
    }
    const logs = Object.fromEntries(procs.map((p) => [p.name, p.out.join('')]));
    // The logs were written, at trace level, and saw this case: they could have leaked.
    for (const name of ['api', 'worker']) {
      expect((logs[name] ?? '').split('\n').length).toBeGreaterThan(5);
    }
    expect(logs.api).toContain(`/api/v1/cases/:id/actions`);
    expect(logs.worker).toContain(caseId);
    for (const [process, text] of Object.entries(logs)) {
      for (const [what, value] of Object.entries(PERSONAL)) {
        expect({ process, what, found: (text ?? '').includes(value) }).toEqual({ process, what, found: false });
      }
      // Nothing of the address either, in any form (local part, quoted in an SMTP reply).
      expect({ process, found: (text ?? '').includes(`fz.${tag}`) }).toEqual({ process, found: false });
    }
  });
});
