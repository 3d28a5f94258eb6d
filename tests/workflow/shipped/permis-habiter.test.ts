/**
 * permis-habiter v2 (law 12-90, decree 2-18-577, decree 2.22.141): the on-site check (or the
 * architect's certificate), then the president's decision, within one month; the applicant can add
 * documents and withdraw; silence is a tacit approval the governor's services attest.
 */
import { localDateOf } from '../../../definitions/local-time';
import { RejectionType } from '../../../workflows/messages';
import { casablanca } from '../../support/time';
import { agent, applicant, clockOf, docId, shippedHarness } from './harness';

const h = shippedHarness('permis-habiter');
const officer = agent('urbanism_officer');
const president = agent('commune_president');
const governorServices = { id: 'gouv-1', roles: ['agent', 'governor_services'], unit: '01.511' };
const DATA = { building_permit: 'PC-2026-0042', completion_date: '2027-03-31', completion_certificate: 'c0c0c0c0-1111-4222-8333-444455556666' };
const local = (iso: unknown): string => localDateOf(new Date(String(iso)), 'Africa/Casablanca');

describe('permis-habiter', () => {
  it('should have the president issue the permit after the on-site check, within the month', async () => {
    // Filed Monday 5 April 2027: P1M ends with Wednesday 5 May.
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    const filed = await h.view(handle);
    expect(filed.tasks).toEqual([expect.objectContaining({ state: 'site_check', role: 'urbanism_officer' })]);
    expect(clockOf(filed, 'decision')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-05-05' }));
    expect((await h.rejection(handle, { action: 'report_compliant', actor: officer })).type).toBe(RejectionType.invalidInput);
    const checked = await h.act(handle, { action: 'report_compliant', actor: officer, input: { report: docId('pv-recolement') } });
    expect(checked.tasks).toEqual([expect.objectContaining({ state: 'president_decision', role: 'commune_president' })]);
    // The officer checks; only the president issues.
    expect((await h.rejection(handle, { action: 'issue', actor: officer })).type).toBe(RejectionType.forbidden);
    await h.skipTo(casablanca('2027-05-05', 17));
    const issued = await h.act(handle, { action: 'issue', actor: president });
    expect(issued).toEqual(expect.objectContaining({ state: 'issued', outcome: 'approved', status: 'closed' }));
    await handle.result();
    // Reminded 7 and 2 days before: end of 28 April and of 3 May.
    expect(h.journal().filter((j) => j.kind === 'clock.reminder').map((j) => local(j.data?.at))).toEqual(['2027-04-28', '2027-05-03']);
  });

  it("should let the president decide on the architect's certificate when the check is not made, with the reason", async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    expect((await h.rejection(handle, { action: 'rely_on_architect_certificate', actor: officer })).type).toBe(RejectionType.invalidInput);
    await h.act(handle, { action: 'rely_on_architect_certificate', actor: officer, comment: 'Visite non effectuée dans le délai' });
    const refused = await h.act(handle, { action: 'refuse', actor: president, comment: 'Surélévation non autorisée' });
    expect(refused).toEqual(expect.objectContaining({ state: 'refused', outcome: 'refused', status: 'closed' }));
    await handle.result();
  });

  it('should let the applicant attach documents to the file and withdraw it', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    expect((await h.rejection(handle, { action: 'add_documents', actor: applicant, input: { attachments: [] } })).type).toBe(RejectionType.invalidInput);
    expect((await h.rejection(handle, { action: 'add_documents', actor: officer, input: { attachments: [docId('x')] } })).type).toBe(RejectionType.forbidden);
    const added = await h.act(handle, { action: 'add_documents', actor: applicant, input: { attachments: [docId('attestation-ingenieur')] } });
    expect(added.state).toBe('site_check');
    // Adding documents does not suspend nor restart the month.
    expect(clockOf(added, 'decision')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-05-05' }));
    expect(h.journal().find((j) => j.kind === 'add_documents')).toEqual(expect.objectContaining({ data: { input: { attachments: [docId('attestation-ingenieur')] } } }));
    await h.act(handle, { action: 'report_compliant', actor: officer, input: { report: docId('pv') } });
    const withdrawn = await h.act(handle, { action: 'withdraw', actor: applicant });
    expect(withdrawn).toEqual(expect.objectContaining({ state: 'withdrawn', outcome: 'withdrawn', status: 'closed' }));
    await handle.result();
  });

  it('should approve tacitly when the month passes in silence, the governor services attesting it', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.skipTo(casablanca('2027-05-05', 23));
    expect((await h.view(handle)).state).toBe('site_check');
    await h.skipTo(casablanca('2027-05-06', 9));
    const tacit = await h.view(handle);
    expect(tacit).toEqual(expect.objectContaining({ state: 'tacit_approval', outcome: 'tacitly_approved', status: 'open' }));
    expect(tacit.tasks).toEqual([expect.objectContaining({ role: 'governor_services', level: 'province', unit: '01.511' })]);
    expect((await h.notified('decided')).map((n) => n.template)).toEqual(['tacit-approval']);
    expect((await h.rejection(handle, { action: 'issue', actor: president })).type).toBe(RejectionType.notAllowedInState);
    const attested = await h.act(handle, { action: 'issue_attestation', actor: governorServices });
    expect(attested).toEqual(expect.objectContaining({ state: 'attestation_issued', outcome: 'tacitly_approved', status: 'closed' }));
    await handle.result();
  });
});
