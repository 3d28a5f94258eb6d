/**
 * Reference data: the territorial units (`GET /units`), deadlines as the law counts them
 * (`GET /calendars/{id}/deadline`, the same arithmetic as the workflow's), and calendar holidays
 * (`GET /calendars/{id}/holidays`, and `POST` for admins recording an announced religious holiday
 * or an exceptional closure). The rules are in `usecases/calendar.ts` and `usecases/directory.ts`.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { daysOffInYear, type Calendar } from '../../definitions/calendar';
import { UNIT_KINDS } from '../../db/directory';
import { authorizeCalendarChange, computeDeadline, readCalendar, recordCalendarChange } from '../../usecases/calendar';
import { listUnits } from '../../usecases/directory';
import { authenticate, principalOf } from '../auth';
import { API, type RouteContext } from '../context';
import { requireJson, route } from '../http';
import { parseOr } from '../problems';
import { intQuery, isoInstant } from '../params';
import { MAX_EXTENSIONS } from '../../definitions/deadline';
import { HolidayBody } from '../schemas';
import { Counting, EndOnNonWorkingDay } from '../../definitions/schema';

const UnitsQuery = z.strictObject({
  parent: z.string().max(50).optional(),
  kind: z.enum(UNIT_KINDS as [string, ...string[]]).optional(),
  q: z.string().max(100).optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: intQuery(1, 500).default(50),
  cursor: z.string().max(50).optional(),
});

const CalendarParam = z.strictObject({ id: z.string().regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a calendar id') });
const YearQuery = z.strictObject({ year: intQuery(1900, 2200).optional() });

const DurationText = z.string().min(1).max(60);
/** `?from=<ISO instant>&duration=20 working days&extend=20 working days&extend=...` */
const DeadlineQuery = z.strictObject({
  from: isoInstant(),
  duration: DurationText,
  extend: z.union([DurationText, z.array(DurationText).max(MAX_EXTENSIONS)]).optional(),
  counting: Counting.optional(),
  endOnNonWorkingDay: EndOnNonWorkingDay.optional(),
});

function holidaysView(calendar: Calendar, year: number) {
  return {
    id: calendar.id,
    version: calendar.version,
    year,
    daysOff: daysOffInYear(calendar, year),
    religiousDates: calendar.religiousDates,
    closures: calendar.closures,
  };
}

export function registerReferenceRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);

  app.get(
    `${API}/units`,
    auth,
    route(async (req, res) => {
      const q = parseOr(UnitsQuery, req.query, 'query');
      const page = await listUnits(ctx.useCases, {
        limit: q.limit,
        ...(q.parent ? { parent: q.parent } : {}),
        ...(q.kind ? { kind: q.kind as (typeof UNIT_KINDS)[number] } : {}),
        ...(q.q ? { q: q.q } : {}),
        ...(q.active !== undefined ? { active: q.active } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      res.json({ items: page.units, ...(page.nextCursor ? { next: page.nextCursor } : {}) });
    }),
  );

  app.get(
    `${API}/calendars/:id/holidays`,
    auth,
    route(async (req, res) => {
      const { id } = parseOr(CalendarParam, req.params, 'params');
      const { year } = parseOr(YearQuery, req.query, 'query');
      const calendar = await readCalendar(ctx.useCases, id);
      res.json(holidaysView(calendar, year ?? ctx.options.now().getUTCFullYear()));
    }),
  );

  app.get(
    `${API}/calendars/:id/deadline`,
    auth,
    route(async (req, res) => {
      const { id } = parseOr(CalendarParam, req.params, 'params');
      const q = parseOr(DeadlineQuery, req.query, 'query');
      const extensions = q.extend === undefined ? [] : Array.isArray(q.extend) ? q.extend : [q.extend];
      const { calendar, due } = await computeDeadline(ctx.useCases, id, {
        from: new Date(q.from),
        duration: q.duration,
        extensions,
        counting: q.counting,
        endOnNonWorkingDay: q.endOnNonWorkingDay,
      });
      res.json({
        calendar: { id: calendar.id, version: calendar.version },
        due: due.due.toISOString(),
        dueDate: due.dueDate,
        skipped: due.skipped,
        provisional: due.provisional,
        ...(due.extendedFrom ? { extendedFrom: due.extendedFrom } : {}),
      });
    }),
  );

  app.post(
    `${API}/calendars/:id/holidays`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      // Refused before the body is read (the use case checks again).
      authorizeCalendarChange(p);
      const { id } = parseOr(CalendarParam, req.params, 'params');
      requireJson(req);
      const body = parseOr(HolidayBody, req.body, 'body');
      const recorded = await recordCalendarChange(ctx.useCases, p, id, body);
      const year = Number(recorded.changed.slice(0, 4));
      res.status(201).json({ ...holidaysView(recorded.calendar, year), recompute: { workflowId: recorded.recomputeWorkflowId } });
    }),
  );
}
