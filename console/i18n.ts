/**
 * The console's words: one catalogue per language (`i18n/fr.json`, `i18n/ar.json`), nested keys
 * (`login.title`), `{name}` placeholders, and plural forms chosen by `Intl.PluralRules` (Arabic has
 * six: zero, one, two, few, many, other — never "1 أيام"). Templates never hold text of their own:
 * they call `{{t "key"}}`. A test checks both catalogues have the same keys and placeholders, and
 * that every key a template or page uses exists.
 */
import ar from './i18n/ar.json';
import fr from './i18n/fr.json';

export const CONSOLE_LANGUAGES = ['fr', 'ar'] as const;
export type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number];

/** A catalogue entry: a text, plural forms, or a group of entries. */
export type CatalogueEntry = string | { [key: string]: CatalogueEntry };
export type Catalogue = { [key: string]: CatalogueEntry };

export const CATALOGUES: Record<ConsoleLanguage, Catalogue> = { fr, ar };

const LOCALES: Record<ConsoleLanguage, string> = { fr: 'fr-MA', ar: 'ar-MA' };
const PLURAL_CATEGORIES = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

export const isConsoleLanguage = (value: unknown): value is ConsoleLanguage => value === 'fr' || value === 'ar';

/** The locale of dates and numbers in a language (`fr-MA`, `ar-MA`: Maghreb month names). */
export const localeOf = (lang: ConsoleLanguage): string => LOCALES[lang];

/** Whether an entry is a set of plural forms (only plural categories as keys, `other` among them). */
export function isPluralEntry(entry: CatalogueEntry): entry is Record<string, string> {
  if (typeof entry === 'string') return false;
  const keys = Object.keys(entry);
  return keys.includes('other') && keys.every((k) => PLURAL_CATEGORIES.has(k) && typeof entry[k] === 'string');
}

function lookup(catalogue: Catalogue, key: string): CatalogueEntry | undefined {
  let entry: CatalogueEntry | undefined = catalogue;
  for (const part of key.split('.')) {
    if (typeof entry !== 'object' || !Object.prototype.hasOwnProperty.call(entry, part)) return undefined;
    entry = entry[part];
  }
  return entry;
}

/** Whether `key` names a text or plural forms in the catalogue of `lang`. */
export function hasMessage(lang: ConsoleLanguage, key: string): boolean {
  const entry = lookup(CATALOGUES[lang], key);
  return entry !== undefined && (typeof entry === 'string' || isPluralEntry(entry));
}

/**
 * One formatter per language and kind, made once: building an `Intl` formatter costs far more than
 * using it (a page of 20 tasks formats some 60 dates; made each time, that was most of its CPU).
 */
function perLanguage<T>(make: (locale: string) => T): (lang: ConsoleLanguage) => T {
  const made = new Map<ConsoleLanguage, T>();
  return (lang) => {
    let value = made.get(lang);
    if (value === undefined) made.set(lang, (value = make(LOCALES[lang])));
    return value;
  };
}

const rulesFor = perLanguage((locale) => new Intl.PluralRules(locale));
const numberFormat = perLanguage((locale) => new Intl.NumberFormat(locale));
const dateFormat = perLanguage((locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }));
const dateTimeFormat = perLanguage(
  (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Africa/Casablanca' }),
);

/**
 * The text of `key` in `lang` with `{name}` placeholders filled; with a numeric `count`, the plural
 * form `Intl.PluralRules` picks (`{count}` is then available, formatted in the language's locale).
 * An unknown key renders as the key itself between brackets, so a missing word shows, never breaks.
 */
export function translate(lang: ConsoleLanguage, key: string, vars: Record<string, unknown> = {}): string {
  const entry = lookup(CATALOGUES[lang], key);
  let text: string;
  if (typeof entry === 'string') text = entry;
  else if (entry && isPluralEntry(entry)) {
    const count = Number(vars.count ?? 0);
    text = entry[rulesFor(lang).select(count)] ?? entry.other ?? key;
  } else return `[${key}]`;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined || value === null) return whole;
    return typeof value === 'number' ? numberFormat(lang).format(value) : String(value);
  });
}

/** A calendar date (`YYYY-MM-DD`) in words: "15 juillet 2026", "15 يوليوز 2026". */
export function formatDate(lang: ConsoleLanguage, isoDate: string): string {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(isoDate) ? `${isoDate}T12:00:00Z` : isoDate);
  if (Number.isNaN(date.getTime())) return isoDate;
  return dateFormat(lang).format(date);
}

/** An instant, in Morocco's time: "15 juillet 2026 à 10:30". */
export function formatDateTime(lang: ConsoleLanguage, instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) return String(instant);
  return dateTimeFormat(lang).format(date);
}
