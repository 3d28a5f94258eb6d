/**
 * permis-habiter (law 12-90): one month to deliver; on silence the case escalates to the
 * prefecture/province, whose supervisors use their power of substitution, then to the region.
 */
import { RejectionType } from '../../../workflows/messages';
import { localDateOf } from '../../../definitions/local-time';
import { casablanca } from '../../support/time';
import { agent, clockOf, shippedHarness, supervisorOf } from './harness';

const h = shippedHarness('permis-habiter');
const officer = agent('urbanism_officer');
const province = supervisorOf('01.511');
const DATA = { building_permit: 'PC-2026-0042', completion_date: '2027-03-31', completion_certificate: 'c0c0c0c0-1111-4222-8333-444455556666' };
const local = (iso: unknown): string => localDateOf(new Date(String(iso)), 'Africa/Casablanca');

describe('permis-habiter', () => {
  it('should deliver the permit within the month', async () => {
    // Filed Monday 5 April 2027: P1M ends with Wednesday 5 May.
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    expect(clockOf(await h.view(handle), 'decision')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-05-05' }));
    await h.skipTo(casablanca('2027-05-05', 17));
    const issued = await h.act(handle, { action: 'issue', actor: officer });
    expect(issued).toEqual(expect.objectContaining({ state: 'issued', outcome: 'approved', status: 'closed' }));
    expect(issued.escalation).toBeUndefined();
    await handle.result();
    // Reminded 7 and 2 days before: end of 28 April and of 3 May.
    expect(h.journal().filter((j) => j.kind === 'clock.reminder').map((j) => local(j.data?.at))).toEqual(['2027-04-28', '2027-05-03']);
  });

  it('should escalate to the province when the month passes in silence, then to the region 15 days later', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.skipTo(casablanca('2027-05-06', 9));
    const escalated = await h.view(handle);
    expect(escalated.escalation).toEqual(expect.objectContaining({ level: 'province', unit: '01.511', clock: 'decision' }));
    expect(escalated.state).toBe('review');
    expect((await h.notified('escalated')).map((n) => n.to)).toEqual([['supervisors']]);
    // Escalated at the start of Thursday 6 May: 15 days end with Friday 21 May.
    await h.skipTo(casablanca('2027-05-21', 23));
    expect((await h.view(handle)).escalation?.level).toBe('province');
    await h.skipTo(casablanca('2027-05-22', 9));
    expect((await h.view(handle)).escalation).toEqual(expect.objectContaining({ level: 'region', unit: '01' }));
    const escalations = h.journal().filter((j) => j.kind === 'escalated');
    expect(escalations.map((e) => [e.data?.level, local(e.at), e.data?.nextAt ? local(e.data.nextAt) : undefined])).toEqual([
      ['province', '2027-05-06', '2027-05-21'],
      ['region', '2027-05-22', undefined],
    ]);
    await handle.terminate('test over');
  });

  it('should let the province substitute for the silent commune and deliver the permit', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    // Before the escalation, the province has no say.
    expect((await h.rejection(handle, { action: 'escalation.take_over', actor: province, comment: 'Substitution' })).type).toBe(RejectionType.notAllowedInState);
    await h.skipTo(casablanca('2027-05-10', 10));
    const taken = await h.act(handle, { action: 'escalation.take_over', actor: province, comment: 'Pouvoir de substitution (loi 12-90)' });
    expect(taken.tasks[0]).toEqual(expect.objectContaining({ assignee: province.id }));
    const issued = await h.act(handle, { action: 'issue', actor: province });
    expect(issued).toEqual(expect.objectContaining({ state: 'issued', outcome: 'approved', status: 'closed' }));
    expect(issued.escalation).toBeUndefined();
    await handle.result();
    const kinds = h.journal().map((j) => j.kind);
    expect(kinds).toEqual(expect.arrayContaining(['escalated', 'escalation.take_over', 'issue', 'escalation.resolved']));
  });

  it('should let the province decide in the commune’s place, among the decisions the commune could take', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.skipTo(casablanca('2027-05-07', 10));
    const wrong = await h.rejection(handle, { action: 'escalation.decide', actor: province, input: { state: 'abandoned' }, comment: 'x' });
    expect(wrong.message).toBe('escalation.decide: input.state must be one of "issued", "refused"');
    // A supervisor of another province is not in the hierarchy of this case.
    expect((await h.rejection(handle, { action: 'escalation.decide', actor: supervisorOf('03.231'), input: { state: 'issued' }, comment: 'x' })).type).toBe(RejectionType.forbidden);
    const decided = await h.act(handle, { action: 'escalation.decide', actor: province, input: { state: 'issued' }, comment: 'Conformité constatée par la province' });
    expect(decided).toEqual(expect.objectContaining({ state: 'issued', outcome: 'approved', status: 'closed' }));
    expect(h.journal().find((j) => j.kind === 'escalation.decide')).toEqual(expect.objectContaining({ toState: 'issued', reason: 'Conformité constatée par la province' }));
    await handle.result();
  });
});
