/**
 * The authorization matrix over HTTP (issue 11.2): every case endpoint and every action kind,
 * against applicants, agents, supervisors and admins of the case's own unit, another unit of
 * its province, and another region. Real parts: PostgreSQL, the Temporal dev server and a worker,
 * with a test-only procedure whose deadline passes in two seconds (the case escalates to its
 * province during the test, so supervisor actions are live).
 */
import request from 'supertest';
import { mintToken } from '../../../api/auth';
import { createDirectory } from '../../../db/directory';
import { publishProcedure } from '../../../db/procedures';
import { lateProcedureYaml } from '../../support/late-procedure';
import { compileYaml } from '../../support/procedures';
import { ASSILAH, SECRET, startHarness, TANGER, TETOUAN, type Harness } from './api-harness';

const PROCEDURE = 'test-matrix-permit';
const label = (fr: string) => ({ fr, ar: fr });
/** A second region, to be "another region". */
const RABAT = '04.141.01.01';

/** Callers by role x scope, relative to cases filed at Tanger (province 01.511, region 01). */
const WHO = {
  applicant: { sub: 'citizen-1', name: 'Amina', roles: ['applicant'] },
  otherApplicant: { sub: 'citizen-2', name: 'Youssef', roles: ['applicant'] },
  agentOwnUnit: { sub: 'agent-tanger', roles: ['agent', 'reviewer'], unit: TANGER },
  agentOtherUnit: { sub: 'agent-assilah', roles: ['agent', 'reviewer'], unit: ASSILAH },
  agentOtherRegion: { sub: 'agent-rabat', roles: ['agent', 'reviewer'], unit: RABAT },
  supervisorOwnUnit: { sub: 'sup-511', roles: ['supervisor'], unit: '01.511' },
  supervisorOtherUnit: { sub: 'sup-521', roles: ['supervisor'], unit: '01.521' },
  supervisorOtherRegion: { sub: 'sup-04', roles: ['supervisor'], unit: '04' },
  admin: { sub: 'admin-1', roles: ['admin'] },
} satisfies Record<string, { sub: string; name?: string; roles: string[]; unit?: string }>;
type Who = keyof typeof WHO;

let h: Harness;
const tokens = new Map<Who, string>();
/** The shared escalated case (rejected actions leave it as it is), and one fresh case per accepted action. */
let shared: string;
const fresh: string[] = [];

async function call(who: Who, method: 'get' | 'post', url: string, body?: object) {
  let req = request(h.app)[method](url).set('Authorization', `Bearer ${tokens.get(who)}`);
  if (body) req = req.send(body);
  return req;
}

async function fileCase(): Promise<string> {
  const res = await call('applicant', 'post', '/api/v1/cases', { procedure: PROCEDURE, unit: TANGER, data: { subject: 'garage' } });
  expect(res.status).toBe(201);
  return res.body.caseId as string;
}

