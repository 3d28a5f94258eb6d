/**
 * Calendars as the API edits them: the shipped YAML calendar is the base; every change an admin
 * records through the API is stored whole in the `calendars` table (version + 1 each time), and
 * that stored copy wins over the file from then on.
 */
import type { Calendar } from '../definitions/calendar';
import { loadCalendar } from '../definitions/calendar-file';
import { CalendarError, CALENDAR_ID, validateCalendar } from '../definitions/calendar-schema';
import type { Db } from '../db/pool';

/** The calendar in force: the stored copy, else the shipped file; undefined when neither exists. */
export async function currentCalendar(db: Db, id: string): Promise<Calendar | undefined> {
  if (!CALENDAR_ID.test(id)) return undefined;
  const res = await db.query<{ body: unknown }>('SELECT body FROM calendars WHERE id = $1', [id]);
  if (res.rows[0]) return validateCalendar(res.rows[0].body, `calendars table: ${id}`);
  try {
    return loadCalendar(id);
  } catch (err) {
    if (err instanceof CalendarError) return undefined;
    throw err;
  }
}

/**
 * Stores `next` if the stored version is still `previousVersion` (optimistic concurrency: two
 * admins recording at once cannot lose one change). @returns false when someone else won.
 */
export async function saveCalendar(db: Db, next: Calendar, previousVersion: number): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO calendars AS c (id, version, body, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, body = EXCLUDED.body, updated_at = now()
     WHERE c.version = $4`,
    [next.id, next.version, JSON.stringify(next), previousVersion],
  );
  return res.rowCount === 1;
}
