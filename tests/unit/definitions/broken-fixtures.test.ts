/**
 * One broken definition per validation rule (tests/fixtures/definitions/broken/), each with the
 * exact messages, lines and columns an author sees from `masar validate`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureSource } from '../../../definitions/load';
import { SHIPPED_TEMPLATE_NAMES } from '../../../cli/commands/validate';

const BROKEN = path.join(__dirname, '..', '..', 'fixtures', 'definitions', 'broken');

function messages(name: string): string[] {
  const loaded = loadProcedureSource(readFileSync(path.join(BROKEN, name), 'utf8'), `broken/${name}`, {
    knownTemplates: new Set(SHIPPED_TEMPLATE_NAMES),
  });
  return loaded.ok ? [] : loaded.errors.map(formatDefinitionError);
}

const EXPECTED: Record<string, { rule: string; messages: string[] }> = {
  'automatic-outcomes.yaml': {
    rule: 'an automatic state that does not map done and failed',
    messages: [
      'broken/automatic-outcomes.yaml:12:5: states.check.on: automatic state "check" does not say where outcome "done" leads (add done: <state> under on)',
      'broken/automatic-outcomes.yaml:12:5: states.check.on: automatic state "check" does not say where outcome "failed" leads (add failed: <state> under on)',
    ],
  },
  'bad-duration.yaml': {
    rule: 'durations that are neither ISO 8601 nor "N working days"',
    messages: [
      'broken/bad-duration.yaml:24:15: clocks.answer.duration: "20 jours ouvrables" must be an ISO 8601 duration (P60D, PT30S) or "N working days" / "N days"',
      'broken/bad-duration.yaml:26:17: clocks.answer.reminders.0: "P1DT" must be an ISO 8601 duration (P60D, PT30S) or "N working days" / "N days"',
    ],
  },
  'clock-rules.yaml': {
    rule: 'incoherent clock rules',
    messages: [
      'broken/clock-rules.yaml:25:15: clocks.answer.counting: counting "calendar" contradicts duration "20 working days" (remove counting, or write the duration as "N days")',
      'broken/clock-rules.yaml:26:22: clocks.answer.runsIn.1: clock "answer" cannot run in final state "approved"',
      'broken/clock-rules.yaml:27:19: clocks.answer.suspendedIn.0: state "review" is listed in both runsIn and suspendedIn',
      'broken/clock-rules.yaml:28:17: clocks.answer.onExpiry.escalate: clock "answer" escalates on expiry but the procedure has no escalation (add escalation: { levels: [province, region, ministry], interval: <duration> })',
    ],
  },
  'dead-end-state.yaml': {
    rule: 'non-final states with no way out',
    messages: [
      'broken/dead-end-state.yaml:21:3: states.waiting: state "waiting" has no way out (add an action or a timeout, or make it a final state)',
      'broken/dead-end-state.yaml:24:3: states.commission: state "commission" has no way out (add an action or a clock that decides on expiry, or make it a final state)',
    ],
  },
  'duplicate-key.yaml': {
    rule: 'keys defined twice in one mapping, with both locations',
    messages: [
      'broken/duplicate-key.yaml:21:3: states.review: duplicate key "review" (first defined at line 8, column 3)',
      'broken/duplicate-key.yaml:24:5: states.review.label: duplicate key "label" (first defined at line 23, column 5)',
    ],
  },
  'final-without-outcome.yaml': {
    rule: 'final states without an outcome',
    messages: [
      'broken/final-without-outcome.yaml:21:3: states.refused: final state "refused" has no outcome (add outcome: refused)',
      'broken/final-without-outcome.yaml:24:3: states.archived: final state "archived" has no outcome (add outcome: one of approved, refused, withdrawn, abandoned, tacitly_approved, tacitly_refused, answered, partially_refused, redirected or closed)',
    ],
  },
  'undeclared-clock.yaml': {
    rule: 'effects naming undeclared clocks or extending a clock without extension rule',
    messages: [
      'broken/undeclared-clock.yaml:13:18: states.review.onEnter.0.clock: unknown clock "deadline" (declared clocks: answer)',
      'broken/undeclared-clock.yaml:20:22: states.review.actions.extend.effects.0.clock: unknown clock "answr" (did you mean "answer"?)',
      'broken/undeclared-clock.yaml:21:34: states.review.actions.extend.effects.1.op: clock "answer" cannot be extended: it has no extension rule (add extension: { by: <duration> } to clocks.answer)',
    ],
  },
  'undeclared-role.yaml': {
    rule: 'tasks and actions naming undeclared roles',
    messages: [
      'broken/undeclared-role.yaml:13:19: states.review.task.role: undeclared role "urbanism_oficer" (did you mean "urbanism_officer"?)',
      'broken/undeclared-role.yaml:17:32: states.review.actions.approve.by.1: undeclared role "architect" (declare it under roles, or use applicant, agent, supervisor, admin, commune_president or urbanism_officer)',
    ],
  },
  'unknown-key.yaml': {
    rule: 'unknown keys, with the closest allowed key',
    messages: [
      'broken/unknown-key.yaml:8:3: states.review: missing required key "label"',
      'broken/unknown-key.yaml:10:5: states.review.lable: unknown key "lable" (did you mean "label"?)',
      'broken/unknown-key.yaml:17:9: states.review.actions.approve.reasonRequird: unknown key "reasonRequird" (did you mean "reasonRequired"?)',
      'broken/unknown-key.yaml:22:1: escalaton: unknown key "escalaton" (did you mean "escalation"?)',
    ],
  },
  'unknown-kind.yaml': {
    rule: 'unknown state kinds, field types and badly formed names',
    messages: [
      'broken/unknown-kind.yaml:1:5: id: "Unknown_Kind" must be kebab-case (a-z, 0-9, -), starting with a letter',
      'broken/unknown-kind.yaml:4:13: legalBasis: must list at least one item',
      'broken/unknown-kind.yaml:7:11: input.surface.type: expected one of text, number, date, boolean, choice, file, list or group, got "nombre" (did you mean "number"?)',
      'broken/unknown-kind.yaml:12:11: states.review.kind: expected one of task, waiting, automatic or final, got "taks" (did you mean "task"?)',
      'broken/unknown-kind.yaml:14:3: states.Approved: key "Approved" must be lower_snake_case (a-z, 0-9, _), starting with a letter',
      'broken/unknown-kind.yaml:18:3: states.draft: missing required key "kind" (one of task, waiting, automatic or final)',
    ],
  },
  'unknown-state.yaml': {
    rule: 'every kind of reference to an unknown state',
    messages: [
      'broken/unknown-state.yaml:6:10: initial: unknown state "reviw" (did you mean "review"?)',
      'broken/unknown-state.yaml:16:13: states.review.actions.approve.to: unknown state "aproved" (did you mean "approved"?)',
      'broken/unknown-state.yaml:24:36: states.waiting.timeout.to: unknown state "abandonned" (did you mean "abandoned"?)',
      'broken/unknown-state.yaml:42:22: clocks.answer.runsIn.1: unknown state "reveiw" (did you mean "review"?)',
      'broken/unknown-state.yaml:43:19: clocks.answer.suspendedIn.0: unknown state "wait" (declared states: review, waiting, approved, abandoned)',
      'broken/unknown-state.yaml:44:25: clocks.answer.onExpiry.decide: unknown state "tacit" (declared states: review, waiting, approved, abandoned)',
      'broken/unknown-state.yaml:46:76: notifications.0.states.1: unknown state "refused" (declared states: review, waiting, approved, abandoned)',
    ],
  },
  'unknown-template.yaml': {
    rule: 'notification rules, notify effects and escalation naming unknown templates',
    messages: [
      'broken/unknown-template.yaml:18:23: states.review.actions.approve.effects.0.notify: unknown template "approval-letter" (known templates: case-closed, clock-extended, clock-reminder, deadline-moved, decision, escalation, information-requested, own-letter, receipt, tacit-approval, task-assigned, or add it under templates)',
      'broken/unknown-template.yaml:34:13: escalation.template: unknown template "escalaton" (did you mean "escalation"?)',
      'broken/unknown-template.yaml:36:50: notifications.0.template: unknown template "reciept" (did you mean "receipt"?)',
    ],
  },
  'unreachable-state.yaml': {
    rule: 'states no path from the initial state reaches',
    messages: [
      'broken/unreachable-state.yaml:17:3: states.second_review: state "second_review" cannot be reached from the initial state "review" (no action, service outcome, timeout or clock decision leads to it)',
      'broken/unreachable-state.yaml:30:3: states.refused: state "refused" cannot be reached from the initial state "review" (no action, service outcome, timeout or clock decision leads to it)',
    ],
  },
  'wrong-type.yaml': {
    rule: 'values of the wrong type',
    messages: [
      'broken/wrong-type.yaml:2:10: version: expected a number, got "abc"',
      'broken/wrong-type.yaml:11:33: states.review.task.level: expected one of unit, province, region or ministry, got "commune"',
      'broken/wrong-type.yaml:15:13: states.review.actions.approve.by: expected a list, got "agent"',
      'broken/wrong-type.yaml:17:25: states.review.actions.approve.reasonRequired: expected true or false, got "yes please"',
      'broken/wrong-type.yaml:19:13: states.review.actions.approve.effects.0: missing required key "to"',
      'broken/wrong-type.yaml:23:14: states.approved.outcome: expected one of approved, refused, withdrawn, abandoned, tacitly_approved, tacitly_refused, answered, partially_refused, redirected or closed, got "aproved" (did you mean "approved"?)',
      'broken/wrong-type.yaml:28:13: clocks.answer.runsIn: must list at least one item',
      'broken/wrong-type.yaml:29:35: clocks.answer.extension.max: must be greater than 0, got 0',
      'broken/wrong-type.yaml:30:5: clocks.answer.onExpiry: must have either key escalate, or key decide',
    ],
  },
  'yaml-syntax.yaml': {
    rule: 'a YAML syntax error',
    messages: [
      'broken/yaml-syntax.yaml:4:1: invalid YAML: flow map in block collection must be sufficiently indented and end with a }',
    ],
  },
  'zero-duration.yaml': {
    rule: 'durations of zero',
    messages: [
      'broken/zero-duration.yaml:24:15: clocks.answer.duration: duration "0 days" must be longer than zero',
      'broken/zero-duration.yaml:26:22: clocks.answer.extension.by: duration "P0D" must be longer than zero',
    ],
  },
};

describe('broken definition fixtures', () => {
  it('should have an expectation for every fixture file', () => {
    expect(readdirSync(BROKEN).filter((f) => f.endsWith('.yaml')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED).map(([name, { rule, messages }]) => [name, rule, messages] as const))(
    'should report %s (%s) with exact messages and positions',
    (name, _rule, expected) => {
      expect(messages(name)).toEqual(expected);
    },
  );
});
