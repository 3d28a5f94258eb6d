/**
 * reclamation v2 (decree 2-17-265): a complaint gets a reasoned answer within 60 calendar days,
 * redirection to the competent body, and escalation province, region, DGCT every 15 days when
 * nobody answers; an observation or a suggestion is studied with no clock and never escalates.
 */
import { localDateOf } from '../../../definitions/local-time';
import { RejectionType, type Actor, type CaseUnit } from '../../../workflows/messages';
import { casablanca } from '../../support/time';
import { agent, applicant, clockOf, shippedHarness, supervisorOf } from './harness';

const h = shippedHarness('reclamation');
const officer = agent('complaints_officer');
const local = (iso: unknown): string => localDateOf(new Date(String(iso)), 'Africa/Casablanca');
const DATA = { kind: 'reclamation', subject: 'Éclairage public', details: 'Rue sans éclairage depuis trois mois' };

describe('reclamation', () => {
  it('should answer within the 60 days, the clock running even while more information is awaited', async () => {
    // Filed Monday 5 April 2027: 60 calendar days end with Friday 4 June.
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    expect(clockOf(await h.view(handle), 'answer')).toEqual(expect.objectContaining({ status: 'running', counting: 'calendar', dueDate: '2027-06-04' }));

    await h.skipTo(casablanca('2027-04-12', 10));
    const asked = await h.act(handle, { action: 'request_information', actor: officer, comment: 'Quelle rue ?' });
    expect(asked.state).toBe('awaiting_information');
    expect(clockOf(asked, 'answer')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-06-04' }));
    await h.skipTo(casablanca('2027-04-19', 10));
    await h.act(handle, { action: 'complete', actor: applicant, input: { information: 'Rue Ibn Batouta' } });

    await h.skipTo(casablanca('2027-06-04', 16));
    const answered = await h.act(handle, { action: 'answer', actor: officer, input: { answer: 'Les lampadaires seront remplacés le 10 juin.' } });
    expect(answered).toEqual(expect.objectContaining({ state: 'answered', outcome: 'answered', status: 'closed' }));
    expect(answered.escalation).toBeUndefined();
    await handle.result();
    // Reminders 10 and 3 days before the due instant (end of Friday 4 June): end of 25 May and of 1 June.
    expect(h.journal().filter((j) => j.kind === 'clock.reminder').map((j) => local(j.data?.at))).toEqual(['2027-05-25', '2027-06-01']);
  });

  it('should redirect a complaint outside the commune’s competence to the competent body', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    expect((await h.rejection(handle, { action: 'redirect', actor: officer, input: {} })).message).toBe('action "redirect": competent_body is required');
    const view = await h.act(handle, { action: 'redirect', actor: officer, input: { competent_body: 'Régie autonome de distribution (Amendis)' } });
    expect(view).toEqual(expect.objectContaining({ state: 'redirected', outcome: 'redirected', status: 'closed' }));
    expect(h.journal().find((j) => j.kind === 'redirect')?.data).toEqual({ input: { competent_body: 'Régie autonome de distribution (Amendis)' } });
    await handle.result();
  });

  it('should escalate to the province after 60 days of silence, then the region and the DGCT every 15 days', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.skipTo(casablanca('2027-06-04', 23, 0));
    expect((await h.view(handle)).escalation).toBeUndefined();

    await h.skipTo(casablanca('2027-06-05', 9));
    expect((await h.view(handle)).escalation).toEqual(expect.objectContaining({ level: 'province', unit: '01.511', clock: 'answer' }));
    // Escalated in the first second of Saturday 5 June: 15 days end with Sunday 20 June.
    await h.skipTo(casablanca('2027-06-20', 23, 0));
    expect((await h.view(handle)).escalation?.level).toBe('province');
    await h.skipTo(casablanca('2027-06-21', 9));
    expect((await h.view(handle)).escalation).toEqual(expect.objectContaining({ level: 'region', unit: '01' }));
    // 21 June + 15 days: Tuesday 6 July.
    await h.skipTo(casablanca('2027-07-07', 9));
    expect((await h.view(handle)).escalation).toEqual(expect.objectContaining({ level: 'ministry', unit: 'DGCT' }));

    const escalations = h.journal().filter((j) => j.kind === 'escalated');
    // Each climb happens right after the end of the day its level's time ends, local time.
    expect(escalations.map((e) => [e.data?.level, local(e.at)])).toEqual([
      ['province', '2027-06-05'],
      ['region', '2027-06-21'],
      ['ministry', '2027-07-07'],
    ]);
    // A supervisor of the DGCT answers in the commune's place.
    const dgct = supervisorOf('DGCT');
    await h.act(handle, { action: 'escalation.take_over', actor: dgct, comment: 'Réponse directe' });
    const answered = await h.act(handle, { action: 'answer', actor: dgct, input: { answer: 'Réponse de la DGCT' } });
    expect(answered).toEqual(expect.objectContaining({ state: 'answered', status: 'closed' }));
    await handle.result();
  });

  it("should escalate a complaint filed at an arrondissement to the governor's services of its prefecture, not to another province", async () => {
    // Tanger-Médina, an arrondissement of the commune of Tanger, in the prefecture of Tanger-Assilah.
    const arrondissement: CaseUnit = { code: '01.511.01.11', name: { fr: 'Tanger-Médina', ar: 'طنجة المدينة' }, commune: '01.511.01.01', province: '01.511', region: '01', ministry: 'DGCT' };
    const handle = await h.file(casablanca('2027-04-05', 10), DATA, arrondissement);
    expect((await h.view(handle)).tasks).toEqual([expect.objectContaining({ role: 'complaints_officer', unit: '01.511.01.11' })]);
    await h.skipTo(casablanca('2027-06-05', 9));
    const late = await h.view(handle);
    expect(late.escalation).toEqual(expect.objectContaining({ level: 'province', unit: '01.511', clock: 'answer' }));
    const [escalated] = await h.notified('escalated');
    expect(escalated).toEqual(expect.objectContaining({ to: ['supervisors'], unit: expect.objectContaining({ code: '01.511.01.11', commune: '01.511.01.01' }) }));
    expect(escalated?.vars.escalation).toEqual(expect.objectContaining({ level: 'province', unit: '01.511' }));

    const governorServices: Actor = { id: 'dcl-tanger', roles: ['supervisor', 'governor_services'], unit: '01.511' };
    for (const outsider of [{ ...governorServices, id: 'dcl-alhaouz', unit: '07.041' }, { ...governorServices, id: 'commune', unit: '01.511.01.01' }]) {
      expect([outsider.id, (await h.rejection(handle, { action: 'escalation.take_over', actor: outsider })).type]).toEqual([outsider.id, RejectionType.forbidden]);
    }
    await h.act(handle, { action: 'escalation.take_over', actor: governorServices, comment: 'Les services du gouverneur répondent' });
    const answered = await h.act(handle, { action: 'answer', actor: governorServices, input: { answer: "L'éclairage sera rétabli." } });
    expect(answered).toEqual(expect.objectContaining({ state: 'answered', outcome: 'answered', status: 'closed' }));
    await handle.result();
  });

  it.each(['observation', 'suggestion'])('should study an %s without a deadline: no clock, no escalation', async (kind) => {
    const handle = await h.file(casablanca('2027-04-05', 10), { ...DATA, kind });
    const filed = await h.view(handle);
    expect(filed.state).toBe('study');
    expect(filed.tasks).toEqual([expect.objectContaining({ role: 'complaints_officer', state: 'study' })]);
    expect(filed.clocks.map((c) => c.status)).toEqual(['pending']);
    expect(h.recorded.services.map((s) => s.service)).toEqual(['flag:kind=reclamation']);
    // Well past 60 days and every escalation interval: still studied, never escalated.
    await h.skipTo(casablanca('2027-08-02', 10));
    const later = await h.view(handle);
    expect(later).toEqual(expect.objectContaining({ state: 'study', status: 'open' }));
    expect(later.escalation).toBeUndefined();
    expect((await h.rejection(handle, { action: 'take_into_account', actor: officer, input: {} })).message).toBe('action "take_into_account": follow_up is required');
    const closed = await h.act(handle, { action: 'take_into_account', actor: officer, input: { follow_up: 'Transmise au service des espaces verts' } });
    expect(closed).toEqual(expect.objectContaining({ state: 'taken_into_account', outcome: 'closed', status: 'closed' }));
    await handle.result();
  });

  it('should start the 60 days when an observation is requalified as a complaint', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), { ...DATA, kind: 'observation' });
    await h.skipTo(casablanca('2027-04-07', 10));
    const complaint = await h.act(handle, { action: 'requalify_as_complaint', actor: officer, comment: 'Un préjudice est invoqué' });
    // Requalified Wednesday 7 April: 60 calendar days end with Sunday 6 June.
    expect(complaint.state).toBe('review');
    expect(clockOf(complaint, 'answer')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-06-06' }));
    await handle.terminate('test over');
  });
});
