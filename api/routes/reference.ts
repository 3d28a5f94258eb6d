/**
 * Reference data: the territorial units (`GET /units`), deadlines as the law counts them
 * (`GET /calendars/{id}/deadline`, the same arithmetic as the workflow's), and calendar holidays
 * (`GET /calendars/{id}/holidays`, and `POST` for admins recording an announced religious holiday
 * or an exceptional closure).
 */
import type { Express } from 'express';
import { z } from 'zod';
import { daysOffInYear, recordClosure, recordHoliday, religiousDateOf, type Calendar } from '../../definitions/calendar';
import { computeDue, MAX_EXTENSIONS } from '../../definitions/deadline';
import { DurationError } from '../../definitions/duration';
import { Label } from '../../definitions/schema';
import { UNIT_KINDS } from '../../db/directory';
import { requireAdmin } from '../access';
import { API, type RouteContext } from '../app';
import { authenticate, principalOf } from '../auth';
import { currentCalendar, saveCalendar } from '../../db/calendars';
import { requireJson, route } from '../http';
import { conflict, notFound, parseOr, unprocessable } from '../problems';
import { intQuery, isoDate, isoInstant } from '../params';

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
  counting: z.enum(['working_days', 'calendar']).optional(),
});

export const HolidayBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('religious'),
    holiday: z.string().regex(/^[a-z][a-z0-9_]*$/),
    hijriYear: z.number().int().min(1300).max(1600),
    start: isoDate(),
    status: z.enum(['official', 'provisional']).optional(),
    source: z.string().max(500).optional(),
  }),
  z.strictObject({
    kind: z.literal('closure'),
    date: isoDate(),
    name: Label,
    source: z.string().max(500).optional(),
  }),
]);

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
      const page = await ctx.deps.directory.listUnits({
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
      const calendar = await currentCalendar(ctx.deps.db, id);
      if (!calendar) throw notFound(`no calendar ${id}`);
      res.json(holidaysView(calendar, year ?? ctx.options.now().getUTCFullYear()));
    }),
  );

  app.get(
    `${API}/calendars/:id/deadline`,
    auth,
    route(async (req, res) => {
      const { id } = parseOr(CalendarParam, req.params, 'params');
      const q = parseOr(DeadlineQuery, req.query, 'query');
      const calendar = await currentCalendar(ctx.deps.db, id);
      if (!calendar) throw notFound(`no calendar ${id}`);
      const extensions = q.extend === undefined ? [] : Array.isArray(q.extend) ? q.extend : [q.extend];
      let due;
      try {
        due = computeDue({ calendar, from: new Date(q.from), duration: q.duration, extensions, ...(q.counting ? { counting: q.counting } : {}) });
      } catch (err) {
        if (err instanceof DurationError) throw unprocessable(err.message, [{ path: 'duration', message: err.message }]);
        throw err;
      }
      res.json({ calendar: { id: calendar.id, version: calendar.version }, due: due.due.toISOString(), dueDate: due.dueDate, skipped: due.skipped });
    }),
  );

  app.post(
    `${API}/calendars/:id/holidays`,
    auth,
    route(async (req, res) => {
      requireAdmin(principalOf(req), 'recording a holiday');
      const { id } = parseOr(CalendarParam, req.params, 'params');
      requireJson(req);
      const body = parseOr(HolidayBody, req.body, 'body');
      const calendar = await currentCalendar(ctx.deps.db, id);
      if (!calendar) throw notFound(`no calendar ${id}`);
      let next: Calendar;
      try {
        next =
          body.kind === 'religious'
            ? recordHoliday(calendar, { holiday: body.holiday, hijriYear: body.hijriYear, start: body.start, ...(body.status ? { status: body.status } : {}), ...(body.source ? { source: body.source } : {}) })
            : recordClosure(calendar, { date: body.date, name: body.name, ...(body.source ? { source: body.source } : {}) });
      } catch (err) {
        throw unprocessable((err as Error).message, [{ path: body.kind === 'religious' ? 'start' : 'date', message: (err as Error).message }]);
      }
      if (!(await saveCalendar(ctx.deps.db, next, calendar.version))) {
        throw conflict('calendar-changed', `calendar ${id} changed while recording (now past version ${calendar.version}); retry`);
      }
      const changed = body.kind === 'religious' ? body.start : body.date;
      // A moved religious date touches deadlines from the earlier of its old and new start.
      // Running cases recompute their deadlines in the background, durably (one workflow per version).
      const replaced = body.kind === 'religious' ? religiousDateOf(calendar, body.holiday, body.hijriYear).start : changed;
      const from = replaced < changed ? replaced : changed;
      const recompute = await ctx.deps.engine.calendarChanged({ calendarId: id, version: next.version, from });
      const year = Number(changed.slice(0, 4));
      res.status(201).json({ ...holidaysView(next, year), recompute: { workflowId: recompute } });
    }),
  );
}
