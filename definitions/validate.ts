/**
 * Whole-document rules of the procedure language, on a procedure that already passed the zod
 * schema: every name must point at something declared (states, roles, clocks, templates),
 * every state must be reachable and have a way out, clocks must be coherent. Each problem
 * carries the key path it concerns; `load.ts` turns paths into lines and columns.
 */
import Handlebars from 'handlebars';
import { catalogueProblems } from './catalogue-rules';
import { registrationProblems } from './registration';
import { defaultCounting } from './compiled';
import { durationProblem } from './duration';
import type { KeyPath, Problem } from './errors';
import type { Clock, Effect, Fields, Procedure, State } from './schema';
import { BUILTIN_ROLES } from './schema';
import { didYouMean, humanList } from './suggest';

/**
 * True when `name` is declared in `table`. Never `name in table`: a target written `constructor`
 * would find Object's prototype, pass validation, and break the compiled machine.
 */
const declared = (table: object, name: string): boolean => Object.hasOwn(table, name);

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
    .filter(({ target }) => !declared(procedure.states, target))
    .map(({ target, path }) =>
      withHint({ path, at: 'value', message: `unknown state "${target}"` }, didYouMean(target, names) ?? `declared states: ${names.join(', ')}`),
    );
}

function reachability(procedure: Procedure): Problem[] {
  if (!declared(procedure.states, procedure.initial)) return [];
  const reached = new Set([procedure.initial]);
  const queue = [procedure.initial];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const state = declared(procedure.states, name) ? procedure.states[name] : undefined;
    if (!state) continue;
    for (const { target } of exits(name, state, procedure)) {
      if (!reached.has(target) && declared(procedure.states, target)) {
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
      if (!declared(state.on, outcome)) {
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
    const clock = declared(procedure.clocks, effect.clock) ? procedure.clocks[effect.clock] : undefined;
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
  const says = /working days?$/.test(clock.duration) ? 'working_days' : /calendar days?$/.test(clock.duration) ? 'calendar' : undefined;
  const contradicts = clock.counting !== undefined && says !== undefined && clock.counting !== says;
  if (contradicts) {
    problems.push({
      path: at('counting'),
      at: 'value',
      message: `counting "${clock.counting}" contradicts duration "${clock.duration}"`,
      hint: 'remove counting, or write the duration as "N days"',
    });
  }
  // The runtime counts the duration, its extensions and its reminders the way the clock counts:
  // each must be countable so (a working-day clock cannot count PT30M) and of a sane length.
  const counting = clock.counting ?? defaultCounting(clock.duration);
  const durations: [KeyPath, string][] = contradicts ? [] : [[at('duration'), clock.duration]];
  if (clock.extension) durations.push([at('extension', 'by'), clock.extension.by]);
  clock.reminders.forEach((r, i) => durations.push([at('reminders', i), r]));
  for (const [path, duration] of durations) {
    const problem = isZero(duration) ? `duration "${duration}" must be longer than zero` : durationProblem(duration, counting);
    if (problem) problems.push({ path, at: 'value', message: problem });
  }
  if (contradicts && isZero(clock.duration)) {
    problems.push({ path: at('duration'), at: 'value', message: `duration "${clock.duration}" must be longer than zero` });
  }
  if (clock.endOnNonWorkingDay && !contradicts) problems.push(...endRule(clock.duration, clock.endOnNonWorkingDay, at('endOnNonWorkingDay')));
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

/**
 * `endOnNonWorkingDay` moves the end of a period counted in days; a duration with an hour, minute
 * or second part (`PT30S`, demos) ends at an exact instant, which the rule cannot move.
 */
function endRule(spec: string, rule: string, path: KeyPath): Problem[] {
  if (!/^P.*T/.test(spec)) return [];
  return [
    {
      path,
      at: 'key',
      message: `endOnNonWorkingDay: ${rule} applies to periods counted in days, but duration "${spec}" ends at an exact instant`,
      hint: 'remove endOnNonWorkingDay, or write the duration in days ("30 days", "20 working days", P1M)',
    },
  ];
}

/** A duration counted as written (waiting timeouts, escalation intervals): longer than zero, countable, bounded. */
function plainDuration(spec: string, path: KeyPath): Problem[] {
  const problem = isZero(spec) ? `duration "${spec}" must be longer than zero` : durationProblem(spec, undefined);
  return problem ? [{ path, at: 'value', message: problem }] : [];
}

function durations(procedure: Procedure): Problem[] {
  const problems = Object.entries(procedure.clocks).flatMap(([name, clock]) => clockRules(name, clock, procedure));
  for (const [name, state] of Object.entries(procedure.states)) {
    if (state.kind === 'waiting' && state.timeout) {
      problems.push(...plainDuration(state.timeout.after, ['states', name, 'timeout', 'after']));
      const rule = state.timeout.endOnNonWorkingDay;
      if (rule) problems.push(...endRule(state.timeout.after, rule, ['states', name, 'timeout', 'endOnNonWorkingDay']));
    }
  }
  if (procedure.escalation) problems.push(...plainDuration(procedure.escalation.interval, ['escalation', 'interval']));
  return problems;
}

/** Text fields' patterns, which input validation compiles as regular expressions at filing time. */
function fieldPatterns(fields: Fields, path: KeyPath): Problem[] {
  const problems: Problem[] = [];
  const visit = (field: Fields[string], at: KeyPath): void => {
    switch (field.type) {
      case 'text':
        if (field.pattern !== undefined) {
          try {
            new RegExp(field.pattern);
          } catch (err) {
            problems.push({
              path: [...at, 'pattern'],
              at: 'value',
              message: `pattern "${field.pattern}" is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`,
              hint: 'write a JavaScript regular expression, e.g. "^[A-Z]{1,2}[0-9]{4,6}$"',
            });
          }
        }
        return;
      case 'list':
        return visit(field.of, [...at, 'of']);
      case 'group':
        for (const [key, inner] of Object.entries(field.fields)) visit(inner, [...at, 'fields', key]);
        return;
      case 'number':
      case 'date':
      case 'boolean':
      case 'choice':
      case 'file':
        return;
      default: {
        const never: never = field;
        throw new Error(`unknown field type in ${JSON.stringify(never)}`);
      }
    }
  };
  for (const [key, field] of Object.entries(fields)) visit(field, [...path, key]);
  return problems;
}

function patterns(procedure: Procedure): Problem[] {
  const problems = fieldPatterns(procedure.input, ['input']);
  for (const [name, state] of Object.entries(procedure.states)) {
    if (state.kind === 'final') continue;
    for (const [action, def] of Object.entries(state.actions)) {
      if (def.input) problems.push(...fieldPatterns(def.input, ['states', name, 'actions', action, 'input']));
    }
  }
  return problems;
}

/** The procedure's own templates must parse: the mailer compiles them when the first message goes. */
function templateSyntax(procedure: Procedure): Problem[] {
  const problems: Problem[] = [];
  for (const [name, byLang] of Object.entries(procedure.templates)) {
    for (const [lang, source] of Object.entries(byLang)) {
      for (const [part, text] of Object.entries(source)) {
        if (typeof text !== 'string') continue;
        try {
          Handlebars.parse(text);
        } catch (err) {
          const detail = (err as Error).message.split('\n').filter(Boolean).join(' ');
          problems.push({
            path: ['templates', name, lang, part],
            at: 'value',
            message: `template "${name}" (${lang}, ${part}) does not parse: ${detail}`,
            hint: 'fix the Handlebars syntax (each {{#if}} needs its {{/if}})',
          });
        }
      }
    }
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
 * Checks the rules that need the whole document, and every rule the compiler and the runtime rely
 * on (durations countable the way their clock counts, patterns that compile, templates that
 * parse): a procedure this accepts compiles, starts and runs. The one validation behind
 * `masar validate`, `masar compile`, `masar simulate`, `POST /procedures` and the publication of
 * shipped procedures (all through `load.ts`). Returns every problem found (an empty list
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
    ...patterns(procedure),
    ...templates(procedure, options.knownTemplates),
    ...templateSyntax(procedure),
    ...catalogueProblems(procedure),
    ...registrationProblems(procedure),
  ];
}
