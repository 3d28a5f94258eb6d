/**
 * Issue 12's "done when", end to end: cases filed through the API under a procedure written only
 * for this test (a 3-working-day deadline escalating to the province, then the region every 2
 * working days); nobody acts. With time skipped, the province's then the region's supervisors see
 * the case in their escalations list and the overdue list, get the mail (a real SMTP server), take
 * it over, act, and still see it until it is decided.
 *
 * Real parts: PostgreSQL (read model, outbox, directory, calendar), the Temporal time-skipping
 * server, the worker's real activities, the API through supertest, an in-process SMTP server.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import request from 'supertest';
import { createActivities } from '../../../activities';
import { createSmtpChannel } from '../../../activities/notifications';
import { createApp } from '../../../api/app';
import { createTokenVerifier, mintToken } from '../../../api/auth';
import { createCaseEngine } from '../../../usecases/case-engine';
import { createDbCalendarSource } from '../../../db/calendars';
import { createDirectory } from '../../../db/directory';
import { publishProcedure } from '../../../db/procedures';
import { UNITS } from '../api/api-harness';
import { createTestDb, type TestDb } from '../../support/db';
import { lateProcedureYaml } from '../../support/late-procedure';
import { compileYaml } from '../../support/procedures';
import { startTestSmtp, type TestSmtp } from '../../support/smtp';
import { timeSkippingEnv, workflowBundle } from '../../support/temporal';
import { casablanca, skipTo } from '../../support/time';

const TQ = 'late-case-scenario';
const SECRET = 'scenario-secret-0123456789abcdef';
const TANGER = '01.511.01.01';
const PEOPLE = {
  applicant: { sub: 'citizen-9', name: 'Salma Idrissi', email: 'salma@example.ma', roles: ['applicant'] },
  agent: { sub: 'agent-tanger', name: 'Agent Tanger', roles: ['agent', 'reviewer'], unit: TANGER },
  province: { sub: 'sup-511', name: 'Superviseur province', roles: ['supervisor'], unit: '01.511' },
  region: { sub: 'sup-01', name: 'Superviseur région', roles: ['supervisor'], unit: '01' },
};
type Person = keyof typeof PEOPLE;
const MAIL: Record<'province' | 'region', string> = { province: 'sup511@example.ma', region: 'sup01@example.ma' };

let env: TestWorkflowEnvironment;
let t: TestDb;
let smtp: TestSmtp;
let worker: Worker;
let running: Promise<void>;
let app: ReturnType<typeof createApp>;
/** The server's time, for the API's notion of "now" (overdue). */
let nowMs = 0;

beforeAll(async () => {
  [env, t, smtp] = await Promise.all([timeSkippingEnv(), createTestDb(), startTestSmtp()]);
  const directory = createDirectory(t.db);
  await directory.upsertUnits(UNITS);
  for (const who of ['province', 'region'] as const) {
    const p = PEOPLE[who];
    await directory.upsertMember({ id: p.sub, unitCode: p.unit, name: p.name, email: MAIL[who], language: 'fr', roles: p.roles });
  }
  const source = lateProcedureYaml({ deadline: '3 working days', interval: '2 working days' });
  await publishProcedure(t.db, compileYaml(source), source, 'system');
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TQ,
    workflowBundle: await workflowBundle(),
    activities: createActivities({
      db: t.db,
      directory,
      channel: createSmtpChannel({ url: smtp.url }),
      calendars: createDbCalendarSource(t.db, { ttlMs: 0 }),
      client: env.client,
    }),
  });
  running = worker.run();
  app = createApp({
    db: t.db,
    engine: createCaseEngine(env.client, { taskQueue: TQ, timeoutMs: 20_000 }),
    directory,
    verifyToken: createTokenVerifier({ jwtSecret: SECRET }),
    options: { rateLimit: false, firstViewTimeoutMs: 20_000, now: () => new Date(nowMs) },
  });
}, 120_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), t?.drop(), smtp?.close()]);
});

async function as(who: Person, method: 'get' | 'post', url: string, body?: object) {
  const token = await mintToken({ secret: SECRET, claims: PEOPLE[who], ttl: '1h' });
  let req = request(app)[method](url).set('Authorization', `Bearer ${token}`);
  if (body) req = req.send(body);
  const res = await req;
  return res;
}