async function escalated(caseId: string): Promise<void> {
  const end = Date.now() + 30_000;
  for (;;) {
    const res = await call('applicant', 'get', `/api/v1/cases/${caseId}`);
    if (res.body.escalation) return;
    if (Date.now() > end) throw new Error(`case ${caseId} did not escalate`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  h = await startHarness({ worker: true, taskQueue: `matrix-${Date.now()}` });
  await createDirectory(h.t.db).upsertUnits([
    { code: '04', kind: 'region', name: label('Rabat-Salé-Kénitra'), parentCode: 'DGCT' },
    { code: '04.141', kind: 'province', name: label('Rabat'), parentCode: '04' },
    { code: RABAT, kind: 'commune', name: label('Rabat'), parentCode: '04.141' },
  ]);
  const source = lateProcedureYaml({ id: PROCEDURE, deadline: 'PT2S', interval: 'PT1H' });
  await publishProcedure(h.t.db, compileYaml(source), source, 'system');
  for (const [who, claims] of Object.entries(WHO)) tokens.set(who as Who, await mintToken({ secret: SECRET, claims, ttl: '1h' }));
  const ids = await Promise.all(Array.from({ length: 5 }, fileCase));
  await Promise.all(ids.map(escalated));
  [shared] = ids as [string];
  fresh.push(...ids.slice(1));
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('reading a case', () => {
  // [caller, GET /cases/{id} and its journal]
  const table: [Who, number][] = [
    ['applicant', 200],
    ['otherApplicant', 404],
    ['agentOwnUnit', 200],
    ['agentOtherUnit', 403],
    ['agentOtherRegion', 403],
    ['supervisorOwnUnit', 200],
    ['supervisorOtherUnit', 403],
    ['supervisorOtherRegion', 403],
    ['admin', 403],
  ];
  it.each(table)('should answer %s with %i on the case and its journal', async (who, status) => {
    for (const url of [`/api/v1/cases/${shared}`, `/api/v1/cases/${shared}/journal`]) {
      const res = await call(who, 'get', url);
      expect([url, res.status]).toEqual([url, status]);
      if (status !== 200) expect(res.type).toBe('application/problem+json');
    }
  });
});

describe('lists', () => {
  const listed = (res: request.Response, key: 'caseId' | 'case') =>
    res.body.items.map((i: { caseId?: string; case?: { caseId: string } }) => (key === 'case' ? i.case?.caseId : i.caseId));

  // [caller, status of /cases, /tasks, /escalations, whether the shared case is in each 200 list]
  const table: [Who, number, number, number, boolean][] = [
    ['applicant', 200, 403, 403, true],
    ['otherApplicant', 200, 403, 403, false],
    ['agentOwnUnit', 200, 200, 403, true],
    ['agentOtherUnit', 200, 200, 403, false],
    ['agentOtherRegion', 200, 200, 403, false],
    ['supervisorOwnUnit', 200, 200, 200, true],
    ['supervisorOtherUnit', 200, 200, 200, false],
    ['supervisorOtherRegion', 200, 200, 200, false],
    ['admin', 403, 403, 403, false],
  ];
  it.each(table)('should answer %s: /cases %i, /tasks %i, /escalations %i (the case in scope: %s)', async (who, cases, tasks, escalations, inScope) => {
    const all = await call(who, 'get', '/api/v1/cases?limit=100');
    expect(all.status).toBe(cases);
    if (cases === 200) expect(listed(all, 'caseId').includes(shared)).toBe(inScope);
    const inbox = await call(who, 'get', '/api/v1/tasks?limit=100');
    expect(inbox.status).toBe(tasks);
    // Supervisors hold no reviewer role: the task is in the inbox of the unit's reviewers only.
    if (tasks === 200) expect(listed(inbox, 'case').includes(shared)).toBe(inScope && who === 'agentOwnUnit');
    const esc = await call(who, 'get', '/api/v1/escalations?limit=100');
    expect(esc.status).toBe(escalations);
    if (escalations === 200) expect(listed(esc, 'caseId').includes(shared)).toBe(inScope);
  });
});

describe('acting on a case', () => {
  const reassign = (unit: string) => ({ action: 'escalation.reassign', input: { unit }, comment: 'workload' });
  const takeOver = { action: 'escalation.take_over', comment: 'late' };
  const claim = { action: 'task.claim' };
  const approve = { action: 'approve' };

  // Rejected: [caller, body, status]. None changes the shared case.
  const rejected: [Who, object, number][] = [];
  for (const body of [takeOver, reassign(ASSILAH), claim, approve]) {
    rejected.push(['otherApplicant', body, 404], ['agentOtherRegion', body, 403], ['supervisorOtherUnit', body, 403], ['supervisorOtherRegion', body, 403], ['admin', body, 403]);
    rejected.push(['applicant', body, 403], ['agentOtherUnit', body, 403]);
  }
  rejected.push(
    ['agentOwnUnit', takeOver, 403],
    ['agentOwnUnit', reassign(TANGER), 403],
    ['supervisorOwnUnit', claim, 403],
    // The supervisor names units: another province, another region, a level above, one that does not exist.
    ['supervisorOwnUnit', reassign(TETOUAN), 403],
    ['supervisorOwnUnit', reassign(RABAT), 403],
    ['supervisorOwnUnit', reassign('01'), 403],
    ['supervisorOwnUnit', reassign('99.999.99.99'), 422],
  );
  it.each(rejected)('should refuse %s %j with %i', async (who, body, status) => {
    const res = await call(who, 'post', `/api/v1/cases/${shared}/actions`, body);
    expect(res.status).toBe(status);
    expect(res.type).toBe('application/problem+json');
    if (status === 422) expect(res.body.errors).toEqual([expect.objectContaining({ path: 'input.unit' })]);
  });

  it('should have left the shared case untouched', async () => {
    const res = await call('supervisorOwnUnit', 'get', `/api/v1/cases/${shared}`);
    expect(res.body.tasks).toEqual([expect.objectContaining({ unit: TANGER })]);
    expect(res.body.tasks[0].assignee).toBeUndefined();
    expect(res.body.escalation.takenOver).toBeUndefined();
  });

  // Accepted, each on a case of its own: [caller, body, what the case shows after].
  interface Seen {
    state: string;
    tasks: { unit: string; assignee?: string }[];
    escalation: { takenOver?: { by: string } };
  }
  const accepted: [Who, object, (view: Seen) => void][] = [
    ['supervisorOwnUnit', takeOver, (v) => expect(v.escalation.takenOver?.by).toBe(WHO.supervisorOwnUnit.sub)],
    ['supervisorOwnUnit', reassign(ASSILAH), (v) => expect(v.tasks[0]?.unit).toBe(ASSILAH)],
    ['agentOwnUnit', claim, (v) => expect(v.tasks[0]?.assignee).toBe(WHO.agentOwnUnit.sub)],
    ['agentOwnUnit', approve, (v) => expect(v.state).toBe('approved')],
  ];
  it.each(accepted.map((row, i) => [...row, i] as const))('should let %s take %j', async (who, body, check, i) => {
    const res = await call(who, 'post', `/api/v1/cases/${fresh[i]}/actions`, body);
    expect(res.status).toBe(200);
    check(res.body as Seen);
  });
});

describe('the inbox by assignment', () => {
  it('should list the claimed task under assigned=mine and the others under assigned=unassigned', async () => {
    const inbox = async (who: Who, assigned: string) =>
      ((await call(who, 'get', `/api/v1/tasks?assigned=${assigned}&limit=100`)).body.items as { task: { assignee?: string }; case: { caseId: string } }[]);
    // fresh[2] was claimed by the agent of the unit above.
    const mine = await inbox('agentOwnUnit', 'mine');
    expect(mine.map((i) => i.case.caseId)).toEqual([fresh[2]]);
    expect(mine[0]?.task.assignee).toBe(WHO.agentOwnUnit.sub);
    const open = (await inbox('agentOwnUnit', 'unassigned')).map((i) => i.case.caseId);
    expect(open).toContain(shared);
    expect(open).not.toContain(fresh[2]);
    expect(await inbox('agentOtherUnit', 'mine')).toEqual([]);
    expect((await call('agentOwnUnit', 'get', '/api/v1/tasks?assigned=someone')).status).toBe(400);
  });
});

describe('what the case view offers the caller', () => {
  const offered = async (who: Who) =>
    ((await call(who, 'get', `/api/v1/cases/${shared}`)).body.availableActions as { action: string }[]).map((a) => a.action).sort();

  it('should offer each caller exactly the actions the workflow accepts from them', async () => {
    expect(await offered('applicant')).toEqual([]);
    expect(await offered('agentOwnUnit')).toEqual(['approve', 'check', 'refuse', 'task.claim']);
    expect(await offered('supervisorOwnUnit')).toEqual(['escalation.decide', 'escalation.reassign', 'escalation.take_over']);
    const decide = (await call('supervisorOwnUnit', 'get', `/api/v1/cases/${shared}`)).body.availableActions.find(
      (a: { action: string }) => a.action === 'escalation.decide',
    );
    expect(decide.input.state.options.sort()).toEqual(['approved', 'refused']);
  });
});
