/**
 * Calendars in force: the shipped YAML calendar is the base; every change an administrator records
 * is stored whole in the `calendars` table (version + 1 each time), and that stored copy wins.
 */
import type { Calendar } from '../definitions/calendar';
import { loadCalendar } from '../definitions/calendar-file';
import { CalendarError, CALENDAR_ID, validateCalendar } from '../definitions/calendar-schema';
import type { Db } from './pool';

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
 * administrators recording at once cannot lose one change). @returns false when someone else won.
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

/**
 * A calendar source for activities, cached for a short time so 10,000 clock recomputations do not
 * read the same row 10,000 times. A caller that names a version (a recompute signalled for version
 * N) never gets an older cached copy: the row is read again, and if it is still older (a signal
 * that outran the commit) the call throws a retryable error, so the activity retries.
 */
export function createDbCalendarSource(db: Db, { ttlMs = 2_000 }: { ttlMs?: number } = {}) {
  const cache = new Map<string, { at: number; calendar: Calendar }>();
  return {
    async current(id: string, minVersion = 0): Promise<Calendar> {
      const hit = cache.get(id);
      if (hit && Date.now() - hit.at < ttlMs && hit.calendar.version >= minVersion) return hit.calendar;
      const calendar = await currentCalendar(db, id);
      if (!calendar) throw new Error(`calendar "${id}" not found in the calendars table nor in definitions/calendars/`);
      if (calendar.version < minVersion) {
        throw new Error(`calendar "${id}" is at version ${calendar.version}, version ${minVersion} was asked for: not stored yet`);
      }
      cache.set(id, { at: Date.now(), calendar });
      return calendar;
    },
  };
}
