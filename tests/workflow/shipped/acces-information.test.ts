/**
 * acces-information v2 (law 31-13): urgency asked at filing, requalification, partial refusal, the
 * implicit refusal on silence and the recourse route (head of the body, then the CDAI), withdrawal
 * and abandonment. The escalation of v1 is covered by legal-time.test.ts on its fixture.
 */
import { RejectionType } from '../../../workflows/messages';
import { casablanca } from '../../support/time';
import { agent, applicant, clockOf, docId, shippedHarness } from './harness';

const h = shippedHarness('acces-information');
const officer = agent('information_officer');
const president = agent('commune_president');
const DATA = { subject: 'Budget 2026 de la commune', format: 'electronic' };
const REFUSAL = { ground: 'article_7_exception', details: 'Données personnelles de tiers (art. 7)' };

/** One minute past a clock's due instant. */
const justAfter = (dueAt: string | undefined): Date => new Date(Date.parse(dueAt ?? '') + 60_000);

describe('acces-information: urgency', () => {
  it('should start the 3-day urgent clock at filing when the applicant asks for urgency', async () => {
    // Filed Monday 5 April 2027 at 10:00: 3 calendar days end with Thursday 8 April.
    const handle = await h.file(casablanca('2027-04-05', 10), { ...DATA, urgent: true });
    const view = await h.view(handle);
    expect(view.state).toBe('urgent_review');
    expect(view.tasks).toEqual([expect.objectContaining({ role: 'information_officer', state: 'urgent_review' })]);
    expect(clockOf(view, 'urgent_answer')).toEqual(expect.objectContaining({ status: 'running', dueDate: '2027-04-08' }));
    // The ordinary deadline runs from the receipt too, as the outer bound.
    expect(clockOf(view, 'answer')?.status).toBe('running');
    expect(h.recorded.services.map((s) => s.service)).toEqual(['flag:urgent']);
    await handle.terminate('test over');
  });

  it('should decide an implicit refusal when the urgent clock expires unanswered', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), { ...DATA, urgent: true });
    await h.skipTo(casablanca('2027-04-08', 23, 30));
    expect((await h.view(handle)).state).toBe('urgent_review');
    await h.skipTo(casablanca('2027-04-09', 9));
    const silent = await h.view(handle);
    expect(silent).toEqual(expect.objectContaining({ state: 'implicit_refusal', outcome: 'tacitly_refused', status: 'open' }));
    expect(clockOf(silent, 'urgent_answer')?.status).toBe('expired');
    expect(h.journal().find((j) => j.kind === 'clock.expired')).toEqual(expect.objectContaining({ fromState: 'urgent_review', toState: 'implicit_refusal' }));
    await handle.terminate('test over');
  });

  it('should let the officer requalify an urgent request as ordinary, keeping the deadline counted from receipt', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), { ...DATA, urgent: true });
    const before = clockOf(await h.view(handle), 'answer')?.dueAt;
    expect((await h.rejection(handle, { action: 'requalify', actor: officer })).type).toBe(RejectionType.invalidInput);
    await h.skipTo(casablanca('2027-04-06', 11));
    const ordinary = await h.act(handle, { action: 'requalify', actor: officer, comment: "Ni la vie ni la liberté d'une personne ne sont en jeu" });
    expect(ordinary.state).toBe('review');
    expect(clockOf(ordinary, 'urgent_answer')?.status).toBe('stopped');
    expect(clockOf(ordinary, 'answer')).toEqual(expect.objectContaining({ status: 'running', dueAt: before }));
    // Past the 3 urgent days, nothing is decided: the ordinary clock rules now.
    await h.skipTo(casablanca('2027-04-12', 10));
    expect((await h.view(handle)).state).toBe('review');
    await handle.terminate('test over');
  });

  it.each([
    ['absent', DATA],
    ['false', { ...DATA, urgent: false }],
  ])('should not route a request to urgency when the applicant did not ask (urgent %s)', async (_what, data) => {
    const handle = await h.file(casablanca('2027-04-05', 10), data);
    const view = await h.view(handle);
    expect(view.state).toBe('received');
    expect(clockOf(view, 'urgent_answer')?.status).toBe('pending');
    expect(clockOf(view, 'answer')?.status).toBe('running');
    await handle.terminate('test over');
  });
});

