/**
 * Validation is the whole truth: every definition `validateProcedure` accepts compiles, builds its
 * machine and gets real due dates from the clock activities, for its clocks (start, reminders,
 * suspension, resumption, extension), its waiting timeouts and its escalation interval, exactly
 * as the case workflow asks for them. Tested on a generated class of definitions (every duration
 * form crossed with every counting, reminders, extensions, timeouts, intervals) plus every
 * shipped procedure and good fixture; whatever is rejected is rejected with a located message.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createClockActivities } from '../../../activities/clocks';
import { loadCalendar } from '../../../definitions/calendar-file';
import { compileProcedure } from '../../../definitions/compile';
import type { CompiledProcedure } from '../../../definitions/compiled';
import { defaultCounting } from '../../../definitions/compiled';
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureSource, procedureFilesIn } from '../../../definitions/load';
import { createCaseMachine } from '../../../workflows/case-machine';

const calendar = loadCalendar();
const clocks = createClockActivities({ calendars: { current: async () => calendar } });
const FROM = '2027-02-22T10:00:00.000Z';

/** Every form a duration can be written in, including ones the runtime cannot count. */
const SPECS = [
  'P1D',
  'P20D',
  'P2M',
  'P3W',
  'P1Y',
  'P1Y2M3DT4H5M6S',
  'PT30M',
  'PT30S',
  'PT2H',
  'P1DT2H',
  'P0D',
  'PT0S',
  'P4000D',
  'P11Y',
  'P99999999999999999999D',
  '20 working days',
  '1 working day',
  '60 days',
  '30 calendar days',
  '0 days',
  '3000 working days',
];
const COUNTINGS = [undefined, 'working_days', 'calendar'] as const;

