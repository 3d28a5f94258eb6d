/**
 * Gapless registration numbers (a bureau d'ordre's registers, migration 065): assigned inside the
 * caller's filing transaction, so the number and the case row commit or roll back together.
 * Hazards: the increment locks the (unit, register, year) row until the transaction ends, which
 * serialises filings into one register (a few per second at most, which is the register's pace);
 * and a number, once committed, is never given to another case, even if the filing is abandoned.
 */
import type { PoolClient } from 'pg';
import type { CompiledProcedure } from '../definitions/compiled';
import { localDateOf } from '../definitions/local-time';
import { registerOf, registrationLabel, type RegistrationNumber } from '../definitions/registration';
import type { Db } from './pool';

/** The year of a register is the local year in Morocco when the mail is registered. */
const REGISTER_TIME_ZONE = 'Africa/Casablanca';

/** The local year of `at` in Morocco (31 December 23:30 UTC is already 1 January there). */
export function registrationYear(at: Date): number {
  return Number(localDateOf(at, REGISTER_TIME_ZONE).slice(0, 4));
}

interface Row {
  register: string;
  year: number;
  number: number;
}

const toNumber = (procedureId: string, row: Row): RegistrationNumber => ({
  register: row.register.slice(procedureId.length + 1),
  year: row.year,
  number: row.number,
  label: registrationLabel(row.year, row.number),
});

/**
 * The registration of `caseId`, assigned now if it has none: the next number of the unit's
 * register for the year. Call inside the filing transaction (after `lockCase`). A retried filing
 * gets its number back (and a voided entry is live again). Undefined when the procedure keeps no register.
 */
export async function assignRegistration(
  client: PoolClient,
  input: { caseId: string; unitCode: string; procedure: Pick<CompiledProcedure, 'id' | 'registration'>; data: Record<string, unknown>; at: Date },
): Promise<RegistrationNumber | undefined> {
  const name = registerOf(input.procedure, input.data);
  if (name === undefined) return undefined;
  const known = await client.query<Row>(
    'UPDATE registrations SET voided_at = NULL WHERE case_id = $1 RETURNING register, year, number',
    [input.caseId],
  );
  if (known.rows[0]) return toNumber(input.procedure.id, known.rows[0]);
  const register = `${input.procedure.id}:${name}`;
  const year = registrationYear(input.at);
  const next = await client.query<{ last_number: number }>(
    `INSERT INTO registration_sequences (unit_code, register, year, last_number) VALUES ($1, $2, $3, 1)
     ON CONFLICT (unit_code, register, year) DO UPDATE SET last_number = registration_sequences.last_number + 1
     RETURNING last_number`,
    [input.unitCode, register, year],
  );
  const number = next.rows[0]?.last_number;
  if (number === undefined) throw new Error(`no registration number returned for ${register} ${year} at ${input.unitCode}`);
  await client.query(
    'INSERT INTO registrations (case_id, unit_code, register, year, number, registered_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [input.caseId, input.unitCode, register, year, number, input.at.toISOString()],
  );
  return toNumber(input.procedure.id, { register, year, number });
}

/** Marks the registration of a case whose filing was forgotten: the number stays in the register, voided. */
export async function voidRegistration(db: Db, caseId: string): Promise<void> {
  await db.query(
    'UPDATE registrations SET voided_at = now() WHERE case_id = $1 AND voided_at IS NULL AND NOT EXISTS (SELECT 1 FROM cases WHERE case_id = $1)',
    [caseId],
  );
}

/** One register entry, as a register lists it. */
export interface RegisterEntry {
  caseId: string;
  number: number;
  label: string;
  registeredAt: string;
  voided: boolean;
}

/** A unit's register for a year, in number order (tests and the register's listing). */
export async function listRegister(db: Db, unitCode: string, register: string, year: number): Promise<RegisterEntry[]> {
  const { rows } = await db.query<{ case_id: string; number: number; registered_at: Date; voided_at: Date | null }>(
    'SELECT case_id, number, registered_at, voided_at FROM registrations WHERE unit_code = $1 AND register = $2 AND year = $3 ORDER BY number',
    [unitCode, register, year],
  );
  return rows.map((r) => ({ caseId: r.case_id, number: r.number, label: registrationLabel(year, r.number), registeredAt: r.registered_at.toISOString(), voided: r.voided_at !== null }));
}