async function moveTo(instant: Date): Promise<void> {
  await skipTo(env, instant);
  nowMs = await env.currentTimeMs();
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ids = (res: request.Response): string[] => res.body.items.map((c: { caseId: string }) => c.caseId);
const escalations = async (who: Person) => ids(await as(who, 'get', '/api/v1/escalations?limit=100'));
const overdue = async (who: Person) => ids(await as(who, 'get', '/api/v1/cases?overdue=true&limit=100'));
/** Escalation mails to a supervisor naming a case's reference. */
const mailsAbout = (who: 'province' | 'region', reference: string) => smtp.to(MAIL[who]).filter((m) => m.text.includes(reference));

describe('a late case under a procedure written for the test', () => {
  it('should stay in sight of the province then the region, through take-over and action, until decided', async () => {
    await moveTo(casablanca('2027-01-04', 10));
    const filed = await Promise.all(
      [1, 2].map(() => as('applicant', 'post', '/api/v1/cases', { procedure: 'test-late-permit', unit: TANGER, data: { subject: 'garage' } })),
    );
    for (const res of filed) expect(res.status).toBe(201);
    const [acted, ignored] = filed.map((r) => r.body as { caseId: string; reference: string; clocks: { dueAt: string }[] }) as [
      { caseId: string; reference: string; clocks: { dueAt: string }[] },
      { caseId: string; reference: string },
    ];
    const dueAt = acted.clocks[0]?.dueAt as string;
    expect(await escalations('province')).toEqual([]);
    expect(await overdue('region')).toEqual([]);

    // Nobody acts: the deadline passes, the case escalates to the province.
    await moveTo(new Date(Date.parse(dueAt) + 3_600_000));
    const atProvince = await until('the escalation to the province', async () => {
      const res = await as('province', 'get', `/api/v1/cases/${acted.caseId}`);
      return res.body.escalation?.level === 'province' ? res.body : undefined;
    });
    expect((await escalations('province')).sort()).toEqual([acted.caseId, ignored.caseId].sort());
    expect((await overdue('province')).sort()).toEqual([acted.caseId, ignored.caseId].sort());
    await until('the mail to the province', () => (mailsAbout('province', acted.reference).length ? true : undefined));
    expect(mailsAbout('region', acted.reference)).toEqual([]);
    // The region may not act on it yet: the escalation has not reached it.
    expect((await as('region', 'post', `/api/v1/cases/${acted.caseId}/actions`, { action: 'escalation.take_over' })).status).toBe(403);

    // Still undecided after the interval: it climbs to the region, which gets the mail.
    await moveTo(new Date(Date.parse(atProvince.escalation.nextAt) + 60_000));
    await until('the escalation to the region', async () => {
      const res = await as('region', 'get', `/api/v1/cases/${acted.caseId}`);
      return res.body.escalation?.level === 'region' ? true : undefined;
    });
    await until('the mail to the region', () => (mailsAbout('region', acted.reference).length ? true : undefined));
    expect((await escalations('region')).sort()).toEqual([acted.caseId, ignored.caseId].sort());

    // The region's supervisor takes it over and acts: the case moves on, still late, still in sight.
    const taken = await as('region', 'post', `/api/v1/cases/${acted.caseId}/actions`, { action: 'escalation.take_over', comment: 'en retard' });
    expect(taken.status).toBe(200);
    expect(taken.body.escalation.takenOver).toEqual({ by: PEOPLE.region.sub, at: expect.any(String) });
    expect(taken.body.availableActions.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['check', 'escalation.decide']));
    const moved = await as('region', 'post', `/api/v1/cases/${acted.caseId}/actions`, { action: 'check' });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual(
      expect.objectContaining({ state: 'site_visit', escalation: expect.objectContaining({ level: 'region', takenOver: expect.objectContaining({ by: PEOPLE.region.sub }) }) }),
    );
    expect(moved.body.tasks[0].dueAt).toBe(dueAt);
    for (const who of ['province', 'region'] as const) {
      expect(await escalations(who)).toContain(acted.caseId);
      expect(await overdue(who)).toContain(acted.caseId);
    }
    const inbox = await as('agent', 'get', '/api/v1/tasks');
    expect(inbox.body.items.find((i: { case: { caseId: string } }) => i.case.caseId === acted.caseId)?.task.dueAt).toBe(dueAt);

    // Decided: out of every list; the case nobody touched is still there.
    const decided = await as('region', 'post', `/api/v1/cases/${acted.caseId}/actions`, {
      action: 'escalation.decide',
      input: { state: 'refused' },
      comment: 'dossier incomplet',
    });
    expect(decided.body).toEqual(expect.objectContaining({ status: 'closed', outcome: 'refused' }));
    for (const who of ['province', 'region'] as const) {
      expect(await escalations(who)).toEqual([ignored.caseId]);
      expect(await overdue(who)).toEqual([ignored.caseId]);
    }
    const journal = (await as('region', 'get', `/api/v1/cases/${acted.caseId}/journal`)).body.items.map((e: { kind: string }) => e.kind);
    expect(journal).toEqual(expect.arrayContaining(['escalated', 'escalation.take_over', 'check', 'escalation.decide', 'escalation.resolved']));
  });
});