/** A small seeded generator, so a failure names a definition that can be rebuilt. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

interface Shape {
  duration: string;
  counting?: (typeof COUNTINGS)[number];
  reminders: string[];
  extension?: string;
  timeout: string;
  interval: string;
}

function definition(shape: Shape): string {
  const q = (spec: string): string => JSON.stringify(spec);
  return `id: generated
version: 1
title: { fr: Générée, ar: مولدة }
legalBasis: [{ law: Loi 55-19 }]
initial: review
states:
  review:
    kind: task
    label: { fr: Examen, ar: دراسة }
    task: { role: agent }
    actions:
      ask: { label: { fr: Demander, ar: طلب }, by: [agent], to: waiting }
      extend: { label: { fr: Prolonger, ar: تمديد }, by: [agent], to: review${shape.extension ? ', effects: [{ clock: answer, op: extend }]' : ''} }
      approve: { label: { fr: Accorder, ar: قبول }, by: [agent], to: approved }
  waiting:
    kind: waiting
    label: { fr: Attente, ar: انتظار }
    timeout: { after: ${q(shape.timeout)}, to: abandoned }
    actions:
      answer: { label: { fr: Répondre, ar: جواب }, by: [applicant], to: review }
  approved: { kind: final, label: { fr: Accordée, ar: مقبول }, outcome: approved }
  abandoned: { kind: final, label: { fr: Abandonnée, ar: متروك }, outcome: abandoned }
clocks:
  answer:
    label: { fr: Délai, ar: أجل }
    duration: ${q(shape.duration)}
${shape.counting ? `    counting: ${shape.counting}\n` : ''}    runsIn: [review]
    suspendedIn: [waiting]
    reminders: [${shape.reminders.map(q).join(', ')}]
${shape.extension ? `    extension: { by: ${q(shape.extension)} }\n` : ''}    onExpiry: { escalate: true }
escalation:
  interval: ${q(shape.interval)}
`;
}

function shapes(): Shape[] {
  const out: Shape[] = [];
  // Every duration under every counting, alone.
  for (const duration of SPECS) for (const counting of COUNTINGS) out.push({ duration, counting, reminders: [], timeout: 'P10D', interval: '10 working days' });
  // Every spec as a reminder, an extension, a timeout and an interval of a valid clock of each counting.
  for (const spec of SPECS) {
    for (const [duration, counting] of [['20 working days', undefined], ['P2M', undefined], ['P20D', 'working_days']] as const) {
      out.push({ duration, counting, reminders: [spec], timeout: 'P10D', interval: 'P5D' });
      out.push({ duration, counting, reminders: [], extension: spec, timeout: 'P10D', interval: 'P5D' });
    }
    out.push({ duration: 'P2M', reminders: [], timeout: spec, interval: 'P5D' });
    out.push({ duration: 'P2M', reminders: [], timeout: 'P10D', interval: spec });
  }
  // Random mixes.
  const random = prng(12);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  for (let i = 0; i < 300; i++) {
    out.push({
      duration: pick(SPECS),
      counting: pick(COUNTINGS),
      reminders: random() < 0.5 ? [] : [pick(SPECS), pick(SPECS)],
      ...(random() < 0.5 ? { extension: pick(SPECS) } : {}),
      timeout: pick(SPECS),
      interval: pick(SPECS),
    });
  }
  return out;
}

const isInstant = (value: string): boolean => /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));

/** Drives everything the runtime computes from a compiled procedure; throws where the runtime would. */
async function exercise(procedure: CompiledProcedure): Promise<void> {
  const machine = createCaseMachine(procedure);
  expect(machine.initial().state).toBe(procedure.initial);
  for (const state of Object.keys(procedure.states)) {
    for (const event of machine.events(state)) expect(machine.next(state, event)).toBeDefined();
  }
  for (const def of Object.values(procedure.clocks)) {
    const base = { calendarId: calendar.id, counting: def.counting, reminders: def.reminders };
    const started = await clocks.computeDue({ ...base, from: FROM, duration: def.duration });
    expect(isInstant(started.due)).toBe(true);
    expect(Date.parse(started.due)).toBeGreaterThan(Date.parse(FROM));
    expect(started.reminders.every(isInstant)).toBe(true);
    const remaining = await clocks.remainingTime({ calendarId: calendar.id, at: FROM, due: started.due, counting: def.counting });
    const resumed = await clocks.resumeDue({ ...base, duration: def.duration, at: FROM, remaining });
    expect(isInstant(resumed.due)).toBe(true);
    if (def.extension) {
      const extended = await clocks.computeDue({ ...base, from: started.due, duration: def.extension.by });
      expect(Date.parse(extended.due)).toBeGreaterThan(Date.parse(started.due));
    }
  }
  for (const state of Object.values(procedure.states)) {
    if (state.kind !== 'waiting' || !state.timeout) continue;
    const r = await clocks.computeDue({ calendarId: calendar.id, from: FROM, duration: state.timeout.after, counting: defaultCounting(state.timeout.after) });
    expect(Date.parse(r.due)).toBeGreaterThan(Date.parse(FROM));
  }
  if (procedure.escalation) {
    const { interval } = procedure.escalation;
    const r = await clocks.computeDue({ calendarId: calendar.id, from: FROM, duration: interval, counting: defaultCounting(interval) });
    expect(Date.parse(r.due)).toBeGreaterThan(Date.parse(FROM));
  }
}

describe('a definition validation accepts', () => {
  it('should compile, build its machine and get every due date it asks for, for every generated shape', async () => {
    let accepted = 0;
    let rejected = 0;
    for (const shape of shapes()) {
      const loaded = loadProcedureSource(definition(shape), 'generated.yaml');
      if (!loaded.ok) {
        rejected++;
        // Rejected with a place and a reason, never a bare failure.
        for (const error of loaded.errors) expect(formatDefinitionError(error)).toMatch(/^generated\.yaml:\d+:\d+: \w[\w.]*: .+/);
        continue;
      }
      accepted++;
      try {
        await exercise(compileProcedure(loaded.procedure));
      } catch (err) {
        throw new Error(`validation accepted a definition the runtime cannot run: ${JSON.stringify(shape)}\n${String(err)}`);
      }
    }
    // Both sides of the line are exercised.
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });

  it('should compile and run every shipped procedure and good fixture', async () => {
    const root = path.join(__dirname, '../../..');
    const files = [
      ...(await procedureFilesIn(path.join(root, 'definitions/procedures'))),
      ...(await procedureFilesIn(path.join(root, 'tests/fixtures/definitions/good'))),
    ];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const loaded = loadProcedureSource(readFileSync(file, 'utf8'), file);
      expect(loaded.ok && file).toBe(file);
      if (loaded.ok) await exercise(compileProcedure(loaded.procedure));
    }
  });
});

