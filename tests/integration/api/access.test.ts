/**
 * Who sees what, over HTTP: every read endpoint against every kind of caller and unit scope.
 * Cases are put in the read model by the real projection activity (no workflow needed to read).
 */
import request from 'supertest';
import { createProjectionActivities } from '../../../activities/projection';
import { projection, type FixtureCase } from '../projection/case-fixtures';
import { ASSILAH, CALLERS, shippedSource, startHarness, TANGER, TETOUAN, type CallerName, type Harness } from './api-harness';

let h: Harness;
const A: FixtureCase = { caseId: 'case-a-tanger', reference: 'AI-2026-000001', unit: TANGER, applicantId: CALLERS.applicant.sub, filedAt: '2026-03-02T09:00:00.000Z' };
const B: FixtureCase = { caseId: 'case-b-tetouan', reference: 'AI-2026-000002', unit: TETOUAN, applicantId: CALLERS.otherApplicant.sub, filedAt: '2026-03-03T09:00:00.000Z' };
const C: FixtureCase = { caseId: 'case-c-assilah', reference: 'AI-2026-000003', unit: ASSILAH, applicantId: CALLERS.applicant.sub, filedAt: '2026-03-04T09:00:00.000Z' };

beforeAll(async () => {
  h = await startHarness({ taskQueue: `access-${Date.now()}` });
  const { project } = createProjectionActivities({ db: h.t.db });
  await project(projection(A, 1));
  await project(projection(B, 1));
  // C climbed to its province: the task now waits there for a supervisor.
  await project(
    projection(C, 2, 1, {
      escalation: { level: 'province', unit: '01.511', units: ['01.511'], at: '2026-04-01T09:00:00.000Z', since: '2026-04-01T09:00:00.000Z', clock: 'answer' },
      tasks: [{ state: 'step_2', role: 'supervisor', level: 'province', unit: '01.511', openedAt: '2026-04-01T09:00:00.000Z', actions: ['escalation.decide'] }],
    }),
  );
});
afterAll(async () => {
  await h.close();
});

async function get(who: CallerName | null, url: string) {
  const req = request(h.app).get(url);
  if (who) req.set('Authorization', `Bearer ${await h.token(who)}`);
  return req;
}

