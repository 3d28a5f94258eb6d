/**
 * Every shipped template states the date of the clock it names, and no other (issue 12.3):
 *
 * | template              | date shown      | computed from                                              |
 * |-----------------------|-----------------|------------------------------------------------------------|
 * | receipt               | dueDate         | the running clock at filing (the legal answer deadline)    |
 * | task-assigned         | dueDate         | the running clock; none when no clock runs                 |
 * | clock-reminder        | dueDate         | the clock the reminder belongs to                          |
 * | clock-extended        | dueDate         | the extended clock's new due date (and the previous one)   |
 * | deadline-moved        | dueDate         | the recomputed clock's new due date (and the previous one) |
 * | information-requested | answerBy        | the waiting state's timeout: the APPLICANT's deadline      |
 * | escalation            | dueDate         | the clock whose expiry escalated                           |
 * | tacit-approval        | dueDate         | the clock whose expiry decided                             |
 * | decision, case-closed | none            | (a decision states what was decided, not a deadline)       |
 * | undeliverable         | none            |                                                            |
 *
 * The messages are built by the workflow's pure planner (`notifyRequest`) from a case state, then
 * rendered as the activity renders them.
 */
import { buildContext } from '../../../activities/notifications/context';
import { createRenderer } from '../../../activities/notifications/render';
import type { NotificationEvent } from '../../../definitions/schema';
import { actionVars, messagesFor, notifyRequest } from '../../../workflows/case-notifications';
import type { CaseState, ClockRuntime } from '../../../workflows/case-state';
import type { CaseInput } from '../../../workflows/messages';
import { caseInput, escalatingAccessProcedure, shippedProcedure } from '../../support/procedures';

const renderer = createRenderer();
const procedure = shippedProcedure('permis-construire');
const input = caseInput(procedure);

// Distinct dates, so a message showing the wrong one is caught: the administration's deadline,
// the applicant's deadline, a previous due date.
const DECISION_DUE = { dueAt: '2027-04-22T22:59:59.999Z', dueDate: '2027-04-22' };
const ANSWER_BY = '2027-03-24T23:59:59.999Z';
const PREVIOUS_DUE = '2027-04-08T22:59:59.999Z';

function state(over: Partial<CaseState> & { clock?: Partial<ClockRuntime> }): CaseState {
  const { clock, ...rest } = over;
  return {
    state: 'commission_review',
    status: 'open',
    filedAt: '2027-02-22T09:00:00Z',
    sequence: 5,
    clocks: { decision: { status: 'running', extensions: 0, reminders: [], ...DECISION_DUE, ...clock } },
    task: { state: 'commission_review', role: 'commission_member', level: 'unit', unit: input.unit.code, openedAt: '2027-02-22T09:00:00Z' },
    applied: {},
    appliedOrder: [],
    ...rest,
  };
}

/** Renders every message the procedure sends on `event` in state `s`, in French, as text. */
function texts(s: CaseState, event: NotificationEvent, extra: Record<string, unknown> = {}, on: CaseInput = input): Record<string, string> {
  const out: Record<string, string> = {};
  for (const message of messagesFor(on, s, event)) {
    const request = notifyRequest(on, s, message, extra);
    out[message.template] = renderer.render(message.template, 'fr', buildContext(request, { name: 'Amina' })).text;
  }
  return out;
}

const FR = (date: string) => new Intl.DateTimeFormat('fr-MA', { dateStyle: 'long', timeZone: 'Africa/Casablanca' }).format(new Date(date));

