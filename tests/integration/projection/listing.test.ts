/**
 * Inboxes and case lists read several roles or units at once, page by page: every page chain must
 * give exactly the rows, in exactly the order, that one sort of everything would give, through ties
 * on due dates and filing instants and tasks without a due date.
 */
import { decodeCursor, listCases, listInbox, type CaseSort } from '../../../db/cases';
import { createTestDb, type TestDb } from '../../support/db';

let testDb: TestDb;

interface Row {
  caseId: string;
  unit: string;
  procedureId: string;
  status: 'open' | 'closed';
  filedAt: string;
  updatedAt: string;
  tasks: { position: number; role: string; dueAt: string | null }[];
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UNITS = ['u.001', 'u.002', 'u.003'];
const ROLES = ['agent', 'reviewer', 'urbanism_officer'];
const rows: Row[] = [];

beforeAll(async () => {
  testDb = await createTestDb();
  const rnd = random(31_13);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  // Few distinct instants, so many rows tie on them.
  const instant = (day: number) => new Date(Date.UTC(2027, 0, 4 + day, 9)).toISOString();
  for (let i = 0; i < 150; i++) {
    const status = rnd() < 0.7 ? 'open' : 'closed';
    const taskCount = status === 'open' ? (rnd() < 0.3 ? 2 : 1) : 0;
    rows.push({
      caseId: `c-${String(i).padStart(4, '0')}`,
      unit: pick(UNITS),
      procedureId: pick(['permis-construire', 'acces-information']),
      status,
      filedAt: instant(Math.floor(rnd() * 6)),
      updatedAt: instant(10 + Math.floor(rnd() * 4)),
      tasks: Array.from({ length: taskCount }, (_, position) => ({
        position,
        role: pick(ROLES),
        dueAt: rnd() < 0.2 ? null : instant(20 + Math.floor(rnd() * 5)),
      })),
    });
  }
  for (const r of rows) {
    const view = { caseId: r.caseId, tasks: r.tasks.map((t) => ({ state: 'review', role: t.role, level: 'unit', unit: r.unit, dueAt: t.dueAt })) };
    await testDb.db.query(
      `INSERT INTO cases (case_id, reference, procedure_id, procedure_version, procedure_hash, unit_code, applicant_id, filed_by,
         state, status, filed_at, last_sequence, view, facts, data, updated_at)
       VALUES ($1, $1, $2, 1, 'h', $3, 'citizen', 'citizen', 'review', $4, $5, 1, $6, '{}', '{}', $7)`,
      [r.caseId, r.procedureId, r.unit, r.status, r.filedAt, JSON.stringify(view), r.updatedAt],
    );
    for (const t of r.tasks) {
      await testDb.db.query(
        `INSERT INTO case_tasks (case_id, position, state, role, level, unit_code, opened_at, due_at)
         VALUES ($1, $2, 'review', $3, 'unit', $4, $5, $6)`,
        [r.caseId, t.position, t.role, r.unit, r.filedAt, t.dueAt],
      );
    }
  }
});

afterAll(async () => {
  await testDb.drop();
});

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

describe('listInbox', () => {
  async function allPages(unit: string, roles: string[], procedureId?: string): Promise<string[]> {
    const seen: string[] = [];
    let cursor: (string | number | null)[] | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await listInbox(testDb.db, { unit, roles, ...(procedureId ? { procedureId } : {}) }, { limit: 4, ...(cursor ? { cursor } : {}) });
      for (const item of page.items) seen.push(`${item.case.view.caseId}#${item.task.role}`);
      if (!page.next) return seen;
      cursor = decodeCursor(page.next, 3);
    }
    throw new Error('more than 100 pages: the cursor does not advance');
  }

  function expected(unit: string, roles: string[], procedureId?: string): string[] {
    return rows
      .filter((r) => r.unit === unit && (!procedureId || r.procedureId === procedureId))
      .flatMap((r) => r.tasks.filter((t) => roles.includes(t.role)).map((t) => ({ r, t })))
      .sort(
        (a, b) =>
          cmp(a.t.dueAt ?? '9999', b.t.dueAt ?? '9999') || cmp(a.r.caseId, b.r.caseId) || cmp(a.t.position, b.t.position),
      )
      .map(({ r, t }) => `${r.caseId}#${t.role}`);
  }

  it.each(UNITS)('should page through every task of unit %s for several roles in due order, undated last', async (unit) => {
    const roles = ['agent', 'reviewer'];
    const want = expected(unit, roles);
    expect(want.length).toBeGreaterThan(8);
    expect(await allPages(unit, roles)).toEqual(want);
  });

  it('should list a task once when a role is named twice, and filter by procedure', async () => {
    expect(await allPages('u.001', ['agent', 'agent', 'urbanism_officer'])).toEqual(expected('u.001', ['agent', 'urbanism_officer']));
    const want = expected('u.002', ROLES, 'permis-construire');
    expect(want.length).toBeGreaterThan(4);
    expect(await allPages('u.002', ROLES, 'permis-construire')).toEqual(want);
  });
});

describe('listCases over several units', () => {
  async function allPages(units: string[], sort: CaseSort, status?: 'open' | 'closed'): Promise<string[]> {
    const seen: string[] = [];
    let cursor: [string, string] | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await listCases(testDb.db, { scope: { units }, ...(status ? { status } : {}) }, { limit: 6, sort, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((c) => c.view.caseId));
      if (!page.next) return seen;
      cursor = decodeCursor(page.next, 2) as [string, string];
    }
    throw new Error('more than 100 pages: the cursor does not advance');
  }

  function expected(units: string[], sort: CaseSort, status?: 'open' | 'closed'): string[] {
    const key = sort.endsWith('filedAt') ? 'filedAt' : 'updatedAt';
    const dir = sort.startsWith('-') ? -1 : 1;
    return rows
      .filter((r) => units.includes(r.unit) && (!status || r.status === status))
      .sort((a, b) => dir * (cmp(a[key], b[key]) || cmp(a.caseId, b.caseId)))
      .map((r) => r.caseId);
  }

  it.each<[CaseSort, 'open' | undefined]>([
    ['-filedAt', 'open'],
    ['-filedAt', undefined],
    ['filedAt', 'open'],
    ['-updatedAt', undefined],
    ['updatedAt', 'open'],
  ])('should page in %s order (status %s) exactly as one sort of all the units would', async (sort, status) => {
    const units = ['u.001', 'u.003'];
    const want = expected(units, sort, status);
    expect(want.length).toBeGreaterThan(20);
    expect(await allPages(units, sort, status)).toEqual(want);
  });

  it('should read a unit named twice once', async () => {
    expect(await allPages(['u.002', 'u.002', 'u.001'], '-filedAt')).toEqual(expected(['u.001', 'u.002'], '-filedAt'));
  });
});
