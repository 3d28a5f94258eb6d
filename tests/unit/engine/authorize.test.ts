/**
 * `checkAction`, the Update validator's rule, as a table: every actor (role x scope) against every
 * case state and every kind of action, then the units a supervisor action may name.
 */
import { checkAction, CURRENT_RULES, parseBuiltinAction } from '../../../workflows/authorize';
import type { CaseState } from '../../../workflows/case-state';
import { RejectionType, type ActRequest, type Actor, type UnitChain } from '../../../workflows/messages';
import { APPLICANT, COMMUNE, caseInput, compileYaml, SIMPLE } from '../../support/procedures';

const input = caseInput(compileYaml(SIMPLE), { data: { subject: 'garage' } });
const AT = '2027-01-04T09:00:00.000Z';
const DUE = '2027-01-20T23:00:00.000Z';

const ACTORS = {
  applicant: { id: APPLICANT.id, roles: ['applicant'] },
  otherApplicant: { id: 'citizen-2', roles: ['applicant'] },
  agent: { id: 'agent-1', roles: ['agent', 'reviewer'], unit: COMMUNE.code },
  colleague: { id: 'agent-2', roles: ['agent', 'reviewer'], unit: COMMUNE.code },
  clerk: { id: 'clerk', roles: ['agent'], unit: COMMUNE.code },
  agentOtherUnit: { id: 'agent-assilah', roles: ['agent', 'reviewer'], unit: '01.511.01.02' },
  agentOtherRegion: { id: 'agent-rabat', roles: ['agent', 'reviewer'], unit: '04.141.01.01' },
  supProvince: { id: 'sup-511', roles: ['supervisor'], unit: '01.511' },
  supOtherProvince: { id: 'sup-521', roles: ['supervisor'], unit: '01.521' },
  supRegion: { id: 'sup-01', roles: ['supervisor'], unit: '01' },
  supOtherRegion: { id: 'sup-04', roles: ['supervisor'], unit: '04' },
  admin: { id: 'admin', roles: ['admin'] },
} satisfies Record<string, Actor>;
type ActorName = keyof typeof ACTORS;

const review = (over: Partial<CaseState> = {}): CaseState => ({
  state: 'review',
  status: 'open',
  filedAt: AT,
  sequence: 5,
  clocks: { decision: { status: 'running', dueAt: DUE, extensions: 0, reminders: [] } },
  task: { state: 'review', role: 'reviewer', level: 'unit', unit: COMMUNE.code, openedAt: AT },
  applied: {},
  appliedOrder: [],
  ...over,
});
const late = { decision: { status: 'expired' as const, dueAt: DUE, extensions: 0, reminders: [], expiredAt: DUE } };
const STATES = {
  open: review(),
  claimed: review({ task: { state: 'review', role: 'reviewer', level: 'unit', unit: COMMUNE.code, openedAt: AT, assignee: 'agent-1' } }),
  escalatedProvince: review({ clocks: late, escalation: { step: 0, level: 'province', unit: '01.511', at: DUE, clock: 'decision' } }),
  escalatedRegion: review({ clocks: late, escalation: { step: 1, level: 'region', unit: '01', at: DUE, clock: 'decision' } }),
  waiting: review({ state: 'waiting_documents', task: undefined, clocks: { decision: { status: 'suspended', extensions: 0, reminders: [], suspensions: 1 } } }),
  closed: review({ state: 'approved', status: 'closed', task: undefined }),
} satisfies Record<string, CaseState>;
type StateName = keyof typeof STATES;

const chain = (code: string): UnitChain => {
  const [region, province] = [code.slice(0, 2), code.length > 2 ? code.slice(0, 6) : undefined];
  return { code, ...(province && province !== code ? { province } : {}), ...(region !== code ? { region } : {}), ministry: 'DGCT' };
};
const ACTIONS = {
  approve: { action: 'approve' },
  provide: { action: 'provide' },
  claim: { action: 'task.claim' },
  release: { action: 'task.release' },
  takeOver: { action: 'escalation.take_over' },
  reassign: { action: 'escalation.reassign', input: { unit: '01.511.01.02' }, comment: 'workload', units: { unit: chain('01.511.01.02') } },
  decide: { action: 'escalation.decide', input: { state: 'approved' }, comment: 'late' },
} satisfies Record<string, Omit<ActRequest, 'actor'>>;
type ActionName = keyof typeof ACTIONS;

/** Who may take the action in that state; everyone else gets `others` (or their own rejection in `except`). */
interface Rule {
  allowed: ActorName[];
  others: RejectionType;
  except?: Partial<Record<ActorName, RejectionType>>;
}
const F = RejectionType.forbidden;
const S = RejectionType.notAllowedInState;
const nobody = (type: RejectionType): Rule => ({ allowed: [], others: type });
const supervisors = (...allowed: ActorName[]): Rule => ({ allowed, others: F });

