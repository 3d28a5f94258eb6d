/**
 * A duration in words, in French or Arabic, for pictures and messages: `20 jours ouvrables`,
 * `2 mois`, `20 يوم عمل`, `شهران`. Arabic counts agree with the number (1, 2, 3-10, 11+), and the
 * number comes first in logical order, so a right-to-left line reads "20 يوما", never "days 20".
 * Pure.
 */
import type { Duration } from './duration';
import { effectiveDuration } from './duration';
import type { Counting } from './schema';

export type WordsLanguage = 'fr' | 'ar';

/** French singular and plural; Arabic forms for 1, 2, 3 to 10, and 11 and more. */
interface Unit {
  fr: [string, string];
  ar: [string, string, string, string];
}

const UNITS = {
  workingDays: { fr: ['jour ouvrable', 'jours ouvrables'], ar: ['يوم عمل واحد', 'يوما عمل', 'أيام عمل', 'يوم عمل'] },
  years: { fr: ['an', 'ans'], ar: ['سنة واحدة', 'سنتان', 'سنوات', 'سنة'] },
  months: { fr: ['mois', 'mois'], ar: ['شهر واحد', 'شهران', 'أشهر', 'شهرا'] },
  weeks: { fr: ['semaine', 'semaines'], ar: ['أسبوع واحد', 'أسبوعان', 'أسابيع', 'أسبوعا'] },
  days: { fr: ['jour', 'jours'], ar: ['يوم واحد', 'يومان', 'أيام', 'يوما'] },
  hours: { fr: ['heure', 'heures'], ar: ['ساعة واحدة', 'ساعتان', 'ساعات', 'ساعة'] },
  minutes: { fr: ['minute', 'minutes'], ar: ['دقيقة واحدة', 'دقيقتان', 'دقائق', 'دقيقة'] },
  seconds: { fr: ['seconde', 'secondes'], ar: ['ثانية واحدة', 'ثانيتان', 'ثوان', 'ثانية'] },
} satisfies Record<string, Unit>;

/** `n` of `unit` in `lang`: "3 mois", "1 jour", "شهران", "3 أشهر", "20 يوما". */
export function countWords(n: number, unit: Unit, lang: WordsLanguage): string {
  if (lang === 'fr') return `${n} ${n === 1 ? unit.fr[0] : unit.fr[1]}`;
  if (n === 1) return unit.ar[0];
  if (n === 2) return unit.ar[1];
  return `${n} ${n >= 3 && n <= 10 ? unit.ar[2] : unit.ar[3]}`;
}

/** A parsed duration in words; parts joined with "et" / "و". */
export function durationInWords(d: Duration, lang: WordsLanguage): string {
  if (d.kind === 'working_days') return countWords(d.days, UNITS.workingDays, lang);
  const parts = (['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const)
    .filter((part) => d[part] > 0)
    .map((part) => countWords(d[part], UNITS[part], lang));
  if (parts.length === 0) return countWords(0, UNITS.days, lang);
  return parts.join(lang === 'fr' ? ' et ' : ' و');
}

/**
 * A duration spec (`20 working days`, `P2M`) counted as its clock counts, in words. A spec that
 * cannot be counted (validation rejects it) is returned as written.
 */
export function durationWords(spec: string, counting: Counting | undefined, lang: WordsLanguage): string {
  try {
    return durationInWords(effectiveDuration(spec, counting), lang);
  } catch {
    return spec;
  }
}