describe('GET /cases/{id} by role and unit scope', () => {
  // [caller, case, expected status, personal data shown]. Every row has all four: jest takes a
  // missing last argument for a `done` callback.
  const table: [CallerName, FixtureCase, number, boolean][] = [
    ['applicant', A, 200, true],
    ['applicant', B, 404, false],
    ['otherApplicant', A, 404, false],
    ['otherApplicant', B, 200, true],
    ['agent', A, 200, true],
    ['agent', B, 403, false],
    ['agent', C, 403, false],
    ['agentAssilah', A, 403, false],
    ['agentAssilah', C, 200, true],
    ['supervisorProvince', A, 200, false],
    // The task waits at the province now: its supervisors handle the case and need its data.
    ['supervisorProvince', C, 200, true],
    ['supervisorProvince', B, 403, false],
    ['supervisorOtherProvince', A, 403, false],
    ['supervisorOtherProvince', B, 200, false],
    ['supervisorRegion', A, 200, false],
    ['supervisorRegion', B, 200, false],
    ['admin', A, 403, false],
  ];
  it.each(table)('should answer %s on %j with the expected status', async (who, c, status, personal) => {
    const res = await get(who, `/api/v1/cases/${c.caseId}`);
    expect(res.status).toBe(status);
    if (status !== 200) {
      expect(res.type).toBe('application/problem+json');
      expect(JSON.stringify(res.body)).not.toContain('AB123456');
      return;
    }
    expect(res.body.caseId).toBe(c.caseId);
    expect('data' in res.body).toBe(personal);
    expect('email' in res.body.applicant).toBe(personal);
    if (personal) expect(res.body.data.nationalId).toBe('AB123456');
  });

  it('should answer 401 without a token', async () => {
    const res = await get(null, `/api/v1/cases/${A.caseId}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('should show the journal to whoever may see the case, and only to them', async () => {
    const mine = await get('applicant', `/api/v1/cases/${C.caseId}/journal`);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((e: { sequence: number }) => e.sequence)).toEqual([1, 2]);
    expect(mine.body.items[1].prevHash).toBe(mine.body.items[0].hash);
    expect((await get('otherApplicant', `/api/v1/cases/${C.caseId}/journal`)).status).toBe(404);
    expect((await get('agent', `/api/v1/cases/${C.caseId}/journal`)).status).toBe(403);
    expect((await get('supervisorRegion', `/api/v1/cases/${C.caseId}/journal`)).status).toBe(200);
  });
});

describe('lists by role and unit scope', () => {
  const ids = (res: request.Response) => res.body.items.map((i: { caseId: string }) => i.caseId).sort();

  it.each<[CallerName, string[]]>([
    ['applicant', [A.caseId, C.caseId]],
    ['otherApplicant', [B.caseId]],
    ['agent', [A.caseId]],
    ['agentAssilah', [C.caseId]],
    ['supervisorProvince', [A.caseId, C.caseId]],
    ['supervisorOtherProvince', [B.caseId]],
    ['supervisorRegion', [A.caseId, B.caseId, C.caseId]],
  ])('should list for %s exactly the cases in scope', async (who, expected) => {
    const res = await get(who, '/api/v1/cases');
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(expected.sort());
    for (const item of res.body.items) expect(item.data).toBeUndefined();
  });

  it('should refuse the case list to an admin', async () => {
    expect((await get('admin', '/api/v1/cases')).status).toBe(403);
  });

  it('should filter by escalation, unit and filing date, and page with a cursor', async () => {
    expect(ids(await get('supervisorRegion', '/api/v1/cases?escalated=true'))).toEqual([C.caseId]);
    expect(ids(await get('supervisorRegion', `/api/v1/cases?unit=${TETOUAN}`))).toEqual([B.caseId]);
    expect(ids(await get('supervisorRegion', '/api/v1/cases?filedFrom=2026-03-03&filedTo=2026-03-04'))).toEqual([B.caseId]);
    const first = await get('supervisorRegion', '/api/v1/cases?limit=2&sort=filedAt');
    expect(first.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([A.caseId, B.caseId]);
    const second = await get('supervisorRegion', `/api/v1/cases?limit=2&sort=filedAt&cursor=${first.body.next}`);
    expect(second.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([C.caseId]);
    expect(second.body.next).toBeUndefined();
  });

  it('should list overdue cases by their earliest due instant', async () => {
    // Fixture due dates are about 31 days after filing, in April 2026; "now" is the real clock.
    const overdue = ids(await get('supervisorRegion', '/api/v1/cases?overdue=true'));
    const expected = Date.now() > Date.parse('2026-04-05T00:00:00Z') ? [A.caseId, B.caseId, C.caseId] : [];
    expect(overdue).toEqual(expected.sort());
  });

  it('should give each staff member the tasks waiting at their unit for their roles', async () => {
    const agent = await get('agent', '/api/v1/tasks');
    expect(agent.status).toBe(200);
    expect(agent.body.items.map((i: { case: { caseId: string } }) => i.case.caseId)).toEqual([A.caseId]);
    const province = await get('supervisorProvince', '/api/v1/tasks');
    expect(province.body.items.map((i: { case: { caseId: string } }) => i.case.caseId)).toEqual([C.caseId]);
    expect((await get('applicant', '/api/v1/tasks')).status).toBe(403);
    expect((await get('admin', '/api/v1/tasks')).status).toBe(403);
  });

  it('should give supervisors the escalations at their unit and below', async () => {
    const escalated = (res: request.Response) => res.body.items.map((i: { caseId: string }) => i.caseId);
    expect(escalated(await get('supervisorProvince', '/api/v1/escalations'))).toEqual([C.caseId]);
    expect(escalated(await get('supervisorRegion', '/api/v1/escalations'))).toEqual([C.caseId]);
    expect(escalated(await get('supervisorOtherProvince', '/api/v1/escalations'))).toEqual([]);
    expect((await get('agent', '/api/v1/escalations')).status).toBe(403);
  });
});

describe('reference data and administration by role', () => {
  it.each<[CallerName]>([['applicant'], ['agent'], ['supervisorRegion'], ['admin']])(
    'should let %s read procedures, units and holidays',
    async (who) => {
      expect((await get(who, '/api/v1/procedures')).status).toBe(200);
      const detail = await get(who, '/api/v1/procedures/acces-information');
      expect(detail.status).toBe(200);
      expect(detail.body.input.subject.required).toBe(true);
      expect(detail.body.diagram.mermaid).toContain("received --> review : Instruire (délai ordinaire) (par Personne chargée de l'information)");
      const units = await get(who, '/api/v1/units?parent=01.511');
      expect(units.body.items.map((u: { code: string }) => u.code)).toEqual([TANGER, ASSILAH]);
      expect((await get(who, '/api/v1/calendars/ma-administration/holidays?year=2026')).status).toBe(200);
    },
  );

  it.each<[CallerName, number]>([
    ['applicant', 403],
    ['agent', 403],
    ['supervisorRegion', 403],
    ['admin', 200],
  ])('should let only admins validate procedures (%s: %i)', async (who, status) => {
    const res = await request(h.app)
      .post('/api/v1/procedures/validate')
      .set('Authorization', `Bearer ${await h.token(who)}`)
      .type('application/yaml')
      .send(shippedSource('acces-information'));
    expect(res.status).toBe(status);
  });

  it.each<[CallerName, number]>([
    ['agent', 403],
    ['applicant', 403],
  ])('should refuse %s recording a holiday', async (who, status) => {
    const res = await request(h.app)
      .post('/api/v1/calendars/ma-administration/holidays')
      .set('Authorization', `Bearer ${await h.token(who)}`)
      .send({ kind: 'closure', date: '2026-07-01', name: { fr: 'Fermeture', ar: 'إغلاق' } });
    expect(res.status).toBe(status);
  });
});
