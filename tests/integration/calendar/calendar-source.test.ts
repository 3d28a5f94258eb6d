import { createDbCalendarSource, currentCalendar, saveCalendar } from '../../../db/calendars';
import { recordClosure } from '../../../definitions/calendar';
import { createTestDb, type TestDb } from '../../support/db';

let testDb: TestDb;

beforeAll(async () => {
  testDb = await createTestDb();
});

afterAll(async () => {
  await testDb.drop();
});

describe('createDbCalendarSource', () => {
  it('should answer from its cache, but read again when a newer version is asked for', async () => {
    const source = createDbCalendarSource(testDb.db, { ttlMs: 60_000 });
    const before = await source.current('ma-administration');
    const next = recordClosure(before, { date: '2027-03-10', name: { fr: 'Fermeture exceptionnelle', ar: 'عطلة استثنائية' } });
    expect(await saveCalendar(testDb.db, next, before.version)).toBe(true);

    expect((await source.current('ma-administration')).version).toBe(before.version);
    const fresh = await source.current('ma-administration', next.version);
    expect(fresh.version).toBe(next.version);
    expect(fresh.closures?.some((c) => c.date === '2027-03-10')).toBe(true);
    // The fresh copy is now the cached one.
    expect((await source.current('ma-administration')).version).toBe(next.version);
  });

  it('should refuse to answer an older calendar than the version asked for', async () => {
    const source = createDbCalendarSource(testDb.db, { ttlMs: 60_000 });
    const stored = await currentCalendar(testDb.db, 'ma-administration');
    const ahead = (stored?.version ?? 0) + 1;
    await expect(source.current('ma-administration', ahead)).rejects.toThrow(
      `calendar "ma-administration" is at version ${stored?.version}, version ${ahead} was asked for`,
    );
  });
});
