/**
 * `masar calendar`: records announced holidays and closures in a copy of the shipped calendar
 * file, and in the calendars table of a real PostgreSQL when DATABASE_URL is set.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { currentCalendar } from '../../../db/calendars';
import { religiousDateOf } from '../../../definitions/calendar';
import { CALENDARS_DIR, loadCalendarFile } from '../../../definitions/calendar-file';
import { createTestDb, type TestDb } from '../../support/db';
import { masar } from './capture';

function calendarCopy(): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'masar-calendar-'));
  const file = path.join(dir, 'ma-administration.yaml');
  copyFileSync(path.join(CALENDARS_DIR, 'ma-administration.yaml'), file);
  return { dir, file };
}

const NO_DB = { PATH: process.env.PATH };

describe('masar calendar', () => {
  it('should record the announced Eid al-Fitr 1448 as official and bump the version', async () => {
    const { dir, file } = calendarCopy();
    const before = loadCalendarFile(file);
    const { code, out } = await masar(
      ['calendar', 'set-holiday', '--holiday', 'eid_al_fitr', '--hijri-year', '1448', '--start', '2027-03-11', '--source', 'Communiqué du ministère des Habous', '--file', 'ma-administration.yaml'],
      { cwd: dir, env: NO_DB },
    );
    expect(code).toBe(0);
    expect(out[0]).toBe(`ma-administration.yaml: ma-administration version ${before.version} -> ${before.version + 1}`);
    const after = loadCalendarFile(file);
    expect(after.version).toBe(before.version + 1);
    expect(religiousDateOf(after, 'eid_al_fitr', 1448)).toEqual({ holiday: 'eid_al_fitr', hijriYear: 1448, start: '2027-03-11', status: 'official', source: 'Communiqué du ministère des Habous' });
    const shown = await masar(['calendar', 'show', '--year', '2027', '--file', file], { env: NO_DB });
    expect(shown.out).toContain('  2027-03-11 thursday  Aïd al-Fitr / عيد الفطر, day 1 of 2 [official]');
    expect(shown.out).toContain('  2027-03-12 friday    Aïd al-Fitr / عيد الفطر, day 2 of 2 [official]');
  });

  it('should add an exceptional closure and list it among the days off', async () => {
    const { file } = calendarCopy();
    const { code } = await masar(['calendar', 'add-closure', '--date', '2027-03-15', '--name-fr', 'Fermeture exceptionnelle', '--name-ar', 'عطلة استثنائية', '--file', file], { env: NO_DB });
    expect(code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('  - date: 2027-03-15');
    const shown = await masar(['calendar', 'show', '--year', '2027', '--file', file], { env: NO_DB });
    expect(shown.out).toContain('  2027-03-15 monday    exceptional closure: Fermeture exceptionnelle / عطلة استثنائية');
  });

  it('should refuse a date far from the expected one, leaving the file untouched', async () => {
    const { file } = calendarCopy();
    const text = readFileSync(file, 'utf8');
    const { code, err } = await masar(['calendar', 'set-holiday', '--holiday', 'eid_al_fitr', '--hijri-year', '1448', '--start', '2027-04-11', '--file', file], { env: NO_DB });
    expect(code).toBe(1);
    expect(err[0]).toBe('masar calendar: calendar ma-administration: eid_al_fitr 1448: 2027-04-11 is too far from the expected 2027-03-10; check the date and the Hijri year');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('should say which option is missing', async () => {
    const { code, err } = await masar(['calendar', 'add-closure', '--date', '2027-03-15'], { env: NO_DB });
    expect(code).toBe(2);
    expect(err[0]).toBe('masar calendar: --name-fr is required (e.g. --name-fr "Jour de congé exceptionnel")');
  });

  describe('with DATABASE_URL', () => {
    let test: TestDb;
    beforeAll(async () => {
      test = await createTestDb();
    });
    afterAll(async () => {
      await test.drop();
    });

    it('should store the change in the calendars table and count the running cases to recompute', async () => {
      const { file } = calendarCopy();
      const env = { PATH: process.env.PATH, DATABASE_URL: test.url };
      const first = await masar(['calendar', 'add-closure', '--date', '2027-03-15', '--name-fr', 'Fermeture', '--name-ar', 'عطلة', '--file', file], { env });
      expect(first.code).toBe(0);
      expect(first.out[0]).toMatch(/ma-administration version 2 -> 3, stored in the calendars table$/);
      expect(first.out[1]).toBe('0 running cases to recompute: run `masar calendar broadcast --calendar ma-administration --from 2027-03-15` with TEMPORAL_ADDRESS set');
      expect((await currentCalendar(test.db, 'ma-administration'))?.version).toBe(3);
      // The stored copy is the base of the next change, even when the file is older.
      copyFileSync(path.join(CALENDARS_DIR, 'ma-administration.yaml'), file);
      const second = await masar(['calendar', 'set-holiday', '--holiday', 'eid_al_fitr', '--hijri-year', '1448', '--start', '2027-03-10', '--file', file], { env });
      expect(second.out[0]).toMatch(/version 3 -> 4, stored in the calendars table$/);
      const stored = await currentCalendar(test.db, 'ma-administration');
      expect(stored?.closures.map((c) => c.date)).toContain('2027-03-15');
      expect(loadCalendarFile(file).version).toBe(4);
    });
  });
});
