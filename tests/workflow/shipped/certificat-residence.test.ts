/**
 * certificat-residence (law 55-19): issued within 3 working days ([NC] parameter); a missing
 * document suspends the working-day clock; silence escalates to the province, the only level.
 */
import { casablanca } from '../../support/time';
import { agent, applicant, clockOf, shippedHarness } from './harness';

const h = shippedHarness('certificat-residence');
const clerk = agent();
const DATA = { address: '12 rue Ibn Batouta, Tanger', resident_since: '2019-09-01', purpose: 'Inscription scolaire' };

describe('certificat-residence', () => {
  it('should issue the certificate on the third working day', async () => {
    // Filed Thursday 8 April 2027: Friday 9 (1), Monday 12 (2), Tuesday 13 (3).
    const handle = await h.file(casablanca('2027-04-08', 10), DATA);
    const filed = await h.view(handle);
    expect(filed.tasks[0]).toEqual(expect.objectContaining({ role: 'agent', unit: '01.511.01.01' }));
    expect(clockOf(filed, 'delivery')).toEqual(expect.objectContaining({ status: 'running', counting: 'working_days', dueDate: '2027-04-13' }));
    await h.skipTo(casablanca('2027-04-13', 15));
    const issued = await h.act(handle, { action: 'issue', actor: clerk });
    expect(issued).toEqual(expect.objectContaining({ state: 'issued', outcome: 'approved', status: 'closed' }));
    expect(issued.escalation).toBeUndefined();
    await handle.result();
    // Reminded one working day before: at the end of Monday 12 April.
    expect(h.journal().filter((j) => j.kind === 'clock.reminder').map((j) => j.data?.at)).toEqual([casablanca('2027-04-13', 0).getTime() - 1].map((t) => new Date(t).toISOString()));
  });

  it('should suspend the working days while a proof is awaited and count what was left from the next day', async () => {
    const handle = await h.file(casablanca('2027-04-08', 10), DATA);
    // Friday 9 April: Monday 12 and Tuesday 13 are left.
    await h.skipTo(casablanca('2027-04-09', 11));
    const waiting = await h.act(handle, { action: 'request_documents', actor: clerk, comment: 'Facture d’eau ou d’électricité' });
    expect(clockOf(waiting, 'delivery')).toEqual(expect.objectContaining({ status: 'suspended', remaining: expect.objectContaining({ days: 2 }) }));
    // Proof given Wednesday 14 April: Thursday 15 and Friday 16.
    await h.skipTo(casablanca('2027-04-14', 10));
    const resumed = await h.act(handle, { action: 'submit_documents', actor: applicant, input: { document: 'fac7e5e5-1111-4222-8333-444455556666' } });
    expect(clockOf(resumed, 'delivery')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-04-16' }));
    await h.skipTo(casablanca('2027-04-16', 12));
    expect((await h.act(handle, { action: 'issue', actor: clerk })).outcome).toBe('approved');
    await handle.result();
  });

  it('should escalate to the province after the third working day, and climb no further', async () => {
    const handle = await h.file(casablanca('2027-04-08', 10), DATA);
    await h.skipTo(casablanca('2027-04-14', 9));
    const view = await h.view(handle);
    expect(view.escalation).toEqual(expect.objectContaining({ level: 'province', unit: '01.511' }));
    const escalated = h.journal().filter((j) => j.kind === 'escalated');
    expect(escalated).toHaveLength(1);
    expect(escalated[0]?.data?.nextAt).toBeUndefined();
    await h.skipTo(casablanca('2027-06-01', 9));
    expect(h.journal().filter((j) => j.kind === 'escalated')).toHaveLength(1);
    expect((await h.view(handle)).status).toBe('open');
    await handle.terminate('test over');
  });
});
