/**
 * A supervisor's overdue dashboard: one row per unit directly below theirs (a province supervisor
 * sees each commune; a region supervisor each province, counting every commune below it), plus
 * their own unit when cases were filed there. Each row: open cases, late ones, the one late the
 * longest, and the compliance rate over a period (cases decided within their legal deadline,
 * divided by cases decided).
 */
import type { Unit } from '../db/directory-model';
import { supervisionDashboard as readDashboard, type DashboardRow } from '../db/supervision';
import { isSupervisor } from './access';
import type { UseCaseDeps } from './deps';
import { forbidden, invalid } from './errors';
import type { Principal } from './principal';

/** The periods a compliance rate is computed over, in days. */
export const DASHBOARD_PERIODS = [7, 30, 90, 365] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];

/** One row of the dashboard: a unit (with what lies below it) and its numbers. */
export interface DashboardUnit extends Omit<DashboardRow, 'group'> {
  unit: Pick<Unit, 'code' | 'kind' | 'name'>;
  /** Decided within the deadline / decided, from 0 to 1; `null` when nothing was decided. */
  compliance: number | null;
}

export interface Dashboard {
  /** The supervisor's unit. */
  unit: string;
  period: { days: DashboardPeriod; from: string; to: string };
  rows: DashboardUnit[];
  totals: Omit<DashboardUnit, 'unit' | 'oldestLate'>;
}

/** Only supervisors with a unit have a dashboard. */
export function authorizeDashboard(p: Principal): asserts p is Principal & { unit: string } {
  if (!isSupervisor(p)) throw forbidden('the supervision dashboard is for supervisors with a unit');
}

const rate = (decided: number, late: number): number | null => (decided === 0 ? null : (decided - late) / decided);

/** The dashboard of the caller's unit over the last `days` days. */
export async function supervisionDashboard(
  deps: Pick<UseCaseDeps, 'db' | 'directory' | 'now'>,
  p: Principal,
  options: { days: number },
): Promise<Dashboard> {
  authorizeDashboard(p);
  const days = DASHBOARD_PERIODS.find((d) => d === options.days);
  if (days === undefined) throw invalid(`unknown period of ${options.days} days`, [{ path: 'period', message: `must be one of ${DASHBOARD_PERIODS.join(', ')}` }]);
  const below = await deps.directory.descendants(p.unit);
  // Parents come before their children: each unit joins the group of the child of p.unit above it.
  const groupOf = new Map<string, string>([[p.unit, p.unit]]);
  for (const u of below) groupOf.set(u.code, u.parentCode === p.unit || !u.parentCode ? u.code : (groupOf.get(u.parentCode) ?? u.code));
  const now = deps.now();
  const from = new Date(now.getTime() - days * 86_400_000);
  const rows = await readDashboard(deps.db, [...groupOf].map(([unit, group]) => ({ unit, group })), { from, to: now }, now);
  const byGroup = new Map(rows.map((r) => [r.group, r]));
  const empty = { open: 0, late: 0, decided: 0, decidedLate: 0 };
  const units = below.filter((u) => u.parentCode === p.unit);
  const result: DashboardUnit[] = units.map((u) => {
    const { group: _group, ...numbers } = byGroup.get(u.code) ?? { group: u.code, ...empty };
    return { unit: { code: u.code, kind: u.kind, name: u.name }, ...numbers, compliance: rate(numbers.decided, numbers.decidedLate) };
  });
  const own = byGroup.get(p.unit);
  if (own && (own.open > 0 || own.decided > 0)) {
    const { group: _group, ...numbers } = own;
    const ownUnit = (await deps.directory.listUnits({ q: p.unit, limit: 5 })).units.find((u) => u.code === p.unit);
    result.unshift({ unit: { code: p.unit, kind: ownUnit?.kind ?? 'province', name: ownUnit?.name ?? { fr: p.unit, ar: p.unit } }, ...numbers, compliance: rate(numbers.decided, numbers.decidedLate) });
  }
  const totals = rows.reduce((t, r) => ({ open: t.open + r.open, late: t.late + r.late, decided: t.decided + r.decided, decidedLate: t.decidedLate + r.decidedLate }), empty);
  return {
    unit: p.unit,
    period: { days, from: from.toISOString(), to: now.toISOString() },
    rows: result,
    totals: { ...totals, compliance: rate(totals.decided, totals.decidedLate) },
  };
}
