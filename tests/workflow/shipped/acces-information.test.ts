/**
 * acces-information (law 31-13), the paths legal-time.test.ts does not cover: a refusal on a
 * legal ground, a withdrawal, and abandonment when the applicant never clarifies.
 */
import { RejectionType } from '../../../workflows/messages';
import { casablanca } from '../../support/time';
import { agent, applicant, clockOf, shippedHarness } from './harness';

const h = shippedHarness('acces-information');
const officer = agent('information_officer');
const DATA = { subject: 'Budget 2026 de la commune', format: 'electronic' };

describe('acces-information', () => {
  it('should refuse on a legal ground with its reasons, and reject a refusal without a ground', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.act(handle, { action: 'start_review', actor: officer });

    const missing = await h.rejection(handle, { action: 'refuse', actor: officer, input: { details: 'Exception' } });
    expect(missing.type).toBe(RejectionType.invalidInput);
    expect(missing.message).toBe('action "refuse": ground is required');
    const unknown = await h.rejection(handle, { action: 'refuse', actor: officer, input: { ground: 'no_reason', details: 'x' } });
    expect(unknown.type).toBe(RejectionType.invalidInput);

    await h.skipTo(casablanca('2027-04-20', 15));
    const refused = await h.act(handle, {
      action: 'refuse',
      actor: officer,
      input: { ground: 'article_7_exception', details: 'Données personnelles de tiers (art. 7)' },
    });
    expect(refused).toEqual(expect.objectContaining({ state: 'refused', outcome: 'refused', status: 'closed' }));
    expect(clockOf(refused, 'answer')?.status).toBe('stopped');
    await handle.result();
    const entry = h.journal().find((j) => j.kind === 'refuse');
    expect(entry).toEqual(
      expect.objectContaining({
        fromState: 'review',
        toState: 'refused',
        data: { input: { ground: 'article_7_exception', details: 'Données personnelles de tiers (art. 7)' } },
      }),
    );
    expect(h.recorded.notifications.filter((n) => n.event === 'decided').map((n) => [n.template, n.vars.outcome])).toEqual([['decision', 'refused']]);
  });

  it('should let the applicant withdraw while asked for clarification, stopping the suspended clock', async () => {
    const handle = await h.file(casablanca('2027-04-05', 10), DATA);
    await h.act(handle, { action: 'start_review', actor: officer });
    await h.skipTo(casablanca('2027-04-07', 11));
    const waiting = await h.act(handle, { action: 'request_clarification', actor: officer, comment: 'Quel exercice budgétaire ?' });
    expect(clockOf(waiting, 'answer')?.status).toBe('suspended');
    // Only the applicant may withdraw.
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
    // Asked on Tuesday 6 April: 30 days end with Thursday 6 May.
    await h.skipTo(casablanca('2027-04-06', 11));
    await h.act(handle, { action: 'request_clarification', actor: officer, comment: 'Précisez la période' });

    await h.skipTo(casablanca('2027-05-06', 23, 30));
    expect((await h.view(handle)).state).toBe('awaiting_clarification');

    await h.skipTo(casablanca('2027-05-07', 9));
    const view = await h.view(handle);
    expect(view).toEqual(expect.objectContaining({ state: 'abandoned', outcome: 'abandoned', status: 'closed' }));
    const closedAt = new Date(view.closedAt as string).getTime();
    expect(closedAt).toBeGreaterThanOrEqual(casablanca('2027-05-07', 0).getTime() - 1);
    expect(closedAt).toBeLessThan(casablanca('2027-05-07', 0, 1).getTime());
    expect(h.journal().find((j) => j.kind === 'waiting.timeout')).toEqual(expect.objectContaining({ fromState: 'awaiting_clarification', toState: 'abandoned' }));
    // The answer clock was suspended, never expired: no escalation.
    expect(h.journal().some((j) => j.kind === 'escalated')).toBe(false);
    await handle.result();
  });
});