const SPEC: Record<StateName, Record<ActionName, Rule>> = {
  open: {
    approve: { allowed: ['agent', 'colleague'], others: F },
    provide: nobody(S),
    claim: { allowed: ['agent', 'colleague'], others: F },
    release: nobody(S),
    takeOver: nobody(S),
    reassign: nobody(S),
    decide: nobody(S),
  },
  claimed: {
    // A claimed task is its assignee's.
    approve: { allowed: ['agent'], others: F },
    provide: nobody(S),
    claim: { allowed: [], others: F, except: { agent: S, colleague: S } },
    release: { allowed: ['agent'], others: F },
    takeOver: nobody(S),
    reassign: nobody(S),
    decide: nobody(S),
  },
  escalatedProvince: {
    approve: { allowed: ['agent', 'colleague'], others: F },
    provide: nobody(S),
    claim: { allowed: ['agent', 'colleague'], others: F },
    release: nobody(S),
    takeOver: supervisors('supProvince'),
    reassign: supervisors('supProvince'),
    decide: supervisors('supProvince'),
  },
  escalatedRegion: {
    approve: { allowed: ['agent', 'colleague'], others: F },
    provide: nobody(S),
    claim: { allowed: ['agent', 'colleague'], others: F },
    release: nobody(S),
    takeOver: supervisors('supProvince', 'supRegion'),
    reassign: supervisors('supProvince', 'supRegion'),
    decide: supervisors('supProvince', 'supRegion'),
  },
  waiting: {
    approve: nobody(S),
    provide: { allowed: ['applicant'], others: F },
    claim: nobody(S),
    release: nobody(S),
    takeOver: nobody(S),
    reassign: nobody(S),
    decide: nobody(S),
  },
  closed: Object.fromEntries(Object.keys(ACTIONS).map((a) => [a, nobody(RejectionType.closed)])) as Record<ActionName, Rule>,
};

const rows: [StateName, ActionName, ActorName, RejectionType | undefined][] = [];
for (const [state, actions] of Object.entries(SPEC) as [StateName, Record<ActionName, Rule>][]) {
  for (const [action, rule] of Object.entries(actions) as [ActionName, Rule][]) {
    for (const actor of Object.keys(ACTORS) as ActorName[]) {
      rows.push([state, action, actor, rule.allowed.includes(actor) ? undefined : (rule.except?.[actor] ?? rule.others)]);
    }
  }
}

describe('checkAction: role x scope x state x action', () => {
  it('should cover every state, action and actor', () => {
    expect(rows).toHaveLength(Object.keys(STATES).length * Object.keys(ACTIONS).length * Object.keys(ACTORS).length);
  });

  it.each(rows)('in state %s, %s by %s: %s', (state, action, actor, expected) => {
    const rejection = checkAction(input, STATES[state], { ...ACTIONS[action], actor: ACTORS[actor] });
    expect(rejection?.type).toBe(expected);
  });
});

describe('checkAction: the units a supervisor action names', () => {
  const reassign = (actor: ActorName, unit: string, units?: Record<string, UnitChain>): ActRequest => ({
    action: 'escalation.reassign',
    actor: ACTORS[actor],
    input: { unit },
    comment: 'workload',
    ...(units ? { units } : {}),
  });
  // [escalation, supervisor, named unit, how the API resolved it, expected]
  const table: [StateName, ActorName, string, UnitChain | undefined, RejectionType | undefined][] = [
    ['escalatedProvince', 'supProvince', '01.511.01.01', chain('01.511.01.01'), undefined],
    ['escalatedProvince', 'supProvince', '01.511.01.02', chain('01.511.01.02'), undefined],
    ['escalatedProvince', 'supProvince', '01.511', chain('01.511'), undefined],
    ['escalatedProvince', 'supProvince', '01.521.01.01', chain('01.521.01.01'), F],
    ['escalatedProvince', 'supProvince', '01', chain('01'), F],
    ['escalatedProvince', 'supProvince', '04.141.01.01', chain('04.141.01.01'), F],
    ['escalatedProvince', 'supProvince', '99.999', undefined, RejectionType.invalidInput],
    // Resolved to another unit than the one named (a client cannot smuggle a chain in).
    ['escalatedProvince', 'supProvince', '04.141.01.01', chain('01.511.01.02'), RejectionType.invalidInput],
    ['escalatedRegion', 'supRegion', '01.521.01.01', chain('01.521.01.01'), undefined],
    ['escalatedRegion', 'supRegion', '04.141.01.01', chain('04.141.01.01'), F],
    ['escalatedRegion', 'supProvince', '01.521.01.01', chain('01.521.01.01'), F],
  ];
  it.each(table)('in %s, %s naming %s (resolved %j): %s', (state, actor, unit, resolved, expected) => {
    const rejection = checkAction(input, STATES[state], reassign(actor, unit, resolved ? { unit: resolved } : undefined));
    expect(rejection?.type).toBe(expected);
    if (expected === RejectionType.invalidInput) expect(rejection?.errors).toEqual([expect.objectContaining({ path: 'unit' })]);
  });

  it('should keep the rules older runs were checked by (they replay with them)', () => {
    const old = { ...CURRENT_RULES, scopedUnits: false, claims: false, suspensionLimit: false };
    expect(checkAction(input, STATES.escalatedProvince, reassign('supProvince', '04.141.01.01'), old)).toBeUndefined();
    expect(checkAction(input, STATES.claimed, { action: 'approve', actor: ACTORS.colleague }, old)).toBeUndefined();
  });
});