describe('validation of what the runtime relies on', () => {
  const errorsOf = (shape: Partial<Shape>): string[] => {
    const loaded = loadProcedureSource(definition({ duration: 'P2M', reminders: [], timeout: 'P10D', interval: 'P5D', ...shape }), 'g.yaml');
    return loaded.ok ? [] : loaded.errors.map(formatDefinitionError);
  };

  it('should reject a clock in minutes counted in working days, at the duration', () => {
    expect(errorsOf({ duration: 'PT30M', counting: 'working_days' })).toEqual([
      expect.stringMatching(/^g\.yaml:\d+:\d+: clocks\.answer\.duration: duration "PT30M" cannot be counted in working days/),
    ]);
  });

  it.each([
    ['a reminder in hours on a working-day clock', { duration: '20 working days', reminders: ['PT2H'] }, 'clocks.answer.reminders.0'],
    ['a reminder in working days on a calendar clock', { duration: 'P2M', reminders: ['5 working days'] }, 'clocks.answer.reminders.0'],
    ['an extension in months on a working-day clock', { duration: 'P20D', counting: 'working_days' as const, extension: 'P1M' }, 'clocks.answer.extension.by'],
    ['a deadline of more than ten years', { duration: 'P4000D' }, 'clocks.answer.duration'],
    ['a timeout of more than ten years', { timeout: 'P11Y' }, 'states.waiting.timeout.after'],
    ['an escalation interval of 3000 working days', { interval: '3000 working days' }, 'escalation.interval'],
  ])('should reject %s, at its place', (_what, shape, where) => {
    const errors = errorsOf(shape);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`: ${where}: `);
  });

  const base = definition({ duration: 'P2M', reminders: [], timeout: 'P10D', interval: 'P5D' });

  it('should not take a name of Object.prototype for a declared state or clock', () => {
    const errors = (text: string): string[] => {
      const loaded = loadProcedureSource(text, 'g.yaml');
      return loaded.ok ? [] : loaded.errors.map(formatDefinitionError);
    };
    expect(errors(base.replace('to: approved }', 'to: constructor }'))).toEqual(
      expect.arrayContaining([expect.stringContaining('states.review.actions.approve.to: unknown state "constructor"')]),
    );
    expect(errors(base.replace('to: approved }', 'to: approved, effects: [{ clock: constructor, op: stop }] }'))).toEqual([
      expect.stringContaining('unknown clock "constructor"'),
    ]);
  });

  it('should reject a text pattern that is not a regular expression', () => {
    const text = base.replace('legalBasis:', 'input:\n  ref: { type: text, label: { fr: R, ar: ر }, pattern: "^[A-Z(" }\nlegalBasis:');
    const loaded = loadProcedureSource(text, 'g.yaml');
    expect(loaded.ok ? [] : loaded.errors.map(formatDefinitionError)).toEqual([
      expect.stringMatching(/input\.ref\.pattern: pattern "\^\[A-Z\(" is not a valid regular expression/),
    ]);
  });

  it("should reject a procedure's own template that does not parse", () => {
    const template = (text: string): string => `{ subject: Objet, text: ${JSON.stringify(text)} }`;
    const text = `${base}templates:\n  relance:\n    fr: ${template('Bonjour {{#if x}}')}\n    ar: ${template('مرحبا {{name}}')}\n`;
    const loaded = loadProcedureSource(text, 'g.yaml');
    expect(loaded.ok ? [] : loaded.errors.map(formatDefinitionError)).toEqual([
      expect.stringMatching(/templates\.relance\.fr\.text: template "relance" \(fr, text\) does not parse/),
    ]);
  });
});
