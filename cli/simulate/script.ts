/**
 * The script of a simulation: what people do to a case and how time passes between their acts.
 *
 *   data: { subject: budget 2026, format: electronic }   # the applicant's input at filing (optional)
 *   services: { check_identity: failed }                 # outcomes of automatic states' services (default done)
 *   steps:
 *     - act: { action: start_review, as: agent }
 *     - wait: P30D                      # or "10 working days", PT2H
 *     - act: { action: answer, as: agent, input: { document: 3b0f6f2c-8a1e-4d5b-9c3a-1f2e3d4c5b6a }, comment: ... }
 *     - until: 2027-04-01               # a local date (09:00 in Casablanca) or an ISO instant
 *
 * A bare list of steps is a script too. Parsed once with zod; errors name the step.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DurationSpec } from '../../definitions/schema';

/** Who acts: the agent where the task waits, the applicant, or a supervisor of the escalation. */
export const Persona = z.enum(['agent', 'applicant', 'supervisor']);
export type Persona = z.infer<typeof Persona>;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `2027-04-01` or `2027-04-01T10:00:00+01:00`; YAML may hand over a Date for unquoted timestamps. */
export const When = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString() : v),
  z.string().refine((v) => LOCAL_DATE.test(v) || INSTANT.test(v), 'must be a local date (2027-04-01) or an ISO instant with its zone (2027-04-01T10:00:00+01:00)'),
);

export const Step = z.union([
  z.strictObject({
    act: z.strictObject({
      action: z.string().min(1),
      as: Persona.default('agent'),
      input: z.record(z.string(), z.unknown()).optional(),
      comment: z.string().optional(),
    }),
  }),
  z.strictObject({ wait: DurationSpec }),
  z.strictObject({ until: When }),
]);
export type Step = z.infer<typeof Step>;

export const Script = z.strictObject({
  data: z.record(z.string(), z.unknown()).default({}),
  services: z.record(z.string(), z.string()).default({}),
  steps: z.array(Step).default([]),
});
export type Script = z.infer<typeof Script>;

/** A script that fails to parse: every problem, each naming where it is. */
export class ScriptError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ScriptError';
  }
}

/** Parses script text (YAML or JSON); `file` names it in errors. */
export function parseScript(text: string, file: string): Script {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ScriptError([`${file}: invalid YAML: ${(err as Error).message}`]);
  }
  const shaped = Array.isArray(raw) ? { steps: raw } : (raw ?? {});
  const result = Script.safeParse(shaped);
  if (result.success) return result.data;
  throw new ScriptError(
    result.error.issues.map((issue) => {
      const path = issue.path.map(String);
      const where = path[0] === 'steps' && path[1] !== undefined ? `step ${Number(path[1]) + 1}${path.length > 2 ? ` (${path.slice(2).join('.')})` : ''}` : path.join('.') || 'script';
      const hint = path[0] === 'steps' && path.length === 2 ? ': write one of act: {...}, wait: P30D, until: 2027-04-01' : '';
      return `${file}: ${where}: ${issue.message}${hint}`;
    }),
  );
}

/** Whether `value` is a local date (YYYY-MM-DD) rather than an instant. */
export function isLocalDateText(value: string): boolean {
  return LOCAL_DATE.test(value);
}
