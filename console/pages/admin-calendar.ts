/**
 * The administrator's calendar page: the holidays of a year with their status (fixed holidays are
 * official; religious ones provisional until their date is announced), the closures, and the forms
 * that record an announced date or a closure. Recording is the calendar use case's: it saves the
 * next version and starts the durable recomputation that moves the running clocks.
 */
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { daysOffInYear, type Calendar } from '../../definitions/calendar';
import { UseCaseError, type FieldError } from '../../usecases/errors';
import { authorizeCalendarChange, readCalendar, recordCalendarChange, type CalendarChange } from '../../usecases/calendar';
import { languageOf, page, renderPage, signedIn, type ConsoleContext } from '../context';

const YearQuery = z.object({
  year: z.coerce.number().int().min(1900).max(2200).optional(),
  recorded: z.enum(['holiday', 'closure']).optional(),
});
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HolidayForm = z.object({
  holiday: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'choose one of the religious holidays listed'),
  hijriYear: z.coerce.number({ error: 'write the Hijri year, e.g. 1448' }).int('write the Hijri year, e.g. 1448').min(1300, 'a Hijri year from 1300 to 1600').max(1600, 'a Hijri year from 1300 to 1600'),
  start: z.string().regex(DATE, 'write the first day as YYYY-MM-DD'),
  status: z.enum(['official', 'provisional'], 'official or provisional'),
  source: z.string().trim().max(500, 'at most 500 characters').optional(),
});
const ClosureForm = z.object({
  date: z.string().regex(DATE, 'write the day as YYYY-MM-DD'),
  nameFr: z.string().trim().min(1, 'name the closure in French').max(200, 'at most 200 characters'),
  nameAr: z.string().trim().min(1, 'name the closure in Arabic').max(200, 'at most 200 characters'),
  source: z.string().trim().max(500, 'at most 500 characters').optional(),
});

const fieldErrors = (error: z.ZodError): FieldError[] => error.issues.map((i) => ({ path: String(i.path[0] ?? 'form'), message: i.message }));
const byField = (errors: FieldError[]) => Object.fromEntries(errors.map((e) => [e.path, e.message]));

/** The holidays of `year` (first days only, with their length) and the year's closures. */
export function yearView(calendar: Calendar, year: number, lang: 'fr' | 'ar') {
  const holidays = daysOffInYear(calendar, year).flatMap(({ date, reason }) =>
    reason.kind === 'holiday' && reason.day === 1
      ? [{ date, name: reason.name[lang], status: reason.status, days: reason.days, holiday: reason.holiday, hijriYear: reason.hijriYear === undefined ? undefined : String(reason.hijriYear) }]
      : [],
  );
  const closures = calendar.closures.filter((c) => c.date.startsWith(`${year}-`)).map((c) => ({ date: c.date, name: c.name[lang], source: c.source }));
  return { holidays, closures };
}

export function registerAdminCalendarPages(router: Router, ctx: ConsoleContext): void {
  const calendarId = ctx.options.calendarId;

  async function show(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200, yearAsked?: number): Promise<void> {
    const lang = languageOf(req);
    const calendar = await readCalendar(ctx.useCases, calendarId);
    const query = YearQuery.safeParse(req.query);
    const year = yearAsked ?? (query.success ? query.data.year : undefined) ?? ctx.useCases.now().getUTCFullYear();
    renderPage(
      ctx,
      req,
      res,
      'admin/calendar',
      'admin.calendar.title',
      {
        calendar: { id: calendar.id, version: calendar.version, title: calendar.title[lang], timeZone: calendar.timeZone },
        year,
        previousYear: year - 1,
        nextYear: year + 1,
        ...yearView(calendar, year, lang),
        religiousHolidays: Object.entries(calendar.religiousHolidays).map(([key, def]) => ({ key, name: def.name[lang] })),
        recorded: query.success ? query.data.recorded : undefined,
        holidayForm: { status: 'official' },
        closureForm: {},
        ...extra,
      },
      status,
    );
  }

  async function record(req: Request, res: Response, change: CalendarChange, form: 'holidayForm' | 'closureForm', values: Record<string, unknown>): Promise<void> {
    const p = signedIn(req, res);
    if (!p) return;
    try {
      const recorded = await recordCalendarChange(ctx.useCases, p, calendarId, change);
      res.redirect(303, `/admin/calendar?year=${recorded.changed.slice(0, 4)}&recorded=${change.kind === 'religious' ? 'holiday' : 'closure'}`);
    } catch (err) {
      if (!(err instanceof UseCaseError) || err.kind !== 'invalid') throw err;
      const errors = err.fields ?? [{ path: 'form', message: err.message }];
      await show(req, res, { [form]: { ...values, errors: byField(errors) }, [`${form}Errors`]: errors }, 422);
    }
  }

  router.get(
    '/admin/calendar',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      // Admins only: this page is where holidays are recorded (reading the calendar alone is open to all).
      authorizeCalendarChange(p);
      await show(req, res);
    }),
  );

  router.post(
    '/admin/calendar/holidays',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      authorizeCalendarChange(p);
      const values = (req.body ?? {}) as Record<string, unknown>;
      const form = HolidayForm.safeParse(values);
      if (!form.success) {
        const errors = fieldErrors(form.error);
        return show(req, res, { holidayForm: { ...values, errors: byField(errors) }, holidayFormErrors: errors }, 422);
      }
      const { source, ...rest } = form.data;
      await record(req, res, { kind: 'religious', ...rest, ...(source ? { source } : {}) }, 'holidayForm', values);
    }),
  );

  router.post(
    '/admin/calendar/closures',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      authorizeCalendarChange(p);
      const values = (req.body ?? {}) as Record<string, unknown>;
      const form = ClosureForm.safeParse(values);
      if (!form.success) {
        const errors = fieldErrors(form.error);
        return show(req, res, { closureForm: { ...values, errors: byField(errors) }, closureFormErrors: errors }, 422);
      }
      const { date, nameFr, nameAr, source } = form.data;
      await record(req, res, { kind: 'closure', date, name: { fr: nameFr, ar: nameAr }, ...(source ? { source } : {}) }, 'closureForm', values);
    }),
  );
}
