/**
 * bureau-ordre: incoming mail assigned to a service and answered (or returned, filed, sent on), with
 * its answer clock escalating to the province; outgoing mail dispatched. The registration number
 * is assigned at filing by the read model (tests/integration/usecases/registration.test.ts).
 */
import { RejectionType } from '../../../workflows/messages';
import { casablanca } from '../../support/time';
import { agent, clockOf, docId, shippedHarness } from './harness';

const h = shippedHarness('bureau-ordre');
const clerk = agent('mail_clerk');
const head = agent('service_head');
const INCOMING = { direction: 'incoming', correspondent: 'Amina Benali', subject: "Demande d'alignement", document: docId('lettre') };

describe('bureau-ordre', () => {
  it('should assign incoming mail to a service, which answers it', async () => {
    const handle = await h.file(casablanca('2027-04-05', 9), INCOMING);
    const registered = await h.view(handle);
    expect(registered.state).toBe('registered_incoming');
    expect(h.recorded.services.map((s) => s.service)).toEqual(['flag:direction=incoming']);
    // 60 calendar days from Monday 5 April end with Friday 4 June.
    expect(clockOf(registered, 'answer')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-06-04' }));
    expect((await h.rejection(handle, { action: 'assign', actor: clerk, input: {} })).message).toBe('action "assign": service is required');
    const assigned = await h.act(handle, { action: 'assign', actor: clerk, input: { service: "Service de l'urbanisme" } });
    expect(assigned.tasks).toEqual([expect.objectContaining({ state: 'in_service', role: 'service_head' })]);
    // The wrong service sends it back; the clerk assigns it again; the clock keeps running.
    const back = await h.act(handle, { action: 'return_to_bureau', actor: head, comment: 'Relève du service des affaires économiques' });
    expect(back.state).toBe('registered_incoming');
    await h.act(handle, { action: 'assign', actor: clerk, input: { service: 'Service des affaires économiques' } });
    expect((await h.rejection(handle, { action: 'answer', actor: clerk, input: { reply: docId('r') } })).type).toBe(RejectionType.forbidden);
    const answered = await h.act(handle, { action: 'answer', actor: head, input: { reply: docId('reponse') } });
    expect(answered).toEqual(expect.objectContaining({ state: 'answered', outcome: 'answered', status: 'closed' }));
    expect(h.journal().filter((j) => j.kind === 'assign').map((j) => j.data)).toEqual([
      { input: { service: "Service de l'urbanisme" } },
      { input: { service: 'Service des affaires économiques' } },
    ]);
    await handle.result();
  });

  it('should dispatch outgoing mail, with no answer clock', async () => {
    const handle = await h.file(casablanca('2027-04-05', 9), { ...INCOMING, direction: 'outgoing', correspondent: 'Agence urbaine de Tanger' });
    const registered = await h.view(handle);
    expect(registered.state).toBe('registered_outgoing');
    expect(clockOf(registered, 'answer')?.status).toBe('pending');
    expect((await h.rejection(handle, { action: 'dispatch', actor: clerk, input: { channel: 'pigeon' } })).type).toBe(RejectionType.invalidInput);
    const sent = await h.act(handle, { action: 'dispatch', actor: clerk, input: { channel: 'post' } });
    expect(sent).toEqual(expect.objectContaining({ state: 'dispatched', outcome: 'closed', status: 'closed' }));
    await handle.result();
  });

  it('should escalate unanswered incoming mail to the province after 60 days', async () => {
    const handle = await h.file(casablanca('2027-04-05', 9), INCOMING);
    await h.act(handle, { action: 'assign', actor: clerk, input: { service: 'Voirie' } });
    await h.skipTo(casablanca('2027-06-04', 23));
    expect((await h.view(handle)).escalation).toBeUndefined();
    await h.skipTo(casablanca('2027-06-05', 9));
    expect((await h.view(handle)).escalation).toEqual(expect.objectContaining({ level: 'province', unit: '01.511', clock: 'answer' }));
    await handle.terminate('test over');
  });
});
