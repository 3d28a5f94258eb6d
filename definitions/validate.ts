/**
 * Whole-document rules of the procedure language, on a procedure that already passed the zod
 * schema: every name must point at something declared (states, roles, clocks, templates),
 * every state must be reachable and have a way out, clocks must be coherent. Each problem
 * carries the key path it concerns; `load.ts` turns paths into lines and columns.
 */
import type { KeyPath, Problem } from './errors';
import type { Clock, Effect, Procedure, State } from './schema';
import { BUILTIN_ROLES } from './schema';
import { didYouMean, humanList } from './suggest';

/** What the validator needs to know beyond the file itself. */
export interface ValidateOptions {
  /**
   * Names of the shipped notification templates (besides the procedure's own `templates`).
   * When omitted, template names are not checked: callers that deliver mail must pass it.
   */
  knownTemplates?: ReadonlySet<string>;
}

type NonFinal = Exclude<State, { kind: 'final' }>;

const withHint = (problem: Omit<Problem, 'hint'>, hint: string | undefined): Problem =>
  hint ? { ...problem, hint } : problem;

/** States a state can move to by itself or by an actor, with the path that names each target. */
function exits(name: string, state: State, procedure: Procedure): { target: string; path: KeyPath }[] {
  if (state.kind === 'final') return [];
  const out: { target: string; path: KeyPath }[] = [];
  for (const [action, def] of Object.entries(state.actions)) {
    out.push({ target: def.to, path: ['states', name, 'actions', action, 'to'] });
  }
  if (state.kind === 'automatic') {
    for (const [outcome, target] of Object.entries(state.on)) out.push({ target, path: ['states', name, 'on', outcome] });
  }
  if (state.kind === 'waiting' && state.timeout) out.push({ target: state.timeout.to, path: ['states', name, 'timeout', 'to'] });
  for (const [clock, def] of Object.entries(procedure.clocks)) {
    if ('decide' in def.onExpiry && def.runsIn.includes(name)) {
      out.push({ target: def.onExpiry.decide, path: ['clocks', clock, 'onExpiry', 'decide'] });
    }
  }
  return out;
}

function stateReferences(procedure: Procedure): { target: string; path: KeyPath }[] {
  const refs: { target: string; path: KeyPath }[] = [{ target: procedure.initial, path: ['initial'] }];
  for (const [name, state] of Object.entries(procedure.states)) {
    refs.push(...exits(name, state, procedure).filter((e) => e.path[0] === 'states'));
  }
  for (const [clock, def] of Object.entries(procedure.clocks)) {
    if ('decide' in def.onExpiry) refs.push({ target: def.onExpiry.decide, path: ['clocks', clock, 'onExpiry', 'decide'] });
    def.runsIn.forEach((target, i) => refs.push({ target, path: ['clocks', clock, 'runsIn', i] }));
    def.suspendedIn.forEach((target, i) => refs.push({ target, path: ['clocks', clock, 'suspendedIn', i] }));
  }
  procedure.notifications.forEach((rule, i) =>
    (rule.states ?? []).forEach((target, j) => refs.push({ target, path: ['notifications', i, 'states', j] })),
  );
  return refs;
}

function unknownStates(procedure: Procedure): Problem[] {
  const names = Object.keys(procedure.states);
  return stateReferences(procedure)
    .filter(({ target }) => !(target in procedure.states))
    .map(({ target, path }) =>
      withHint({ path, at: 'value', message: `unknown state "${target}"` }, didYouMean(target, names) ?? `declared states: ${names.join(', ')}`),
    );
}