describe('acces-information: decisions and recourse', () => {
  it('should refuse on a legal ground, open 20 working days for a complaint, then make the refusal final', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.act(handle, { action: 'start_review', actor: officer });
    const missing = await h.rejection(handle, { action: 'refuse', actor: officer, input: { details: 'Exception' } });
    expect(missing.type).toBe(RejectionType.invalidInput);
    expect(missing.message).toBe('action "refuse": ground is required');
    expect((await h.rejection(handle, { action: 'refuse', actor: officer, input: { ground: 'no_reason', details: 'x' } })).type).toBe(RejectionType.invalidInput);

    // Refused Tuesday 20 April 2027.
    await h.skipTo(casablanca('2027-04-20', 15));
    const refused = await h.act(handle, { action: 'refuse', actor: officer, input: REFUSAL });
    expect(refused).toEqual(expect.objectContaining({ state: 'refused', outcome: 'refused', status: 'open' }));
    expect(clockOf(refused, 'answer')?.status).toBe('stopped');
    expect(refused.waitingUntil).toBeDefined();
    expect((await h.notified('decided')).map((n) => [n.template, n.vars.outcome])).toEqual([['decision', 'refused']]);
    // Only the applicant complains.
    expect((await h.rejection(handle, { action: 'complain', actor: officer, comment: 'x' })).type).toBe(RejectionType.forbidden);

    await h.skipTo(justAfter(refused.waitingUntil));
    const final = await h.view(handle);
    expect(final).toEqual(expect.objectContaining({ state: 'refusal_final', outcome: 'refused', status: 'closed' }));
    await handle.result();
  });

  it('should communicate in part with a reasoned refusal for the rest (partial refusal)', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.act(handle, { action: 'start_review', actor: officer });
    const noDocument = await h.rejection(handle, { action: 'answer_partially', actor: officer, input: REFUSAL });
    expect(noDocument.message).toBe('action "answer_partially": document is required');
    const partial = await h.act(handle, { action: 'answer_partially', actor: officer, input: { document: docId('budget-extrait'), ...REFUSAL } });
    expect(partial).toEqual(expect.objectContaining({ state: 'partially_refused', outcome: 'partially_refused', status: 'open' }));
    await h.skipTo(justAfter(partial.waitingUntil));
    expect(await h.view(handle)).toEqual(expect.objectContaining({ state: 'partially_answered', outcome: 'partially_refused', status: 'closed' }));
    await handle.result();
  });

  it('should decide an implicit refusal on silence, then take the complaint to the head and, unanswered, to the CDAI', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.act(handle, { action: 'start_review', actor: officer });
    const due = clockOf(await h.view(handle), 'answer')?.dueAt;
    await h.skipTo(new Date(Date.parse(due ?? '') - 60_000));
    expect((await h.view(handle)).state).toBe('review');

    await h.skipTo(justAfter(due));
    const silent = await h.view(handle);
    expect(silent).toEqual(expect.objectContaining({ state: 'implicit_refusal', outcome: 'tacitly_refused', status: 'open' }));
    expect(silent.escalation).toBeUndefined();
    // The officer can no longer answer in the implicit refusal: the applicant holds the next step.
    expect((await h.rejection(handle, { action: 'answer', actor: officer })).type).toBe(RejectionType.notAllowedInState);

    const complained = await h.act(handle, { action: 'complain', actor: applicant, comment: "Aucune réponse dans le délai légal" });
    expect(complained.state).toBe('head_review');
    expect(complained.tasks).toEqual([expect.objectContaining({ role: 'commune_president' })]);
    expect((await h.rejection(handle, { action: 'order_disclosure', actor: officer })).type).toBe(RejectionType.forbidden);
    const headDue = clockOf(complained, 'head_answer')?.dueAt;

    await h.skipTo(justAfter(headDue));
    const unanswered = await h.view(handle);
    expect(unanswered).toEqual(expect.objectContaining({ state: 'complaint_unanswered', outcome: 'tacitly_refused', status: 'open' }));

    const cdai = await h.act(handle, { action: 'refer_to_cdai', actor: applicant, comment: 'Plainte à la Commission' });
    expect(cdai.state).toBe('cdai_review');
    const noReference = await h.rejection(handle, { action: 'cdai_orders_disclosure', actor: officer });
    expect(noReference.type).toBe(RejectionType.invalidInput);
    const ordered = await h.act(handle, { action: 'cdai_orders_disclosure', actor: officer, input: { decision_reference: 'CDAI-2027-118' } });
    expect(ordered.state).toBe('disclosure_ordered');
    const answered = await h.act(handle, { action: 'answer', actor: officer, input: { document: docId('budget-2026') } });
    expect(answered).toEqual(expect.objectContaining({ state: 'answered', outcome: 'answered', status: 'closed' }));
    await handle.result();
  });

  it('should let the head reject the complaint, then close the case as refused when the CDAI is not seized in 30 days', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.act(handle, { action: 'start_review', actor: officer });
    await h.act(handle, { action: 'refuse', actor: officer, input: REFUSAL });
    await h.act(handle, { action: 'complain', actor: applicant, comment: "L'exception ne s'applique pas" });
    expect((await h.rejection(handle, { action: 'reject_complaint', actor: president })).type).toBe(RejectionType.invalidInput);
    await h.skipTo(casablanca('2027-04-12', 11));
    const rejected = await h.act(handle, { action: 'reject_complaint', actor: president, comment: 'Exception confirmée' });
    expect(rejected).toEqual(expect.objectContaining({ state: 'complaint_rejected', outcome: 'refused', status: 'open' }));
    // 30 calendar days from Monday 12 April end with Wednesday 12 May, a working day.
    await h.skipTo(casablanca('2027-05-12', 23, 30));
    expect((await h.view(handle)).state).toBe('complaint_rejected');
    await h.skipTo(casablanca('2027-05-13', 9));
    expect(await h.view(handle)).toEqual(expect.objectContaining({ state: 'refusal_final', outcome: 'refused', status: 'closed' }));
    await handle.result();
  });
});

