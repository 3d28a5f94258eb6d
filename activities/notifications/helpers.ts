/**
 * Handlebars helpers of the notification templates. Every helper formats in the recipient's
 * language (`lang` of the root context) unless given `lang="fr"` / `lang="ar"` (the bilingual
 * receipt), and THROWS on a missing or malformed value: strict mode does not cover helper
 * arguments, and a message must never go out with an empty hole.
 */
import type { HelperDelegate, HelperOptions } from 'handlebars';
import type { Language } from '../../definitions/schema';

/** Dates are shown in Morocco's time zone, whatever the server's. */
export const TIME_ZONE = 'Africa/Casablanca';

type Lang = Language;

const LOCALES: Record<Lang, string> = { fr: 'fr-MA', ar: 'ar-MA' };

const OUTCOMES: Record<string, Record<Lang, string>> = {
  approved: { fr: 'favorable', ar: 'الموافقة' },
  refused: { fr: 'défavorable', ar: 'الرفض' },
  withdrawn: { fr: 'demande retirée', ar: 'سحب الطلب' },
  abandoned: { fr: 'classée sans suite', ar: 'حفظ الطلب' },
  tacitly_approved: { fr: 'accord tacite (silence valant accord)', ar: 'موافقة ضمنية (السكوت بمثابة موافقة)' },
  tacitly_refused: { fr: 'refus implicite', ar: 'رفض ضمني' },
  answered: { fr: 'réponse apportée', ar: 'تم الجواب' },
  partially_refused: { fr: 'communication partielle, refus motivé pour le reste', ar: 'تقديم جزئي للمعلومات ورفض معلل للباقي' },
  redirected: { fr: "réorientée vers l'administration compétente", ar: 'أحيل على الإدارة المختصة' },
  closed: { fr: 'dossier clôturé', ar: 'ملف مغلق' },
};

const LEVELS: Record<string, Record<Lang, string>> = {
  // The State's authority of each level (supervision goes to it, never to a council): db/authorities.ts.
  unit: { fr: 'la collectivité de dépôt', ar: 'الجماعة الترابية التي أودع بها الطلب' },
  province: { fr: 'les services du gouverneur de la préfecture ou province', ar: 'مصالح عامل العمالة أو الإقليم' },
  region: { fr: 'les services du wali de la région', ar: 'مصالح والي الجهة' },
  ministry: { fr: "le ministère de l'Intérieur (DGCT)", ar: 'وزارة الداخلية (المديرية العامة للجماعات الترابية)' },
};

/** Fixed phrases of the shared layout. */
const PHRASES: Record<string, Record<Lang, string>> = {
  automatic: {
    fr: 'Message automatique de la plateforme Masar : merci de ne pas y répondre.',
    ar: 'رسالة آلية من منصة مسار: يرجى عدم الرد عليها.',
  },
  brand: { fr: 'Masar', ar: 'مسار' },
  font: { fr: 'Arial, Helvetica, sans-serif', ar: "Tahoma, 'Noto Naskh Arabic', Arial, sans-serif" },
};

function where(options: HelperOptions): string {
  const loc = (options as HelperOptions & { loc?: { start: { line: number; column: number } } }).loc;
  return loc ? ` at line ${loc.start.line}:${loc.start.column}` : '';
}

function langOf(options: HelperOptions): Lang {
  const hashed: unknown = options.hash?.lang;
  const root = (options.data as { root?: { lang?: unknown } } | undefined)?.root;
  const lang = hashed ?? root?.lang;
  if (lang !== 'fr' && lang !== 'ar') {
    throw new Error(`helper language must be "fr" or "ar", got ${JSON.stringify(lang)}${where(options)}`);
  }
  return lang;
}

function missing(helper: string, what: string, value: unknown, options: HelperOptions): Error {
  return new Error(`{{${helper}}} needs ${what}, got ${JSON.stringify(value) ?? 'undefined'}${where(options)}`);
}

/** A `YYYY-MM-DD` local date stays that day; an instant is shown as the day it is in Casablanca. */
function toDate(value: unknown): { date: Date; dateOnly: boolean } | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return { date: value, dateOnly: false };
  if (typeof value !== 'string') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const date = new Date(`${value}T12:00:00Z`);
    return Number.isNaN(date.getTime()) ? undefined : { date, dateOnly: true };
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : { date, dateOnly: false };
}

/** Formatters by language, time zone and style: building one costs far more than formatting. */
const FORMATS = new Map<string, Intl.DateTimeFormat>();

function dateFormat(lang: Lang, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${withTime}`;
  let format = FORMATS.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[lang], {
      dateStyle: 'long',
      ...(withTime ? { timeStyle: 'short', hourCycle: 'h23' } : {}),
      timeZone,
    });
    FORMATS.set(key, format);
  }
  return format;
}

function formatDate(value: unknown, options: HelperOptions, withTime: boolean, helper: string): string {
  const parsed = toDate(value);
  if (!parsed) throw missing(helper, 'a date (YYYY-MM-DD or an ISO instant)', value, options);
  const timeZone = parsed.dateOnly ? 'UTC' : TIME_ZONE;
  return dateFormat(langOf(options), timeZone, withTime && !parsed.dateOnly).format(parsed.date);
}

function lookup(table: Record<string, Record<Lang, string>>, helper: string, value: unknown, options: HelperOptions): string {
  const entry = typeof value === 'string' ? table[value] : undefined;
  if (!entry) throw missing(helper, `one of ${Object.keys(table).join(', ')}`, value, options);
  return entry[langOf(options)];
}

/** The helpers, by name; registered on the renderer's own Handlebars instance. */
export const HELPERS: Record<string, HelperDelegate> = {
  /** `{{date dueDate}}`: "30 mars 2026" / "30 مارس 2026". */
  date: (value: unknown, options: HelperOptions) => formatDate(value, options, false, 'date'),
  /** `{{datetime filedAt}}`: date and time (24 h) in Casablanca. */
  datetime: (value: unknown, options: HelperOptions) => formatDate(value, options, true, 'datetime'),
  /** `{{label procedure.title}}`: the text of a `{ fr, ar }` label in the language. */
  label: (value: unknown, options: HelperOptions) => {
    const lang = langOf(options);
    const text = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[lang] : undefined;
    if (typeof text !== 'string' || text === '') throw missing('label', 'a { fr, ar } label', value, options);
    return text;
  },
  /** `{{outcome outcome}}`: the decision in words. */
  outcome: (value: unknown, options: HelperOptions) => lookup(OUTCOMES, 'outcome', value, options),
  /** `{{level escalation.level}}`: the authority a level stands for. */
  level: (value: unknown, options: HelperOptions) => lookup(LEVELS, 'level', value, options),
  /** `{{t "automatic"}}`: a fixed phrase of the layout. */
  t: (value: unknown, options: HelperOptions) => lookup(PHRASES, 't', value, options),
  /** `{{join articles ", "}}`. */
  join: (value: unknown, ...rest: unknown[]) => {
    const options = rest[rest.length - 1] as HelperOptions;
    const separator = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : ', ';
    if (!Array.isArray(value)) throw missing('join', 'a list', value, options);
    return value.map(String).join(separator);
  },
};
