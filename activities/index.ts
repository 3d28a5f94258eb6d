/**
 * Every activity of the case workflow, built from its dependencies. The worker entry point makes
 * the dependencies (pool, directory, mail channel, calendars) once and hands them here.
 */
import type { Db } from '../db/pool';
import { createClockActivities, type CalendarSource } from './clocks';
import { createNotificationActivities, type Channel, type NotificationLog, type RecipientDirectory } from './notifications';
import { createProjectionActivities } from './projection';
import { createServiceActivities, type Service } from './services';
import type { MasarActivities } from './types';

export interface ActivityDeps {
  db: Db;
  directory: RecipientDirectory;
  channel: Channel;
  calendars: CalendarSource;
  services?: Record<string, Service>;
  log?: NotificationLog;
}

export function createActivities(deps: ActivityDeps): MasarActivities {
  return {
    ...createClockActivities({ calendars: deps.calendars }),
    ...createNotificationActivities({ db: deps.db, directory: deps.directory, channel: deps.channel, ...(deps.log ? { log: deps.log } : {}) }),
    ...createProjectionActivities({ db: deps.db }),
    ...createServiceActivities({ services: deps.services ?? {} }),
  };
}