function reachability(procedure: Procedure): Problem[] {
  if (!(procedure.initial in procedure.states)) return [];
  const reached = new Set([procedure.initial]);
  const queue = [procedure.initial];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const state = procedure.states[name];
    if (!state) continue;
    for (const { target } of exits(name, state, procedure)) {
      if (!reached.has(target) && target in procedure.states) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  const problems: Problem[] = [];
  for (const [name, state] of Object.entries(procedure.states)) {
    if (!reached.has(name)) {
      problems.push({
        path: ['states', name],
        at: 'key',
        message: `state "${name}" cannot be reached from the initial state "${procedure.initial}"`,
        hint: 'no action, service outcome, timeout or clock decision leads to it',
      });
    }
    if (state.kind !== 'final' && state.kind !== 'automatic' && exits(name, state, procedure).length === 0) {
      problems.push({
        path: ['states', name],
        at: 'key',
        message: `state "${name}" has no way out`,
        hint:
          state.kind === 'waiting'
            ? 'add an action or a timeout, or make it a final state'
            : 'add an action or a clock that decides on expiry, or make it a final state',
      });
    }
  }
  return problems;
}

function automaticOutcomes(procedure: Procedure): Problem[] {
  const problems: Problem[] = [];
  for (const [name, state] of Object.entries(procedure.states)) {
    if (state.kind !== 'automatic') continue;
    for (const outcome of ['done', 'failed'] as const) {
      if (!(outcome in state.on)) {
        problems.push({
          path: ['states', name, 'on'],
          at: 'key',
          message: `automatic state "${name}" does not say where outcome "${outcome}" leads`,
          hint: `add ${outcome}: <state> under on`,
        });
      }
    }
  }
  return problems;
}

function roles(procedure: Procedure): Problem[] {
  const known = [...BUILTIN_ROLES, ...Object.keys(procedure.roles)];
  const check = (role: string, path: KeyPath): Problem[] =>
    known.includes(role)
      ? []
      : [
          withHint(
            { path, at: 'value', message: `undeclared role "${role}"` },
            didYouMean(role, known) ?? `declare it under roles, or use ${humanList(known)}`,
          ),
        ];
  const problems: Problem[] = [];
  for (const [name, state] of Object.entries(procedure.states)) {
    if (state.kind === 'final') continue;
    if (state.kind === 'task') problems.push(...check(state.task.role, ['states', name, 'task', 'role']));
    for (const [action, def] of Object.entries(state.actions)) {
      def.by.forEach((role, i) => problems.push(...check(role, ['states', name, 'actions', action, 'by', i])));
    }
  }
  return problems;
}

/** Every effect in the document with its path: action effects and onEnter effects. */
function effects(procedure: Procedure): { effect: Effect; path: KeyPath }[] {
  const out: { effect: Effect; path: KeyPath }[] = [];
  for (const [name, state] of Object.entries(procedure.states)) {
    state.onEnter.forEach((effect, i) => out.push({ effect, path: ['states', name, 'onEnter', i] }));
    if (state.kind === 'final') continue;
    for (const [action, def] of Object.entries((state as NonFinal).actions)) {
      def.effects.forEach((effect, i) => out.push({ effect, path: ['states', name, 'actions', action, 'effects', i] }));
    }
  }
  return out;
}

function clockEffects(procedure: Procedure): Problem[] {
  const clocks = Object.keys(procedure.clocks);
  const problems: Problem[] = [];
  for (const { effect, path } of effects(procedure)) {
    if (!('clock' in effect)) continue;
    const clock = procedure.clocks[effect.clock];
    if (!clock) {
      const hint = didYouMean(effect.clock, clocks) ?? (clocks.length ? `declared clocks: ${clocks.join(', ')}` : 'declare it under clocks');
      problems.push(withHint({ path: [...path, 'clock'], at: 'value', message: `unknown clock "${effect.clock}"` }, hint));
    } else if (effect.op === 'extend' && !clock.extension) {
      problems.push({
        path: [...path, 'op'],
        at: 'value',
        message: `clock "${effect.clock}" cannot be extended: it has no extension rule`,
        hint: `add extension: { by: <duration> } to clocks.${effect.clock}`,
      });
    }
  }
  return problems;
}

/** True for `0 days`, `P0D`, `PT0S`: durations that would expire at once. */
function isZero(duration: string): boolean {
  return !/[1-9]/.test(duration);
}

function clockRules(name: string, clock: Clock, procedure: Procedure): Problem[] {
  const at = (...rest: (string | number)[]): KeyPath => ['clocks', name, ...rest];
  const problems: Problem[] = [];
  const durations: [KeyPath, string][] = [[at('duration'), clock.duration]];
  if (clock.extension) durations.push([at('extension', 'by'), clock.extension.by]);
  clock.reminders.forEach((r, i) => durations.push([at('reminders', i), r]));
  for (const [path, duration] of durations) {
    if (isZero(duration)) problems.push({ path, at: 'value', message: `duration "${duration}" must be longer than zero` });
  }
  const says = /working days?$/.test(clock.duration) ? 'working_days' : /calendar days?$/.test(clock.duration) ? 'calendar' : undefined;
  if (clock.counting && says && clock.counting !== says) {
    problems.push({
      path: at('counting'),
      at: 'value',
      message: `counting "${clock.counting}" contradicts duration "${clock.duration}"`,
      hint: 'remove counting, or write the duration as "N days"',
    });
  }
  clock.runsIn.forEach((state, i) => {
    if (procedure.states[state]?.kind === 'final') {
      problems.push({ path: at('runsIn', i), at: 'value', message: `clock "${name}" cannot run in final state "${state}"` });
    }
  });
  clock.suspendedIn.forEach((state, i) => {
    if (clock.runsIn.includes(state)) {
      problems.push({ path: at('suspendedIn', i), at: 'value', message: `state "${state}" is listed in both runsIn and suspendedIn` });
    }
  });
  if ('escalate' in clock.onExpiry && !procedure.escalation) {
    problems.push({
      path: at('onExpiry', 'escalate'),
      at: 'key',
      message: `clock "${name}" escalates on expiry but the procedure has no escalation`,
      hint: 'add escalation: { levels: [province, region, ministry], interval: <duration> }',
    });
  }
  return problems;
}

function durations(procedure: Procedure): Problem[] {
  const problems = Object.entries(procedure.clocks).flatMap(([name, clock]) => clockRules(name, clock, procedure));
  for (const [name, state] of Object.entries(procedure.states)) {
    if (state.kind === 'waiting' && state.timeout && isZero(state.timeout.after)) {
      problems.push({ path: ['states', name, 'timeout', 'after'], at: 'value', message: `duration "${state.timeout.after}" must be longer than zero` });
    }
  }
  if (procedure.escalation && isZero(procedure.escalation.interval)) {
    problems.push({ path: ['escalation', 'interval'], at: 'value', message: `duration "${procedure.escalation.interval}" must be longer than zero` });
  }
  return problems;
}

function templates(procedure: Procedure, shipped: ReadonlySet<string> | undefined): Problem[] {
  if (!shipped) return [];
  const known = [...shipped, ...Object.keys(procedure.templates)];
  const refs: { name: string; path: KeyPath }[] = procedure.notifications.map((rule, i) => ({
    name: rule.template,
    path: ['notifications', i, 'template'],
  }));
  for (const { effect, path } of effects(procedure)) {
    if ('notify' in effect) refs.push({ name: effect.notify, path: [...path, 'notify'] });
  }
  if (procedure.escalation) refs.push({ name: procedure.escalation.template, path: ['escalation', 'template'] });
  return refs
    .filter(({ name }) => !known.includes(name))
    .map(({ name, path }) =>
      withHint(
        { path, at: 'value', message: `unknown template "${name}"` },
        didYouMean(name, known) ?? `known templates: ${[...known].sort().join(', ')}, or add it under templates`,
      ),
    );
}

/**
 * Checks the rules that need the whole document. Returns every problem found (an empty list
 * when the procedure is valid), each with the key path it concerns.
 */
export function validateProcedure(procedure: Procedure, options: ValidateOptions = {}): Problem[] {
  return [
    ...unknownStates(procedure),
    ...reachability(procedure),
    ...automaticOutcomes(procedure),
    ...roles(procedure),
    ...clockEffects(procedure),
    ...durations(procedure),
    ...templates(procedure, options.knownTemplates),
  ];
}
