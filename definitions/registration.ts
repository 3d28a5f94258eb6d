/**
 * Registration numbers of a bureau d'ordre: which register a case is entered in, and how its
 * number reads. Pure (the sequence itself lives in the read model, `db/registrations.ts`), and
 * the whole-document rules of the `registration` key.
 */
import type { CompiledProcedure } from './compiled';
import type { KeyPath, Problem } from './errors';
import type { Procedure } from './schema';
import { didYouMean, humanList } from './suggest';

/** A case's entry in a register: `2026/000017` in the unit's incoming mail register. */
export interface RegistrationNumber {
  register: string;
  year: number;
  number: number;
  /** `<year>/<number, six digits>`, as written on the mail and the receipt. */
  label: string;
}

/** How a registration number reads on paper. */
export function registrationLabel(year: number, number: number): string {
  return `${year}/${String(number).padStart(6, '0')}`;
}

/**
 * The register a case filed with `data` is entered in, or undefined when the procedure keeps no
 * register. The data was validated against the input fields, so a `by` choice holds a register.
 */
export function registerOf(procedure: Pick<CompiledProcedure, 'registration'>, data: Record<string, unknown>): string | undefined {
  const registration = procedure.registration;
  if (!registration) return undefined;
  const names = Object.keys(registration.registers);
  if (!registration.by) return names[0];
  const value = Object.hasOwn(data, registration.by) ? data[registration.by] : undefined;
  if (typeof value !== 'string' || !Object.hasOwn(registration.registers, value)) {
    throw new Error(`input "${registration.by}" names no register of ${names.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Problems of `procedure.registration`: its `by` field must be a required choice of exactly its registers. */
export function registrationProblems(procedure: Procedure): Problem[] {
  const registration = procedure.registration;
  if (!registration) return [];
  const registers = Object.keys(registration.registers);
  const path: KeyPath = ['registration', 'by'];
  if (!registration.by) {
    return registers.length === 1
      ? []
      : [{ path: ['registration', 'registers'], at: 'key', message: `${registers.length} registers need a "by" input field that chooses one`, hint: 'add by: <a required choice field>' }];
  }
  const field = Object.hasOwn(procedure.input, registration.by) ? procedure.input[registration.by] : undefined;
  if (!field) {
    const fields = Object.keys(procedure.input);
    return [{ path, at: 'value', message: `unknown input field "${registration.by}"`, hint: didYouMean(registration.by, fields) ?? `input fields: ${humanList(fields, 'and')}` }];
  }
  if (field.type !== 'choice' || !field.required) {
    return [{ path, at: 'value', message: `input field "${registration.by}" must be a required choice to name a register`, hint: 'write type: choice and required: true' }];
  }
  const options = field.options.map((o) => o.value);
  const missing = registers.filter((r) => !options.includes(r));
  const extra = options.filter((o) => !registers.includes(o));
  if (missing.length === 0 && extra.length === 0) return [];
  return [
    {
      path,
      at: 'value',
      message: `the options of "${registration.by}" (${humanList(options, 'and')}) must be the registers (${humanList(registers, 'and')})`,
      hint: [missing.length ? `no option for ${humanList(missing, 'and')}` : '', extra.length ? `no register for ${humanList(extra, 'and')}` : ''].filter(Boolean).join('; '),
    },
  ];
}
