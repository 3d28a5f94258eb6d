import { availableActions } from '../../../usecases/available-actions';
import type { Principal } from '../../../usecases/principal';
import { buildView, type CaseState } from '../../../workflows/case-state';
import { APPLICANT, COMMUNE, caseInput, compileYaml, SIMPLE } from '../../support/procedures';

const input = caseInput(compileYaml(SIMPLE.replace('    kind: waiting\n', '    kind: waiting\n    timeout: { after: 15 days, to: refused }\n')));
const AT = '2027-01-04T09:00:00.000Z';
const state = (over: Partial<CaseState>): CaseState => ({
  state: 'review',
  status: 'open',
  filedAt: AT,
  sequence: 3,
  clocks: { decision: { status: 'running', dueAt: '2027-01-20T23:00:00.000Z', extensions: 0, reminders: [] } },
  task: { state: 'review', role: 'reviewer', level: 'unit', unit: COMMUNE.code, openedAt: AT },
  applied: {},
  appliedOrder: [],
  ...over,
});
const who = (sub: string, roles: string[], unit?: string): Principal => ({ sub, roles, lang: 'fr', ...(unit ? { unit } : {}) });
const names = (s: CaseState, p: Principal) => availableActions(buildView(input, s), input.procedure, p, APPLICANT.id).map((a) => a.action);

describe('availableActions', () => {
  it('should tell an applicant the case waits for what is asked and by when', () => {
    const waiting = state({ state: 'waiting_documents', task: undefined, waitingUntil: '2027-01-19T23:00:00.000Z' });
    const offered = availableActions(buildView(input, waiting), input.procedure, who(APPLICANT.id, ['applicant']), APPLICANT.id);
    expect(offered).toEqual([expect.objectContaining({ action: 'provide', kind: 'procedure', dueAt: '2027-01-19T23:00:00.000Z', label: expect.objectContaining({ fr: 'Fournir' }) })]);
    expect(buildView(input, waiting).waitingUntil).toBe('2027-01-19T23:00:00.000Z');
    expect(names(waiting, who('citizen-2', ['applicant']))).toEqual([]);
  });

  it('should offer claim to the unit reviewers, and the task to its assignee only once claimed', () => {
    const agent = who('agent-1', ['agent', 'reviewer'], COMMUNE.code);
    const colleague = who('agent-2', ['agent', 'reviewer'], COMMUNE.code);
    expect(names(state({}), agent)).toEqual(['approve', 'refuse', 'ask_documents', 'task.claim']);
    const claimed = state({ task: { state: 'review', role: 'reviewer', level: 'unit', unit: COMMUNE.code, openedAt: AT, assignee: 'agent-1' } });
    expect(names(claimed, agent)).toEqual(['approve', 'refuse', 'ask_documents', 'task.release']);
    expect(names(claimed, colleague)).toEqual([]);
  });

  it('should offer supervisor actions to the supervisors of the levels reached, and nothing once closed', () => {
    const escalated = state({
      clocks: { decision: { status: 'expired', dueAt: '2027-01-20T23:00:00.000Z', extensions: 0, reminders: [] } },
      escalation: { step: 1, level: 'region', unit: COMMUNE.region, at: AT, clock: 'decision' },
    });
    for (const unit of [COMMUNE.province, COMMUNE.region]) {
      expect(names(escalated, who(`sup-${unit}`, ['supervisor'], unit))).toEqual(['escalation.take_over', 'escalation.reassign', 'escalation.decide']);
    }
    expect(names(escalated, who('sup-521', ['supervisor'], '01.521'))).toEqual([]);
    expect(names(state({ status: 'closed', state: 'approved', task: undefined }), who('agent-1', ['agent', 'reviewer'], COMMUNE.code))).toEqual([]);
  });
});
