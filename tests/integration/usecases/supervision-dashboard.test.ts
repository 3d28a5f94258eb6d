/**
 * The supervisors' overdue dashboard over a real PostgreSQL with the real migrations: rows written
 * straight into the read model (the projection's columns), then the use case as each caller sees
 * it. Counts per unit below the supervisor's, late ones and the oldest, the compliance rate over a
 * period; nothing from another province; only supervisors; and the statement reads the indexes.
 */
import { createDirectory } from '../../../db/directory';
import { DASHBOARD_SQL } from '../../../db/supervision';
import type { UseCaseDeps } from '../../../usecases/deps';
import { UseCaseError } from '../../../usecases/errors';
import type { Principal } from '../../../usecases/principal';
import { supervisionDashboard } from '../../../usecases/supervision';
import { createTestDb, type TestDb } from '../../support/db';
import { ASSILAH, CALLERS, TANGER, TETOUAN, UNITS } from '../api/api-harness';

const NOW = new Date('2027-03-01T10:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

let t: TestDb;
let deps: Pick<UseCaseDeps, 'db' | 'directory' | 'now'>;
let n = 0;

/** A case row as the projection writes it: open (due at `due`) or closed (at `closed`, late or not). */
async function seed(unit: string, c: { due?: string | null; closed?: string; lateDecision?: boolean }): Promise<string> {
  n += 1;
  const id = `dash-${n}`;
  const status = c.closed ? 'closed' : 'open';
  const clocks = [{ name: 'answer', status: c.closed ? (c.lateDecision ? 'expired' : 'stopped') : 'running', counting: 'working_days', extensions: 0 }];
  await t.db.query(
    `INSERT INTO cases (case_id, reference, procedure_id, procedure_version, procedure_hash, unit_code, applicant_id, filed_by,
       state, status, filed_at, closed_at, last_sequence, next_due_at, view, facts, data)
     VALUES ($1, $2, 'p', 1, 'h', $3, 'a', 'a', 's', $4, $5, $6, 1, $7, $8, '{}', '{}')`,
    [id, `D-2027-${String(n).padStart(6, '0')}`, unit, status, ago(200), c.closed ?? null, c.due ?? null, JSON.stringify({ clocks })],
  );
  return id;
}

const principal = (who: keyof typeof CALLERS): Principal => ({ lang: 'fr', ...CALLERS[who] });

beforeAll(async () => {
  t = await createTestDb();
  const directory = createDirectory(t.db);
  await directory.upsertUnits(UNITS);
  deps = { db: t.db, directory, now: () => NOW };
  // Tanger: 3 open (2 late, the oldest due 5 days ago), 4 decided in the last 30 days (1 late), 1 decided long ago.
  await seed(TANGER, { due: ago(-3) });
  await seed(TANGER, { due: ago(2) });
  await seed(TANGER, { due: ago(5) });
  for (const late of [false, false, false, true]) await seed(TANGER, { closed: ago(10), lateDecision: late });
  await seed(TANGER, { closed: ago(100), lateDecision: true });
  // Assilah: one open case without a due instant (waiting), nothing decided.
  await seed(ASSILAH, { due: null });
  // Tétouan (another province): late cases that Tanger's supervisor must never count.
  await seed(TETOUAN, { due: ago(30) });
  await seed(TETOUAN, { closed: ago(1), lateDecision: true });
}, 60_000);
afterAll(async () => t?.drop());

describe('the supervision dashboard', () => {
  it('should count open, late and decided cases per commune of the province, with the oldest late case', async () => {
    const d = await supervisionDashboard(deps, principal('supervisorProvince'), { days: 30 });
    expect(d.rows.map((r) => r.unit.code)).toEqual([TANGER, ASSILAH]);
    const [tanger, assilah] = d.rows;
    expect(tanger).toMatchObject({ open: 3, late: 2, decided: 4, decidedLate: 1, compliance: 0.75 });
    expect(tanger?.oldestLate).toMatchObject({ caseId: 'dash-3', dueAt: ago(5) });
    expect(assilah).toMatchObject({ open: 1, late: 0, decided: 0, decidedLate: 0, compliance: null });
    expect(assilah?.oldestLate).toBeUndefined();
    expect(d.totals).toMatchObject({ open: 4, late: 2, decided: 4, decidedLate: 1, compliance: 0.75 });
  });

  it('should widen the compliance period when asked, and refuse a period it does not offer', async () => {
    const year = await supervisionDashboard(deps, principal('supervisorProvince'), { days: 365 });
    expect(year.rows[0]).toMatchObject({ decided: 5, decidedLate: 2, compliance: 0.6 });
    for (const days of [0, 31, -7, 1e9, NaN]) {
      await expect(supervisionDashboard(deps, principal('supervisorProvince'), { days })).rejects.toMatchObject({ kind: 'invalid', fields: [{ path: 'period' }] });
    }
  });

  it('should roll communes up into their province for a region supervisor', async () => {
    const d = await supervisionDashboard(deps, principal('supervisorRegion'), { days: 30 });
    expect(d.rows.map((r) => [r.unit.code, r.open, r.late, r.decided, r.decidedLate])).toEqual([
      ['01.511', 4, 2, 4, 1],
      ['01.521', 1, 1, 1, 1],
    ]);
    expect(d.rows[1]?.oldestLate?.caseId).toBe(`dash-${n - 1}`);
  });

  it('should show another province nothing of this one', async () => {
    const d = await supervisionDashboard(deps, principal('supervisorOtherProvince'), { days: 30 });
    expect(d.rows.map((r) => r.unit.code)).toEqual([TETOUAN]);
    expect(d.totals).toMatchObject({ open: 1, late: 1, decided: 1, decidedLate: 1, compliance: 0 });
  });

  it.each(['agent', 'applicant', 'admin'] as const)('should refuse the dashboard to %s', async (who) => {
    const err = await supervisionDashboard(deps, principal(who), { days: 30 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UseCaseError);
    expect((err as UseCaseError).kind).toBe('forbidden');
  });

  it('should read every number from the dashboard indexes, never the whole table', async () => {
    const client = await t.db.connect();
    try {
      // A handful of rows makes a sequential scan cheapest; forbid it to see which index each read can use.
      await client.query('SET enable_seqscan = off');
      const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${DASHBOARD_SQL}`, [[TANGER, ASSILAH], [TANGER, ASSILAH], NOW.toISOString(), ago(30), NOW.toISOString()]))
        .rows.map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).not.toMatch(/Seq Scan on cases/);
      for (const index of ['cases_unit_open_due', 'cases_unit_closed ', 'cases_unit_closed_late']) expect(plan).toContain(index);
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });
});
