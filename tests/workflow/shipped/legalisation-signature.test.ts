/**
 * legalisation-signature (organic law 113-14, art. 102; law 55-19): delivered at the counter the
 * same day; a request not delivered by the end of the next working day escalates to the governor's
 * services of the province (a parameter).
 */
import { RejectionType } from '../../../workflows/messages';
import { casablanca } from '../../support/time';
import { agent, applicant, clockOf, docId, shippedHarness } from './harness';

const h = shippedHarness('legalisation-signature');
const officer = agent('legalisation_officer');
const DATA = { act: 'signature', document: docId('engagement'), copies: 2 };

describe('legalisation-signature', () => {
  it('should legalise at the counter the same day, recording the register number', async () => {
    const handle = await h.file(casablanca('2027-04-05', 9), DATA);
    const filed = await h.view(handle);
    expect(filed.tasks).toEqual([expect.objectContaining({ role: 'legalisation_officer', unit: '01.511.01.01' })]);
    expect(clockOf(filed, 'delivery')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-04-06' }));
    expect((await h.rejection(handle, { action: 'deliver', actor: officer, input: {} })).message).toBe('action "deliver": register_number is required');
    expect((await h.rejection(handle, { action: 'deliver', actor: agent(), input: { register_number: 'L-1' } })).type).toBe(RejectionType.forbidden);
    await h.skipTo(casablanca('2027-04-05', 9, 20));
    const done = await h.act(handle, { action: 'deliver', actor: officer, input: { register_number: 'L-2027-000311' } });
    expect(done).toEqual(expect.objectContaining({ state: 'delivered', outcome: 'approved', status: 'closed' }));
    await handle.result();
  });

  it('should refuse with a ground when the signatory is not present, and let the applicant withdraw', async () => {
    const refusedCase = await h.file(casablanca('2027-04-05', 9), DATA);
    expect((await h.rejection(refusedCase, { action: 'refuse', actor: officer, input: { ground: 'signatory_absent' } })).type).toBe(RejectionType.invalidInput);
    const refused = await h.act(refusedCase, { action: 'refuse', actor: officer, input: { ground: 'signatory_absent' }, comment: 'Le signataire doit se présenter' });
    expect(refused.outcome).toBe('refused');
    const withdrawnCase = await h.file(casablanca('2027-04-05', 10), { ...DATA, act: 'certified_copy' });
    expect((await h.act(withdrawnCase, { action: 'withdraw', actor: applicant })).outcome).toBe('withdrawn');
    await refusedCase.result();
    await withdrawnCase.result();
  });

  it('should escalate to the province when the act is not delivered by the end of the next working day', async () => {
    // Filed Friday 9 April 2027: the next working day is Monday 12 April.
    const handle = await h.file(casablanca('2027-04-09', 15), DATA);
    expect(clockOf(await h.view(handle), 'delivery')?.dueDate).toBe('2027-04-12');
    await h.skipTo(casablanca('2027-04-12', 23));
    expect((await h.view(handle)).escalation).toBeUndefined();
    await h.skipTo(casablanca('2027-04-13', 9));
    expect((await h.view(handle)).escalation).toEqual(expect.objectContaining({ level: 'province', unit: '01.511', clock: 'delivery' }));
    await handle.terminate('test over');
  });
});