describe('the date each template states', () => {
  it('should give the receipt the legal deadline of the running clock', () => {
    expect(texts(state({}), 'case_filed').receipt).toContain(`Date limite légale de réponse : ${FR(DECISION_DUE.dueAt)}`);
  });

  it('should give a new task the running clock, and no date when no clock runs', () => {
    expect(texts(state({}), 'task_assigned')['task-assigned']).toContain(`À traiter avant le : ${FR(DECISION_DUE.dueAt)}`);
    const suspended = texts(state({ clock: { status: 'suspended' } }), 'task_assigned')['task-assigned'];
    expect(suspended).not.toContain('À traiter avant le');
  });

  it('should give a reminder the due date of its clock', () => {
    expect(texts(state({}), 'clock_reminder', { clock: 'decision' })['clock-reminder']).toContain(`Date limite : ${FR(DECISION_DUE.dueAt)}`);
  });

  it('should give an extension and a recompute the new due date and the previous one', () => {
    const extended = texts(state({ clock: { extensions: 1 } }), 'clock_extended', { clock: 'decision', previousDueAt: PREVIOUS_DUE })['clock-extended'];
    expect(extended).toContain(`Ancienne date limite : ${FR(PREVIOUS_DUE)}\nNouvelle date limite : ${FR(DECISION_DUE.dueAt)}`);
    const moved = texts(state({}), 'deadline_moved', { clock: 'decision', previousDueAt: PREVIOUS_DUE })['deadline-moved'];
    expect(moved).toContain(`Ancienne date limite : ${FR(PREVIOUS_DUE)}\nNouvelle date limite : ${FR(DECISION_DUE.dueAt)}`);
  });

  it("should tell the applicant asked for documents the waiting state's timeout, never the administration's deadline", () => {
    const waiting = state({ state: 'awaiting_documents', task: undefined, waitingUntil: ANSWER_BY, clock: { status: 'suspended' } });
    const text = texts(waiting, 'information_requested')['information-requested'] as string;
    expect(text).toContain(`Merci de répondre au plus tard le ${FR(ANSWER_BY)}.`);
    expect(text).toContain("Le délai de l'administration (Délai de décision) est suspendu");
    expect(text).not.toContain(FR(DECISION_DUE.dueAt));
  });

  it('should give an escalation the due date of the clock that expired', () => {
    // The building permit decides on silence; a procedure whose clock escalates: acces-information v1.
    const escalating = caseInput(escalatingAccessProcedure());
    const escalated = state({
      state: 'review',
      clocks: { answer: { status: 'expired', extensions: 0, reminders: [], ...DECISION_DUE, expiredAt: '2027-04-23T00:00:00Z' } },
      task: { state: 'review', role: 'information_officer', level: 'unit', unit: escalating.unit.code, openedAt: '2027-02-22T09:00:00Z' },
      escalation: { step: 0, level: 'province', unit: '01.511', at: '2027-04-23T00:00:00Z', clock: 'answer' },
    });
    expect(texts(escalated, 'escalated', { clock: 'answer' }, escalating).escalation).toContain(`est dépassé depuis le ${FR(DECISION_DUE.dueAt)}`);
  });

  it('should give a tacit approval the due date of the clock whose expiry decided', () => {
    const decided = state({ state: 'tacit_approval', outcome: 'tacitly_approved', clock: { status: 'expired', expiredAt: '2027-04-23T00:00:00Z' } });
    expect(texts(decided, 'decided')['tacit-approval']).toContain(`dans le délai légal expiré le ${FR(DECISION_DUE.dueAt)}`);
  });

  it('should state no date in a decision', () => {
    const refused = state({ state: 'refused', outcome: 'refused', task: undefined, clock: { status: 'stopped' } });
    const text = texts(refused, 'decided').decision as string;
    expect(text).toContain('Décision : défavorable');
    expect(text).not.toMatch(/\d{1,2} \p{L}+ \d{4}/u);
  });
});

describe('what a decision says', () => {
  const access = shippedProcedure('acces-information');
  const accessInput = caseInput(access);

  it('should state every filled input of the deciding action in words, in the language of the recipient', () => {
    const s = { ...state({}), state: 'refused', outcome: 'refused' as const };
    const extra = actionVars(accessInput, 'review', { action: 'refuse', actor: { id: 'a', roles: ['information_officer'] }, input: { ground: 'article_7_exception' } });
    const [message] = messagesFor(accessInput, s, 'decided');
    const request = notifyRequest(accessInput, s, message as NonNullable<typeof message>, extra);
    const fr = renderer.render('decision', 'fr', buildContext(request, { name: 'Amina' })).text;
    const ar = renderer.render('decision', 'ar', buildContext(request, { name: 'أمينة' })).text;
    expect(fr).toContain("Motif du refus : Exception de l'article 7");
    expect(ar).toContain('سبب الرفض: أحد الاستثناءات المنصوص عليها في المادة 7');
  });

  it('should leave out inputs the action does not declare, and empty ones', () => {
    const extra = actionVars(accessInput, 'review', {
      action: 'refuse',
      actor: { id: 'a', roles: ['information_officer'] },
      input: { ground: '', smuggled: 'x' },
    });
    expect(extra.inputs).toEqual([]);
  });

  it('should link to the case under the configured public URL', () => {
    const s = { ...state({}), state: 'refused', outcome: 'refused' as const };
    const [message] = messagesFor(accessInput, s, 'decided');
    const request = notifyRequest(accessInput, s, message as NonNullable<typeof message>, {});
    const text = renderer.render('decision', 'fr', buildContext(request, { name: 'Amina' }, { publicUrl: 'https://masar.example.ma/' })).text;
    expect(text).toContain(`https://masar.example.ma/api/v1/cases/${accessInput.caseId}`);
    expect(text).not.toContain('127.0.0.1');
  });
});
