/**
 * The console's words: both catalogues say the same things (same keys, same placeholders, the plural
 * forms each language needs), templates hold no text of their own, and every key the templates and
 * page modules use exists. A page added without its words fails here, not in front of a user.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CATALOGUES, hasMessage, isPluralEntry, translate, type Catalogue, type CatalogueEntry } from '../../../console/i18n';
import { VIEWS_DIR } from '../../../console/render';

const CONSOLE_DIR = path.join(__dirname, '..', '..', '..', 'console');

function leaves(entry: CatalogueEntry, prefix = ''): Map<string, CatalogueEntry> {
  const out = new Map<string, CatalogueEntry>();
  if (typeof entry === 'string' || isPluralEntry(entry)) out.set(prefix, entry);
  else for (const [k, v] of Object.entries(entry)) for (const [kk, vv] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(kk, vv);
  return out;
}

const placeholders = (entry: CatalogueEntry) =>
  [...new Set((typeof entry === 'string' ? [entry] : Object.values(entry as Record<string, string>)).flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, ext) : full.endsWith(ext) ? [full] : [];
  });
}

describe('the console catalogues', () => {
  const fr = leaves(CATALOGUES.fr as Catalogue);
  const ar = leaves(CATALOGUES.ar as Catalogue);

  it('should have the same keys in French and Arabic', () => {
    expect([...ar.keys()].sort()).toEqual([...fr.keys()].sort());
  });

  it('should have the same placeholders in both languages', () => {
    for (const [key, entry] of fr) expect([key, placeholders(ar.get(key) as CatalogueEntry)]).toEqual([key, placeholders(entry)]);
  });

  it('should give every Arabic plural the six forms, and no count-less "1 أيام"', () => {
    for (const [key, entry] of ar) {
      if (!isPluralEntry(entry)) continue;
      expect([key, Object.keys(entry).sort()]).toEqual([key, ['few', 'many', 'one', 'other', 'two', 'zero']]);
    }
    expect(translate('ar', 'count.days', { count: 1 })).toBe('يوم واحد');
    expect(translate('ar', 'count.days', { count: 2 })).toBe('يومان');
    expect(translate('ar', 'count.days', { count: 5 })).toBe('5 أيام');
    expect(translate('ar', 'count.days', { count: 11 })).toBe('11 يوما');
    expect(translate('ar', 'count.days', { count: 100 })).toBe('100 يوم');
    expect(translate('fr', 'count.days', { count: 1 })).toBe('1 jour');
    expect(translate('fr', 'count.days', { count: 0 })).toBe('0 jour');
    expect(translate('fr', 'count.days', { count: 12 })).toBe('12 jours');
  });
});

describe('the console templates and pages', () => {
  const templates = files(VIEWS_DIR, '.hbs');
  const modules = files(CONSOLE_DIR, '.ts');

  it('should hold no text of their own (every word comes from the catalogues)', () => {
    for (const file of templates) {
      const text = readFileSync(file, 'utf8')
        .replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, '')
        .replace(/\{\{[\s\S]*?\}\}/g, ' ')
        .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/&[a-z]+;|&#\d+;/g, ' ');
      const words = text.match(/[\p{L}]{2,}/gu) ?? [];
      expect([path.relative(VIEWS_DIR, file), words]).toEqual([path.relative(VIEWS_DIR, file), []]);
    }
  });

  it('should use only keys that exist in both catalogues', () => {
    const used = new Set<string>();
    for (const file of templates) for (const m of readFileSync(file, 'utf8').matchAll(/\{\{t "([\w.]+)"/g)) used.add(m[1] as string);
    // Page modules name keys as strings: titles, menu labels, messages.
    for (const file of modules) for (const m of readFileSync(file, 'utf8').matchAll(/['"`]((?:[a-z][a-zA-Z]*\.)+[a-z][\w]*)['"`]/g)) {
      const key = m[1] as string;
      if (/^(nav|login|layout|error|persona|count|app|inbox|case|file|my|supervision|escalations|admin|action|field|clock|timeline|receipt|catalogue|calendar|directory|attention|form|procedure)\./.test(key) && !/\.(ts|js|css|hbs|json|woff2|min)$/.test(key)) used.add(key);
    }
    expect(used.size).toBeGreaterThan(10);
    const missing = [...used].filter((k) => !hasMessage('fr', k) || !hasMessage('ar', k));
    expect(missing).toEqual([]);
  });
});