describe('checkAction: suspensions of a clock', () => {
  const once = caseInput(compileYaml(SIMPLE.replace('suspensions: { max: 10 }', 'suspensions: { max: 1 }')));
  const used = (n: number) => review({ clocks: { decision: { status: 'running', dueAt: DUE, extensions: 0, reminders: [], suspensions: n } } });
  it.each([
    [0, undefined],
    [1, S],
    [3, S],
  ])('should answer a documents request after %i suspension(s) with %s', (n, expected) => {
    expect(checkAction(once, used(n), { action: 'ask_documents', actor: ACTORS.agent })?.type).toBe(expected);
  });
  it('should let a case without the limit ask again', () => {
    expect(checkAction(once, used(3), { action: 'ask_documents', actor: ACTORS.agent }, { ...CURRENT_RULES, suspensionLimit: false })).toBeUndefined();
  });
});

describe('checkAction: names that are properties of every object', () => {
  // Every name Object.prototype answers to, and `__proto__`: none is an action, a clock or a state.
  const inherited = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__'])];

  it.each(inherited.flatMap((name) => (['open', 'waiting', 'escalatedProvince'] as StateName[]).map((state): [string, StateName] => [name, state])))(
    'should answer action "%s" in state %s as not available',
    (name, state) => {
      for (const actor of Object.values(ACTORS)) {
        const rejection = checkAction(input, STATES[state], { action: name, actor, comment: 'why' });
        expect(rejection).toEqual({ type: S, message: expect.stringContaining(`action "${name}" is not available in state "${STATES[state].state}"`) });
      }
    },
  );

  it.each(inherited)('should answer an extension of clock "%s" as no such clock', (name) => {
    const rejection = checkAction(input, STATES.escalatedProvince, { action: 'escalation.extend', input: { clock: name }, comment: 'late', actor: ACTORS.supProvince });
    expect(rejection).toEqual({ type: S, message: `no clock "${name}" on this case` });
  });

  it.each(inherited)('should refuse a decision into state "%s"', (name) => {
    const rejection = checkAction(input, STATES.escalatedProvince, { action: 'escalation.decide', input: { state: name }, comment: 'late', actor: ACTORS.supProvince });
    expect(rejection?.type).toBe(RejectionType.invalidInput);
    expect(rejection?.errors).toEqual([expect.objectContaining({ path: 'state' })]);
  });

  it.each(inherited)('should answer task and supervisor actions suffixed "%s" as unknown', (name) => {
    expect(checkAction(input, STATES.open, { action: `task.${name}`, actor: ACTORS.agent })?.type).toBe(S);
    expect(checkAction(input, STATES.escalatedProvince, { action: `escalation.${name}`, actor: ACTORS.supProvince })?.type).toBe(S);
  });
});

describe('parseBuiltinAction', () => {
  it.each([null, 0, 1, true, false, '', [], {}, ['01.511']])('should name the field of a reassignment to unit %j', (unit) => {
    expect(parseBuiltinAction({ action: 'escalation.reassign', input: { unit } })).toEqual({
      ok: false,
      kind: 'reassign',
      errors: [{ path: 'unit', message: 'expected a unit code' }],
    });
    expect(parseBuiltinAction({ action: 'escalation.reassign', input: { assignee: unit } })).toEqual({
      ok: false,
      kind: 'reassign',
      errors: [{ path: 'assignee', message: 'expected a member id' }],
    });
  });

  it('should read a reassignment, an extension and a decision into commands', () => {
    expect(parseBuiltinAction({ action: 'escalation.reassign', input: { unit: '01.511.01.02' } })).toEqual({ ok: true, command: { kind: 'reassign', unit: '01.511.01.02' } });
    expect(parseBuiltinAction({ action: 'escalation.reassign', input: {} })).toEqual({ ok: false, kind: 'reassign', errors: [{ path: '', message: 'give a unit, an assignee, or both' }] });
    expect(parseBuiltinAction({ action: 'escalation.extend', input: { clock: 7 } })).toEqual({ ok: true, command: { kind: 'extend' } });
    expect(parseBuiltinAction({ action: 'escalation.decide', input: { state: 'approved' } })).toEqual({ ok: true, command: { kind: 'decide', state: 'approved' } });
    expect(parseBuiltinAction({ action: 'escalation.decide' })).toMatchObject({ ok: false, kind: 'decide' });
    expect(parseBuiltinAction({ action: 'approve' })).toBeUndefined();
  });
});
