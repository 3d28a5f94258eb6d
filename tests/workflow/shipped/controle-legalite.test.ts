/**
 * controle-legalite (organic laws 113-14 and 112-14): the president transmits the deliberation;
 * the governor's services oppose or not within the control period (silence: enforceable); a
 * deliberation subject to visa is visaed, refused, or enforceable when the visa period passes; an
 * opposition the council maintains goes to the administrative court.
 */
import { RejectionType } from '../../../workflows/messages';
import { casablanca } from '../../support/time';
import { agent, clockOf, docId, shippedHarness } from './harness';

const h = shippedHarness('controle-legalite');
const president = agent('commune_president');
const governor = { id: 'dct-1', roles: ['agent', 'governor_services'], unit: '01.511' };
const DATA = { deliberation_number: '37/2027', session: 'ordinary', session_closed_on: '2027-04-02', subject: 'Convention de partenariat', minutes: docId('pv') };

describe('controle-legalite', () => {
  it('should make an ordinary deliberation enforceable when the governor does not oppose within 3 working days', async () => {
    const handle = await h.file(casablanca('2027-04-05', 9), DATA);
    expect(clockOf(await h.view(handle), 'transmission')).toEqual(expect.objectContaining({ status: 'running' }));
    // Transmitted Monday 5 April: 3 working days end with Thursday 8 April.
    const received = await h.act(handle, { action: 'transmit', actor: president });
    expect(received.state).toBe('legality_control');
    expect(received.tasks).toEqual([expect.objectContaining({ role: 'governor_services', level: 'province', unit: '01.511' })]);
    expect(clockOf(received, 'opposition')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-04-08' }));
    expect(clockOf(received, 'visa')?.status).toBe('pending');
    // An agent of the commune is not the governor's services.
    expect((await h.rejection(handle, { action: 'no_objection', actor: agent('governor_services') })).type).toBe(RejectionType.forbidden);
    await h.skipTo(casablanca('2027-04-08', 23));
    expect((await h.view(handle)).state).toBe('legality_control');
    await h.skipTo(casablanca('2027-04-09', 9));
    expect(await h.view(handle)).toEqual(expect.objectContaining({ state: 'enforceable_tacitly', outcome: 'tacitly_approved', status: 'closed' }));
    await handle.result();
  });

  it('should send a maintained deliberation to the administrative court after a reasoned opposition', async () => {
    const handle = await h.file(casablanca('2027-04-05', 9), DATA);
    await h.act(handle, { action: 'transmit', actor: president });
    expect((await h.rejection(handle, { action: 'oppose', actor: governor })).type).toBe(RejectionType.invalidInput);
    const opposed = await h.act(handle, { action: 'oppose', actor: governor, comment: 'Hors des attributions du conseil' });
    expect(opposed.tasks).toEqual([expect.objectContaining({ state: 'opposed', role: 'commune_president', unit: '01.511.01.01' })]);
    const court = await h.act(handle, { action: 'maintain', actor: president });
    expect(court.state).toBe('court_referral');
    const annulled = await h.act(handle, { action: 'annulled', actor: governor, input: { judgment_reference: 'TA Rabat 1234/7110/2027' } });
    expect(annulled).toEqual(expect.objectContaining({ state: 'annulled', outcome: 'refused', status: 'closed' }));
    await handle.result();
  });

  it('should route a deliberation subject to visa to the visa, enforceable on silence after 20 days', async () => {
    const handle = await h.file(casablanca('2027-04-05', 9), { ...DATA, needs_visa: true, subject: 'Budget 2028' });
    const received = await h.act(handle, { action: 'transmit', actor: president });
    expect(received.state).toBe('visa_control');
    expect(h.recorded.services.map((s) => s.service)).toEqual(['flag:needs_visa']);
    // 20 calendar days from Monday 5 April end with Sunday 25 April.
    expect(clockOf(received, 'visa')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-04-25' }));
    await h.skipTo(casablanca('2027-04-26', 9));
    expect(await h.view(handle)).toEqual(expect.objectContaining({ state: 'enforceable_tacitly', outcome: 'tacitly_approved', status: 'closed' }));
    await handle.result();
  });

  it('should escalate a deliberation not transmitted in 10 working days to the province', async () => {
    const handle = await h.file(casablanca('2027-04-05', 9), DATA);
    const due = clockOf(await h.view(handle), 'transmission')?.dueAt;
    await h.skipTo(new Date(Date.parse(due ?? '') + 60_000));
    expect((await h.view(handle)).escalation).toEqual(expect.objectContaining({ level: 'province', clock: 'transmission' }));
    await handle.terminate('test over');
  });
});
