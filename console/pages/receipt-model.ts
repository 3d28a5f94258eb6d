/**
 * One language's half of a filing receipt: the words and values a `receipt-side` partial shows. The
 * receipt is printed with French and Arabic side by side whatever the page's language, so each half
 * is translated here in its own language rather than by the template's `{{t}}` (which follows the page).
 *
 * Legal deadline: each clock the case runs against (with its due date in the unit's calendar), the
 * duration the procedure gives it, and its basis (the clock's own, else the procedure's legal basis).
 */
import type { CaseRecord } from '../../db/cases';
import type { CompiledProcedure } from '../../definitions/compiled';
import { formatDate, formatDateTime, translate, type ConsoleLanguage } from '../i18n';
import { labelIn } from './people-view';

/** A definition's duration (`20 working days`, `3 days`, `P60D`, `PT30S`) in words, or as written. */
export function durationWords(lang: ConsoleLanguage, spec: string): string {
  const words = /^(\d+) (working |calendar )?days?$/.exec(spec);
  if (words) return translate(lang, words[2] === 'working ' ? 'count.workingDays' : 'count.days', { count: Number(words[1]) });
  const iso = /^P(?:(\d+)W)?(?:(\d+)D)?$/.exec(spec);
  if (iso && (iso[1] || iso[2])) return translate(lang, 'count.days', { count: Number(iso[1] ?? 0) * 7 + Number(iso[2] ?? 0) });
  return spec;
}

export interface ReceiptSide {
  lang: ConsoleLanguage;
  dir: 'ltr' | 'rtl';
  words: Record<string, string>;
  reference: string;
  procedure: string;
  unit: string;
  unitCode: string;
  applicant: string;
  filedAt: string;
  deadlines: { label: string; duration: string; due: string; basis: string }[];
  legalBasis: string[];
}

const WORDS = ['kingdom', 'heading', 'reference', 'procedure', 'unit', 'applicant', 'filedAt', 'deadline', 'basis', 'noDeadline', 'pending'] as const;

/** The receipt's half in `lang`. */
export function receiptModel(lang: ConsoleLanguage, record: CaseRecord, procedure: CompiledProcedure): ReceiptSide {
  const { view, facts } = record;
  const law = (b: CompiledProcedure['legalBasis'][number]) => [b.title ? labelIn(lang, b.title) : '', [b.law, ...b.articles].join(', ')].filter(Boolean).join(' — ');
  const procedureBasis = procedure.legalBasis.map(law);
  const deadlines = view.clocks
    .filter((c) => (c.dueDate || c.dueAt) && c.status !== 'stopped')
    .map((c) => {
      const def = procedure.clocks[c.name];
      const due = c.dueDate ? formatDate(lang, c.dueDate) : formatDateTime(lang, c.dueAt as string);
      return {
        label: labelIn(lang, c.label),
        duration: def ? durationWords(lang, def.duration) : '',
        due: translate(lang, 'receipt.dueOn', { date: due }),
        basis: def?.basis ?? procedureBasis[0] ?? '',
      };
    });
  return {
    lang,
    dir: lang === 'ar' ? 'rtl' : 'ltr',
    words: Object.fromEntries(WORDS.map((w) => [w, translate(lang, `receipt.${w}`)])),
    reference: view.reference,
    procedure: labelIn(lang, facts.procedureTitle),
    unit: labelIn(lang, facts.unit.name),
    unitCode: facts.unit.code,
    applicant: facts.applicant.name,
    filedAt: formatDateTime(lang, view.filedAt),
    deadlines,
    legalBasis: procedureBasis,
  };
}
