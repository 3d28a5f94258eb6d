/**
 * Every activity of the case workflow, built from its dependencies. The worker entry point makes
 * the dependencies (pool, directory, mail channel, calendars) once and hands them here.
 */
import type { Client } from '@temporalio/client';
import type { JournalKey } from '../db/journal-keys';
import type { Db } from '../db/pool';
import { createAttentionActivities } from './attention';
import { createCalendarBroadcastActivities } from './calendar-broadcast';
import { calendarMovesSince, calendarVersionNow } from './calendar-pass';
import { createClockActivities, type CalendarSource } from './clocks';
import { failPermanentlyWhenHopeless } from './failures';
import type { DocumentIssuer } from '../documents/issue';
import { createNotificationActivities, type Channel, type NotificationLog, type PrivacyNotice, type RecipientDirectory } from './notifications';
import { createProjectionActivities } from './projection';
import { createRetentionActivities } from './retention';
import type { DocumentStore } from '../documents/store';
import { createServiceActivities, type Service } from './services';
import type { MasarActivities, WorkerActivities } from './types';

export interface ActivityDeps {
  db: Db;
  directory: RecipientDirectory;
  channel: Channel;
  calendars: CalendarSource;
  /**
   * A Temporal client, for the calendar broadcast's signals to running cases. Production workers
   * always have one; without it the broadcast activity is not registered (case activities only).
   */
  client?: Client;
  services?: Record<string, Service>;
  log?: NotificationLog;
  /** Signs the journal (MASAR_JOURNAL_KEY); without it entries are written unsigned. */
  journalKey?: JournalKey;
  /** The address people reach Masar at, for links in messages. @default http://127.0.0.1:8080 */
  publicUrl?: string;
  /** Issues the sealed receipt and decision attached to the applicant's messages. @default none */
  documents?: DocumentIssuer;
  /** The processing notice receipts carry (law 09-08). @default DEFAULT_PRIVACY_NOTICE */
  privacy?: PrivacyNotice;
  /** The retention job's document store and default period; with `client`, registers its activities. */
  retention?: { store: DocumentStore; defaultPeriod: string };
}

export function createActivities(deps: ActivityDeps & { client: Client }): WorkerActivities;
export function createActivities(deps: ActivityDeps): MasarActivities;
export function createActivities(deps: ActivityDeps): MasarActivities | WorkerActivities {
  const clocks = createClockActivities({ calendars: deps.calendars });
  const projection = createProjectionActivities({ db: deps.db, calendars: deps.calendars, ...(deps.journalKey ? { journalKey: deps.journalKey } : {}) });
  return {
    // Clocks and projection fail at once on an error no retry fixes; the case then asks for attention.
    computeDue: failPermanentlyWhenHopeless(clocks.computeDue),
    remainingTime: failPermanentlyWhenHopeless(clocks.remainingTime),
    resumeDue: failPermanentlyWhenHopeless(clocks.resumeDue),
    ...createNotificationActivities({
      db: deps.db,
      directory: deps.directory,
      channel: deps.channel,
      ...(deps.log ? { log: deps.log } : {}),
      ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
      ...(deps.documents ? { documents: deps.documents } : {}),
      ...(deps.privacy ? { privacy: deps.privacy } : {}),
    }),
    project: failPermanentlyWhenHopeless(projection.project),
    ...createAttentionActivities({ db: deps.db }),
    calendarState: failPermanentlyWhenHopeless(async ({ caseId, calendarId, since }: { caseId: string; calendarId: string; since: number }) => ({
      version: await calendarVersionNow(deps.db, deps.calendars, calendarId),
      moves: await calendarMovesSince(deps.db, caseId, since),
    })),
    ...createServiceActivities({ services: deps.services ?? {} }),
    ...(deps.client ? createCalendarBroadcastActivities({ db: deps.db, client: deps.client, calendars: deps.calendars }) : {}),
    ...(deps.client && deps.retention
      ? createRetentionActivities({ db: deps.db, client: deps.client, ...deps.retention, ...(deps.journalKey ? { journalKey: deps.journalKey } : {}) })
      : {}),
  };
}
