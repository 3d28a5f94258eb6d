/**
 * An administrator records a closure day over HTTP: the calendar's version goes up, and a running
 * case's legal deadline moves, through the durable `calendarChange` workflow.
 */
import request from 'supertest';
import { loadCalendar } from '../../../definitions/calendar-file';
import { addDays } from '../../../definitions/local-time';
import { calendarChangeWorkflowId } from '../../../workflows/calendar-change';
import { startHarness, TANGER, type CallerName, type Harness } from './api-harness';

/** The version of the calendar Masar ships (the first one a database holds). */
const shippedCalendarVersion = loadCalendar().version;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true, taskQueue: `calendar-${Date.now()}` });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const auth = async (who: CallerName) => `Bearer ${await h.token(who)}`;

describe('recording a calendar change', () => {
  it('should move the deadline of a running case when an administrator records a closure day', async () => {
    const filed = await request(h.app)
      .post('/api/v1/cases')
      .set('Authorization', await auth('applicant'))
      .send({ procedure: 'acces-information', unit: TANGER, data: { subject: 'budget', format: 'paper' } });
    expect(filed.status).toBe(201);
    const before = filed.body.clocks.find((c: { name: string }) => c.name === 'answer');
    let closure = addDays(filed.body.filedAt.slice(0, 10), 1);
    while ([0, 6].includes(new Date(`${closure}T12:00:00Z`).getUTCDay())) closure = addDays(closure, 1);

    const refused = await request(h.app)
      .post('/api/v1/calendars/ma-administration/holidays')
      .set('Authorization', await auth('agent'))
      .send({ kind: 'closure', date: closure, name: { fr: 'Fermeture', ar: 'إغلاق' } });
    expect(refused.status).toBe(403);

    const recorded = await request(h.app)
      .post('/api/v1/calendars/ma-administration/holidays')
      .set('Authorization', await auth('admin'))
      .send({ kind: 'closure', date: closure, name: { fr: 'Fermeture exceptionnelle', ar: 'عطلة استثنائية' } });
    expect(recorded.status).toBe(201);
    // One version past the shipped calendar's (whatever its number), recomputed by its own workflow.
    expect(recorded.body.version).toBe(shippedCalendarVersion + 1);
    expect(recorded.body.recompute.workflowId).toBe(calendarChangeWorkflowId('ma-administration', shippedCalendarVersion + 1));

    const report = await h.client.workflow.getHandle(recorded.body.recompute.workflowId).result();
    // Moved in the read model by the calendar pass: a later date wakes nobody.
    expect(report).toEqual(expect.objectContaining({ moved: 1, signalled: 0, failed: [] }));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await request(h.app).get(`/api/v1/cases/${filed.body.caseId}`).set('Authorization', await auth('applicant'));
      const clock = res.body.clocks.find((c: { name: string }) => c.name === 'answer');
      if (clock.dueDate !== before.dueDate) {
        expect(clock.dueDate > before.dueDate).toBe(true);
        break;
      }
      if (Date.now() > deadline) throw new Error(`deadline did not move from ${before.dueDate}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it('should count filed cases and applied actions on /metrics', async () => {
    const filed = await request(h.app)
      .post('/api/v1/cases')
      .set('Authorization', await auth('applicant'))
      .send({ procedure: 'acces-information', unit: TANGER, data: { subject: 'budget', format: 'paper' } });
    expect(filed.status).toBe(201);
    const acted = await request(h.app)
      .post(`/api/v1/cases/${filed.body.caseId}/actions`)
      .set('Authorization', await auth('agent'))
      .send({ action: 'start_review' });
    expect(acted.status).toBe(200);
    const refused = await request(h.app)
      .post(`/api/v1/cases/${filed.body.caseId}/actions`)
      .set('Authorization', await auth('agent'))
      .send({ action: 'start_review' });
    expect(refused.status).toBe(409);
    const metrics = await request(h.app).get('/metrics');
    expect(metrics.text).toMatch(/^masar_cases_filed_total\{procedure="acces-information"\} 2$/m);
    expect(metrics.text).toMatch(/^masar_actions_total\{action="start_review",result="applied"\} 1$/m);
    expect(metrics.text).toMatch(/^masar_actions_total\{result="rejected"\} 1$/m);
  });

  it('should compute a deadline as the engine does, and explain a bad duration', async () => {
    const res = await request(h.app)
      .get('/api/v1/calendars/ma-administration/deadline')
      .query({ from: '2025-03-20T10:00:00+00:00', duration: '20 working days' })
      .set('Authorization', await auth('agent'));
    expect(res.status).toBe(200);
    // From Thursday 20 March 2025: 21, 24-28 March, then Eid al-Fitr (Monday 31 March, Tuesday
    // 1 April) skipped, 2-4, 7-11, 14-18 April (19), 21 April: the 20th working day.
    expect(res.body).toEqual(expect.objectContaining({ dueDate: '2025-04-21', due: '2025-04-21T22:59:59.999Z' }));
    expect(res.body.skipped.map((d: { date: string }) => d.date)).toEqual(
      expect.arrayContaining(['2025-03-31', '2025-04-01']),
    );
    const extended = await request(h.app)
      .get('/api/v1/calendars/ma-administration/deadline')
      .query({ from: '2025-03-20T10:00:00+00:00', duration: '20 working days', extend: '20 working days' })
      .set('Authorization', await auth('agent'));
    // 20 more from 21 April: 22-25, 28-30 April, 1 May (Labour Day) skipped, 2, 5-9, 12-16, 19-20 May.
    expect(extended.body.dueDate).toBe('2025-05-20');
    const bad = await request(h.app)
      .get('/api/v1/calendars/ma-administration/deadline')
      .query({ from: '2025-03-20T10:00:00+00:00', duration: '20 jours' })
      .set('Authorization', await auth('agent'));
    expect(bad.status).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });
});
