/**
 * Who may read and manage what, as use cases without HTTP, on a real PostgreSQL with the real
 * projection. The engine is a stand-in that fails the test if a use case reaches it: every rule here
 * is decided before Temporal is asked.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createProjectionActivities } from '../../../activities/projection';
import { TEMPLATE_NAMES } from '../../../activities/notifications/render';
import { createDirectory } from '../../../db/directory';
import { loadCalendar } from '../../../definitions/calendar-file';
import type { CaseEngine } from '../../../usecases/case-engine';
import { applyCalendarChange, computeDeadline, recordCalendarChange, type CalendarChange } from '../../../usecases/calendar';
import type { UseCaseDeps } from '../../../usecases/deps';
import { UseCaseError, type UseCaseErrorKind } from '../../../usecases/errors';
import { escalations, taskInbox } from '../../../usecases/inbox';
import type { Principal } from '../../../usecases/principal';
import { publishProcedure, readProcedure, validateProcedure } from '../../../usecases/procedures';
import { listCases, readCase, readCaseJournal } from '../../../usecases/read-cases';
import { createTestDb, type TestDb } from '../../support/db';
import { ASSILAH, CALLERS, TANGER, TETOUAN, UNITS, type CallerName } from '../api/api-harness';
import { projection, type FixtureCase } from '../projection/case-fixtures';

const unreachable = (): never => {
  throw new Error('the engine was reached: this rule must be decided before Temporal is asked');
};
const engine: CaseEngine = {
  start: unreachable,
  view: unreachable,
  act: unreachable,
  rectifyContact: unreachable,
  filed: unreachable,
  calendarChanged: unreachable,
  retryAttention: unreachable,
  ping: unreachable,
};

let t: TestDb;
let deps: UseCaseDeps;
const A: FixtureCase = { caseId: 'uc-a-tanger', reference: 'AI-2026-000001', unit: TANGER, applicantId: CALLERS.applicant.sub, filedAt: '2026-03-02T09:00:00.000Z' };
const B: FixtureCase = { caseId: 'uc-b-tetouan', reference: 'AI-2026-000002', unit: TETOUAN, applicantId: CALLERS.otherApplicant.sub, filedAt: '2026-03-03T09:00:00.000Z' };
const C: FixtureCase = { caseId: 'uc-c-assilah', reference: 'AI-2026-000003', unit: ASSILAH, applicantId: CALLERS.applicant.sub, filedAt: '2026-03-04T09:00:00.000Z' };

beforeAll(async () => {
  t = await createTestDb();
  const directory = createDirectory(t.db);
  await directory.upsertUnits(UNITS);
  deps = { db: t.db, engine, directory, now: () => new Date('2026-03-10T09:00:00Z') };
  const { project } = createProjectionActivities({ db: t.db });
  await project(projection(A, 1));
  await project(projection(B, 1));
  await project(
    projection(C, 2, 1, {
      escalation: { level: 'province', unit: '01.511', units: ['01.511'], at: '2026-04-01T09:00:00.000Z', since: '2026-04-01T09:00:00.000Z', clock: 'answer' },
      tasks: [{ state: 'step_2', role: 'supervisor', level: 'province', unit: '01.511', openedAt: '2026-04-01T09:00:00.000Z', actions: ['escalation.decide'] }],
    }),
  );
});
afterAll(async () => {
  await t?.drop();
});

const as = (who: CallerName): Principal => ({ lang: 'fr', ...CALLERS[who] });

async function kindOf(call: () => unknown): Promise<UseCaseErrorKind | 'ok'> {
  try {
    await call();
    return 'ok';
  } catch (err) {
    if (err instanceof UseCaseError) return err.kind;
    throw err;
  }
}

describe('readCase and readCaseJournal by role and unit scope', () => {
  // [caller, case, outcome, personal data shown]
  const table: [CallerName, FixtureCase, UseCaseErrorKind | 'ok', boolean][] = [
    ['applicant', A, 'ok', true],
    ['applicant', B, 'not-found', false],
    ['otherApplicant', A, 'not-found', false],
    ['agent', A, 'ok', true],
    ['agent', B, 'forbidden', false],
    ['agentAssilah', C, 'ok', true],
    ['supervisorProvince', A, 'ok', false],
    ['supervisorProvince', C, 'ok', true],
    ['supervisorOtherProvince', A, 'forbidden', false],
    ['supervisorRegion', B, 'ok', false],
    ['admin', A, 'forbidden', false],
  ];
  it.each(table.map(([who, c, outcome, personal]) => [who, c.caseId, outcome, c, personal] as const))('should answer %s on %s: %s', async (who, _id, outcome, c, personal) => {
    expect(await kindOf(() => readCase(deps, as(who), c.caseId))).toBe(outcome);
    expect(await kindOf(() => readCaseJournal(deps, as(who), c.caseId, { after: 0, limit: 10 }))).toBe(outcome);
    if (outcome === 'ok') expect((await readCase(deps, as(who), c.caseId)).access.personal).toBe(personal);
  });

  it('should say not-found for a case that does not exist, whoever asks', async () => {
    for (const who of ['applicant', 'agent', 'admin'] as const) expect(await kindOf(() => readCase(deps, as(who), 'no-such-case'))).toBe('not-found');
  });

  it('should page the journal', async () => {
    const first = await readCaseJournal(deps, as('applicant'), C.caseId, { after: 0, limit: 1 });
    expect(first.items.map((e) => e.sequence)).toEqual([1]);
    expect(first.next).toBe(1);
    const rest = await readCaseJournal(deps, as('applicant'), C.caseId, { after: 1, limit: 10 });
    expect(rest.items.map((e) => e.sequence)).toEqual([2]);
    expect(rest.next).toBeUndefined();
  });
});

describe('lists', () => {
  it.each<[CallerName, string[]]>([
    ['applicant', [A.caseId, C.caseId]],
    ['agent', [A.caseId]],
    ['supervisorProvince', [A.caseId, C.caseId]],
    ['supervisorRegion', [A.caseId, B.caseId, C.caseId]],
  ])('should list for %s exactly the cases in scope', async (who, expected) => {
    const page = await listCases(deps, as(who), {}, { limit: 20, sort: '-filedAt' });
    expect(page.items.map((i) => i.record.view.caseId).sort()).toEqual(expected.sort());
  });

  it('should refuse lists to whoever has no business with them', async () => {
    expect(await kindOf(() => listCases(deps, as('admin'), {}, { limit: 20, sort: '-filedAt' }))).toBe('forbidden');
    for (const who of ['applicant', 'admin'] as const) expect(await kindOf(() => taskInbox(deps, as(who), {}, { limit: 20 }))).toBe('forbidden');
    for (const who of ['applicant', 'agent', 'admin'] as const) expect(await kindOf(() => escalations(deps, as(who), { limit: 20 }))).toBe('forbidden');
  });

  it('should give supervisors the escalations at their unit and below only', async () => {
    const ids = async (who: CallerName) => (await escalations(deps, as(who), { limit: 20 })).items.map((i) => i.record.view.caseId);
    expect(await ids('supervisorProvince')).toEqual([C.caseId]);
    expect(await ids('supervisorRegion')).toEqual([C.caseId]);
    expect(await ids('supervisorOtherProvince')).toEqual([]);
  });
});

describe('procedures', () => {
  const source = readFileSync(path.join(__dirname, '..', '..', '..', 'definitions', 'procedures', 'acces-information.yaml'), 'utf8');
  const definitions = { knownTemplates: new Set<string>(TEMPLATE_NAMES) };

  it.each<CallerName>(['applicant', 'agent', 'supervisorRegion'])('should refuse validating and publishing to %s', async (who) => {
    expect(await kindOf(() => validateProcedure(as(who), source, definitions))).toBe('forbidden');
    expect(await kindOf(() => publishProcedure(deps, as(who), source, definitions))).toBe('forbidden');
  });

  it('should publish once, accept the same content again, and refuse other content under the same version', async () => {
    expect((await publishProcedure(deps, as('admin'), source, definitions)).outcome).toBe('published');
    expect((await publishProcedure(deps, as('admin'), source, definitions)).outcome).toBe('unchanged');
    const changed = source.replace(/title:\s*\n\s*fr: [^\n]+/, (m) => `${m} (modifié)`);
    expect(changed).not.toBe(source);
    await expect(publishProcedure(deps, as('admin'), changed, definitions)).rejects.toMatchObject({ kind: 'conflict', code: 'procedure-version-exists' });
    expect((await readProcedure(deps, 'acces-information')).versions).toHaveLength(1);
    // Only the shipped version exists: the refused content made no new one.
    const shipped = Number(/^version: (\d+)$/m.exec(source)?.[1]);
    expect((await readProcedure(deps, 'acces-information')).versions.map((v) => v.version)).toEqual([shipped]);
    expect(await kindOf(() => readProcedure(deps, 'acces-information', shipped + 1))).toBe('not-found');
  });

  it('should list every problem of a broken definition with its line', async () => {
    const broken = source.replace('to: answered', 'to: answred');
    try {
      validateProcedure(as('admin'), broken, definitions);
      throw new Error('expected the definition to be refused');
    } catch (err) {
      expect(err).toBeInstanceOf(UseCaseError);
      const e = err as UseCaseError;
      expect(e).toMatchObject({ kind: 'invalid', code: 'invalid-definition' });
      expect(e.fields?.[0]).toMatchObject({ message: expect.stringContaining('answred'), line: expect.any(Number) });
    }
  });
});

describe('calendar', () => {
  const closure = (date: string): CalendarChange => ({ kind: 'closure', date, name: { fr: 'Fermeture', ar: 'إغلاق' } });

  it.each<CallerName>(['applicant', 'agent', 'supervisorRegion'])('should refuse recording a change to %s', async (who) => {
    expect(await kindOf(() => recordCalendarChange(deps, as(who), 'ma-administration', closure('2027-03-15')))).toBe('forbidden');
  });

  it('should say where a change is wrong, and which calendar does not exist', async () => {
    await expect(recordCalendarChange(deps, as('admin'), 'ma-administration', closure('2027-02-30'))).rejects.toMatchObject({ kind: 'invalid', fields: [{ path: 'date' }] });
    await expect(
      recordCalendarChange(deps, as('admin'), 'ma-administration', { kind: 'religious', holiday: 'eid_al_fitr', hijriYear: 1448, start: '2027-05-10' }),
    ).rejects.toMatchObject({ kind: 'invalid', fields: [{ path: 'start' }] });
    expect(await kindOf(() => recordCalendarChange(deps, as('admin'), 'no-such-calendar', closure('2027-03-15')))).toBe('not-found');
    expect(await kindOf(() => computeDeadline(deps, 'no-such-calendar', { from: new Date(), duration: '20 working days', extensions: [] }))).toBe('not-found');
    await expect(computeDeadline(deps, 'ma-administration', { from: new Date(), duration: 'twenty days', extensions: [] })).rejects.toMatchObject({
      kind: 'invalid',
      fields: [{ path: 'duration' }],
    });
  });

  it('should recompute from the earlier of the old and the new start of a moved holiday, whichever way it moves', () => {
    const calendar = loadCalendar('ma-administration');
    const { next } = applyCalendarChange(calendar, { kind: 'religious', holiday: 'eid_al_fitr', hijriYear: 1448, start: '2027-03-10' });
    for (const [start, from] of [
      ['2027-03-11', '2027-03-10'],
      ['2027-03-09', '2027-03-09'],
    ]) {
      expect(applyCalendarChange(next, { kind: 'religious', holiday: 'eid_al_fitr', hijriYear: 1448, start: start! }).from).toBe(from);
    }
    expect(applyCalendarChange(calendar, closure('2027-03-15')).from).toBe('2027-03-15');
  });
});
