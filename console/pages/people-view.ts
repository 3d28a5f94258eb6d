/**
 * How the applicant's and the supervisor's pages present a case: a definition's label in the page's
 * language, how long something has been late in words (days, else hours, else minutes: a test
 * procedure's deadline of seconds reads as well as the law's 20 working days), the next deadline a
 * case runs against, and the keyset cursor of a list carried in a link.
 */
import { z } from 'zod';
import type { CaseView } from '../../workflows/messages';
import { translate, type ConsoleLanguage } from '../i18n';

/** A `{ fr, ar }` label in `lang` (French when the Arabic is missing). */
export function labelIn(lang: ConsoleLanguage, label: { fr: string; ar?: string | undefined } | undefined | null): string {
  if (!label) return '';
  return (lang === 'ar' ? label.ar : undefined) ?? label.fr;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `ms` as "3 jours", "5 heures", "12 minutes" (rounded down), "moins d'une minute". */
export function elapsedText(lang: ConsoleLanguage, ms: number): string {
  if (ms >= DAY) return translate(lang, 'count.days', { count: Math.floor(ms / DAY) });
  if (ms >= HOUR) return translate(lang, 'supervision.elapsed.hours', { count: Math.floor(ms / HOUR) });
  if (ms >= MINUTE) return translate(lang, 'supervision.elapsed.minutes', { count: Math.floor(ms / MINUTE) });
  return translate(lang, 'supervision.elapsed.lessThanMinute');
}

/** The earliest deadline an open case runs against (a running or expired clock, an open task), with whether it has passed. */
export function nextDeadline(view: CaseView, now: Date): { dueAt: string; dueDate?: string; late: boolean } | undefined {
  if (view.status === 'closed') return undefined;
  const candidates = [
    ...view.clocks.filter((c) => (c.status === 'running' || c.status === 'expired') && c.dueAt).map((c) => ({ dueAt: c.dueAt as string, dueDate: c.dueDate })),
    ...view.tasks.filter((t) => t.dueAt).map((t) => ({ dueAt: t.dueAt as string, dueDate: undefined })),
  ].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  const first = candidates[0];
  if (!first) return undefined;
  return { dueAt: first.dueAt, ...(first.dueDate ? { dueDate: first.dueDate } : {}), late: Date.parse(first.dueAt) < now.getTime() };
}

const Cursor = z.tuple([z.string().max(100), z.string().max(200)]);

/**
 * A list's `next` (the use case's opaque cursor: base64url JSON of the sort value and case id) as
 * the use case takes it back; `undefined` for no cursor, and a 422 for one tampered with.
 */
export function listCursor(value: unknown): [string, string] | undefined | 'bad' {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 400) return 'bad';
  try {
    const parsed = Cursor.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : 'bad';
  } catch {
    return 'bad';
  }
}
