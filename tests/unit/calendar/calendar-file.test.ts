import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordClosure } from '../../../definitions/calendar';
import { CALENDARS_DIR, loadCalendar, loadCalendarFile, writeCalendarFile } from '../../../definitions/calendar-file';
import { CalendarError, parseCalendar, serializeCalendar } from '../../../definitions/calendar-schema';

const shippedPath = join(CALENDARS_DIR, 'ma-administration.yaml');
const shipped = readFileSync(shippedPath, 'utf8');

const minimal = `id: tiny
version: 1
title: { fr: Petit, ar: صغير }
timeZone: Africa/Casablanca
weekend: [ saturday, sunday ]
religiousHolidays:
  eid_al_fitr: { name: { fr: Aïd al-Fitr, ar: عيد الفطر }, hijri: { month: 10, day: 1 }, days: 2 }
provisional: { method: umm-al-qura, offsetDays: 1 }
`;

function errorsOf(text: string): string[] {
  try {
    parseCalendar(text, 'calendars/tiny.yaml');
  } catch (err) {
    if (err instanceof CalendarError) return err.issues;
    throw err;
  }
  throw new Error('expected a CalendarError');
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'masar-calendar-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('calendar files', () => {
  it('should write back the shipped calendar byte for byte', () => {
    expect(serializeCalendar(parseCalendar(shipped, 'ma-administration.yaml'))).toBe(shipped);
  });

  it('should save a recorded closure that a later load sees', () => {
    const path = join(dir, 'ma-administration.yaml');
    writeFileSync(path, shipped);
    const changed = recordClosure(loadCalendarFile(path), { date: '2025-12-26', name: { fr: 'Fermeture', ar: 'عطلة' } });
    writeCalendarFile(path, changed);
    const reloaded = loadCalendarFile(path);
    expect(reloaded.version).toBe(changed.version);
    expect(reloaded.closures.map((c) => c.date)).toEqual(['2024-04-12', '2025-06-09', '2025-12-26']);
  });

  it('should read a minimal calendar with defaults', () => {
    const calendar = parseCalendar(minimal, 'tiny.yaml');
    expect(calendar.fixedHolidays).toEqual({});
    expect(calendar.closures).toEqual([]);
  });

  it.each([
    ['an impossible date', `${minimal}closures:\n  - { date: 2025-02-30, name: { fr: x, ar: x } }\n`, 'calendars/tiny.yaml: closures[0].date: must be a real date written YYYY-MM-DD (e.g. 2025-03-31)'],
    ['an unknown key', `${minimal}holidays: []\n`, 'calendars/tiny.yaml: (root): unknown key "holidays" (check the spelling; see docs/calendar.md)'],
    ['a missing name', minimal.replace('title: { fr: Petit, ar: صغير }\n', ''), 'calendars/tiny.yaml: title: missing (object required)'],
    ['a bad time zone', minimal.replace('Africa/Casablanca', 'Morocco/Rabat'), 'calendars/tiny.yaml: timeZone: must be an IANA time zone known to Intl (e.g. Africa/Casablanca)'],
    ['a bad fixed day', `${minimal}fixedHolidays:\n  labour_day: { date: 05-32, name: { fr: x, ar: x } }\n`, 'calendars/tiny.yaml: fixedHolidays.labour_day.date: must be a day of the year written MM-DD (e.g. 01-11)'],
    [
      'a date for an undeclared holiday',
      `${minimal}religiousDates:\n  - { holiday: eid_al_adha, hijriYear: 1446, start: 2025-06-07, status: official }\n`,
      'calendars/tiny.yaml: religiousDates[0].holiday: unknown religious holiday "eid_al_adha" (declared under religiousHolidays: eid_al_fitr)',
    ],
    [
      'two dates for the same holiday and year',
      `${minimal}religiousDates:\n  - { holiday: eid_al_fitr, hijriYear: 1446, start: 2025-03-31, status: official }\n  - { holiday: eid_al_fitr, hijriYear: 1446, start: 2025-03-30, status: provisional }\n`,
      'calendars/tiny.yaml: religiousDates[1]: eid_al_fitr 1446 is already dated at religiousDates[0]; keep one entry per holiday and Hijri year',
    ],
    ['a bad status', `${minimal}religiousDates:\n  - { holiday: eid_al_fitr, hijriYear: 1446, start: 2025-03-31, status: announced }\n`, 'calendars/tiny.yaml: religiousDates[0].status:'],
  ])('should report %s with the file and the path', (_, text, expected) => {
    expect(errorsOf(text)).toEqual([expect.stringContaining(expected)]);
  });

  it('should report a YAML syntax error with its line', () => {
    expect(errorsOf('id: tiny\nversion: [1\n')).toEqual([expect.stringMatching(/^calendars\/tiny\.yaml: line \d+: /)]);
  });

  it('should report a missing file by name', () => {
    expect(() => loadCalendarFile(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read calendar file \(ENOENT\)/);
  });

  it('should refuse a file whose id differs from its name', () => {
    const path = join(dir, 'other.yaml');
    writeFileSync(path, minimal);
    expect(() => loadCalendarFile(path)).toThrow('id: "tiny" does not match the file name; rename the file to tiny.yaml or fix the id');
  });

  it('should refuse a calendar reference that is neither an id nor a path', () => {
    expect(() => loadCalendar('Ma Administration')).toThrow('not a calendar id (kebab-case, e.g. ma-administration) nor a path to a .yaml file');
  });
});
