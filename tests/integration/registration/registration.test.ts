/**
 * Gapless registration numbers (bureau d'ordre) on a real PostgreSQL with the real migrations: one
 * sequence per unit, register and year, taken in the filing transaction; concurrent filings get
 * distinct consecutive numbers, a filing that rolls back leaves no hole, a retried filing keeps its
 * number, a forgotten one stays in the register as voided.
 */
import { forgetFiling, recordFiling } from '../../../db/filing';
import { listRegister, registrationYear } from '../../../db/registrations';
import type { CaseInput } from '../../../workflows/messages';
import { createTestDb, type TestDb } from '../../support/db';
import { caseInput, COMMUNE, shippedProcedure } from '../../support/procedures';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

const procedure = shippedProcedure('bureau-ordre');
// The filing row does not look at the document (the use case checked it before): any id will do.
const LETTER = { correspondent: 'Amina Benali', subject: 'Alignement', document: '1e77e700-1111-4222-8333-444455556666' };
let n = 0;
function mail(direction: 'incoming' | 'outgoing', over: Partial<CaseInput> = {}): CaseInput {
  n += 1;
  return caseInput(procedure, { caseId: `reg-${n}`, reference: `BO-TEST-${n}`, data: { direction, ...LETTER }, ...over });
}
const numbers = async (unit: string, register: string, year: number) => (await listRegister(t.db, unit, `bureau-ordre:${register}`, year)).map((e) => e.number);

describe('registration numbers', () => {
  it('should number concurrent filings of one register 1..N without a gap, each register and unit on its own', async () => {
    const at = '2027-03-01T09:00:00.000Z';
    const incoming = await Promise.all(Array.from({ length: 12 }, () => recordFiling(t.db, mail('incoming'), at)));
    expect(incoming.map((r) => r?.number).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(incoming.every((r) => r?.register === 'incoming' && r.year === 2027)).toBe(true);
    expect(incoming.find((r) => r?.number === 7)?.label).toBe('2027/000007');

    const outgoing = await recordFiling(t.db, mail('outgoing'), at);
    expect(outgoing).toEqual({ register: 'outgoing', year: 2027, number: 1, label: '2027/000001' });
    const elsewhere = await recordFiling(t.db, mail('incoming', { unit: { ...COMMUNE, code: '01.511.01.03' } }), at);
    expect(elsewhere?.number).toBe(1);
    expect(await numbers(COMMUNE.code, 'incoming', 2027)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("should restart at 1 with Morocco's new year, whatever the UTC date says", async () => {
    // 31 December 2027 at 23:30 UTC is already 1 January 2028 in Casablanca (UTC+1).
    expect(registrationYear(new Date('2027-12-31T23:30:00.000Z'))).toBe(2028);
    expect(registrationYear(new Date('2027-12-31T22:30:00.000Z'))).toBe(2027);
    const first = await recordFiling(t.db, mail('incoming'), '2027-12-31T23:30:00.000Z');
    expect(first).toEqual(expect.objectContaining({ year: 2028, number: 1, label: '2028/000001' }));
  });

  it('should take the number back when the filing transaction rolls back', async () => {
    const at = '2027-03-02T09:00:00.000Z';
    const before = await numbers(COMMUNE.code, 'incoming', 2027);
    const last = before[before.length - 1] ?? 0;
    // Same reference as a case already filed: the case row violates its unique key after the
    // number was taken, so the whole transaction rolls back.
    const clash = mail('incoming', { reference: 'BO-TEST-1' });
    await expect(recordFiling(t.db, clash, at)).rejects.toThrow(/reference|unique|duplicate/i);
    expect(await numbers(COMMUNE.code, 'incoming', 2027)).toEqual(before);
    const next = await recordFiling(t.db, mail('incoming'), at);
    expect(next?.number).toBe(last + 1);
  });

  it('should give a retried filing its number again, and keep a forgotten one in the register as voided', async () => {
    const at = '2027-03-03T09:00:00.000Z';
    const input = mail('incoming');
    const first = await recordFiling(t.db, input, at);
    const again = await recordFiling(t.db, input, at);
    expect(again).toEqual(first);

    await forgetFiling(t.db, input.caseId);
    const entries = await listRegister(t.db, COMMUNE.code, 'bureau-ordre:incoming', 2027);
    expect(entries.find((e) => e.caseId === input.caseId)).toEqual(expect.objectContaining({ number: first?.number, voided: true }));
    // The next mail does not reuse the voided number.
    const next = await recordFiling(t.db, mail('incoming'), at);
    expect(next?.number).toBe((first?.number ?? 0) + 1);
    // A retry of the forgotten filing brings its entry back to life, same number.
    expect(await recordFiling(t.db, input, at)).toEqual(first);
    expect((await listRegister(t.db, COMMUNE.code, 'bureau-ordre:incoming', 2027)).find((e) => e.caseId === input.caseId)?.voided).toBe(false);
  });

  it('should give no number to a procedure that keeps no register', async () => {
    const access = caseInput(shippedProcedure('acces-information'), { data: { subject: 'Budget', format: 'electronic' } });
    expect(await recordFiling(t.db, access, '2027-03-04T09:00:00.000Z')).toBeUndefined();
  });
});
