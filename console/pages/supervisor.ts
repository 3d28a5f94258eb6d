/**
 * The supervisor's pages: the overdue dashboard (`/supervision`: per unit below theirs, open and late
 * cases, the oldest late one, the compliance rate over a period) and the escalations of their
 * province or region (`/escalations`: how late each case is and the level it reached). Both link to
 * the case page, where take over, reassign within scope and decide are offered.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { UseCaseError } from '../../usecases/errors';
import { escalations } from '../../usecases/inbox';
import { DASHBOARD_PERIODS, supervisionDashboard } from '../../usecases/supervision';
import { languageOf, page, renderPage, signedIn, type ConsoleContext } from '../context';
import { localeOf, translate, type ConsoleLanguage } from '../i18n';
import { elapsedText, labelIn, listCursor } from './people-view';

const DEFAULT_PERIOD = 30;
const PAGE_SIZE = 25;
const PeriodQuery = z.object({ period: z.string().regex(/^\d{1,4}$/).optional() });

const percent = (lang: ConsoleLanguage, rate: number | null) =>
  rate === null ? undefined : new Intl.NumberFormat(localeOf(lang), { style: 'percent', maximumFractionDigits: 0 }).format(rate);

export function registerSupervisorPages(router: Router, ctx: ConsoleContext): void {
  const deps = ctx.useCases;

  router.get(
    '/supervision',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const lang = languageOf(req);
      const query = PeriodQuery.safeParse(req.query);
      const asked = query.success && query.data.period ? Number(query.data.period) : DEFAULT_PERIOD;
      let periodError: string | undefined;
      let dashboard;
      try {
        dashboard = await supervisionDashboard(deps, p, { days: query.success ? asked : Number.NaN });
      } catch (err) {
        if (!(err instanceof UseCaseError) || err.kind !== 'invalid') throw err;
        // A period not offered: the default one is shown, with the refusal next to the choice.
        periodError = err.message;
        dashboard = await supervisionDashboard(deps, p, { days: DEFAULT_PERIOD });
      }
      const now = deps.now().getTime();
      const row = (r: (typeof dashboard.rows)[number]) => ({
        code: r.unit.code,
        name: r.unit.code === p.unit ? translate(lang, 'supervision.ownUnit', { unit: labelIn(lang, r.unit.name) }) : labelIn(lang, r.unit.name),
        open: r.open,
        late: r.late,
        decided: r.decided,
        compliance: percent(lang, r.compliance),
        oldest: r.oldestLate && {
          caseId: r.oldestLate.caseId,
          reference: r.oldestLate.reference,
          lateBy: translate(lang, 'supervision.lateBy', { duration: elapsedText(lang, now - Date.parse(r.oldestLate.dueAt)) }),
        },
      });
      renderPage(
        ctx,
        req,
        res,
        'supervisor/dashboard',
        'supervision.title',
        {
          periods: DASHBOARD_PERIODS.map((d) => ({ days: d, label: translate(lang, 'supervision.periodOption', { count: d }), selected: d === dashboard.period.days })),
          periodError,
          rows: dashboard.rows.map(row),
          totals: { ...dashboard.totals, compliance: percent(lang, dashboard.totals.compliance) },
        },
        periodError ? 422 : 200,
      );
    }),
  );

  router.get(
    '/escalations',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const lang = languageOf(req);
      const cursor = listCursor(req.query.after);
      if (cursor === 'bad') throw new UseCaseError('invalid', 'bad-cursor', 'the page link is damaged: go back to the first page', [{ path: 'after', message: 'unknown cursor' }]);
      const { items, next } = await escalations(deps, p, { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      const now = deps.now().getTime();
      renderPage(ctx, req, res, 'supervisor/escalations', 'escalations.title', {
        cases: items.map(({ record }) => {
          const e = record.view.escalation;
          const clock = e ? record.view.clocks.find((c) => c.name === e.clock) : undefined;
          const lateSince = clock?.dueAt ?? e?.since;
          return {
            caseId: record.view.caseId,
            reference: record.view.reference,
            procedure: labelIn(lang, record.facts.procedureTitle),
            unit: labelIn(lang, record.facts.unit.name),
            unitCode: record.unitCode,
            level: e?.level,
            since: e?.since,
            nextAt: e?.nextAt,
            lateBy: lateSince ? elapsedText(lang, Math.max(0, now - Date.parse(lateSince))) : undefined,
            takenBy: e?.takenOver ? translate(lang, 'escalations.takenBy', { who: e.takenOver.by }) : undefined,
          };
        }),
        ...(next ? { next: `/escalations?after=${encodeURIComponent(next)}` } : {}),
      });
    }),
  );
}