describe('acces-information: clarification', () => {
  it('should suspend the answer clock for one request for clarification only', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.act(handle, { action: 'start_review', actor: officer });
    const waiting = await h.act(handle, { action: 'request_clarification', actor: officer, comment: 'Quel exercice ?' });
    expect(clockOf(waiting, 'answer')?.status).toBe('suspended');
    await h.act(handle, { action: 'clarify', actor: applicant, input: { clarification: 'Exercice 2026' } });
    const again = await h.rejection(handle, { action: 'request_clarification', actor: officer, comment: 'Et le détail ?' });
    expect(again.type).toBe(RejectionType.notAllowedInState);
    expect(again.message).toContain('answer');
    await handle.terminate('test over');
  });

  it('should let the applicant withdraw while asked for clarification, stopping the suspended clock', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.act(handle, { action: 'start_review', actor: officer });
    await h.skipTo(casablanca('2027-04-07', 11));
    const waiting = await h.act(handle, { action: 'request_clarification', actor: officer, comment: 'Quel exercice budgétaire ?' });
    expect(clockOf(waiting, 'answer')?.status).toBe('suspended');
    expect((await h.rejection(handle, { action: 'withdraw', actor: officer })).type).toBe(RejectionType.forbidden);
    await h.skipTo(casablanca('2027-04-12', 9));
    const withdrawn = await h.act(handle, { action: 'withdraw', actor: applicant });
    expect(withdrawn).toEqual(expect.objectContaining({ state: 'withdrawn', outcome: 'withdrawn', status: 'closed' }));
    expect(clockOf(withdrawn, 'answer')?.status).toBe('stopped');
    await handle.result();
  });

  it('should abandon the request 30 calendar days after asking for clarification', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.act(handle, { action: 'start_review', actor: officer });
    await h.skipTo(casablanca('2027-04-06', 11));
    await h.act(handle, { action: 'request_clarification', actor: officer, comment: 'Précisez la période' });
    await h.skipTo(casablanca('2027-05-06', 23, 30));
    expect((await h.view(handle)).state).toBe('awaiting_clarification');
    await h.skipTo(casablanca('2027-05-07', 9));
    const view = await h.view(handle);
    expect(view).toEqual(expect.objectContaining({ state: 'abandoned', outcome: 'abandoned', status: 'closed' }));
    expect(h.journal().find((j) => j.kind === 'waiting.timeout')).toEqual(expect.objectContaining({ fromState: 'awaiting_clarification', toState: 'abandoned' }));
    expect(h.journal().some((j) => j.kind === 'clock.expired')).toBe(false);
    await handle.result();
  });
});
