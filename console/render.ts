/**
 * Server-side rendering: the templates of `views/` (pages) and `views/partials/` compiled once with
 * an isolated Handlebars environment, every page wrapped in `views/layout.hbs`. Helpers:
 * - `{{t "key" name=value}}`: a catalogue text in the page's language (`count=` picks the plural form);
 * - `{{date iso}}`, `{{datetime iso}}`: dates in `fr-MA` / `ar-MA`;
 * - `{{bdi value}}`: a reference, code or number isolated from the surrounding direction;
 * - `{{eq a b}}`, `{{not a}}`, `{{or a b}}`, `{{and a b}}`: small tests for `{{#if}}`;
 * - `{{json value}}`: a value as JSON text (escaped by the normal `{{ }}` escaping).
 * Text always goes through Handlebars' escaping; the only unescaped output is the page body in the
 * layout and SVG diagrams that Masar itself generated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { formatDate, formatDateTime, translate, type ConsoleLanguage } from './i18n';

export const VIEWS_DIR = path.join(__dirname, 'views');

type Template = Handlebars.TemplateDelegate;

const langOf = (options: Handlebars.HelperOptions): ConsoleLanguage => (options.data?.root?.lang === 'ar' ? 'ar' : 'fr');

/** A Handlebars environment with the console's helpers and partials, and its compiled pages. */
export class Views {
  readonly hb = Handlebars.create();
  private readonly pages = new Map<string, Template>();
  private readonly layout: Template;

  constructor(dir = VIEWS_DIR) {
    const hb = this.hb;
    hb.registerHelper('t', function (key: unknown, options: Handlebars.HelperOptions) {
      return translate(langOf(options), String(key), options.hash as Record<string, unknown>);
    });
    hb.registerHelper('date', (value: unknown, options: Handlebars.HelperOptions) =>
      typeof value === 'string' && value ? formatDate(langOf(options), value) : '',
    );
    hb.registerHelper('datetime', (value: unknown, options: Handlebars.HelperOptions) =>
      (typeof value === 'string' && value) || value instanceof Date ? formatDateTime(langOf(options), value as string | Date) : '',
    );
    hb.registerHelper('bdi', (value: unknown) => new hb.SafeString(`<bdi>${hb.escapeExpression(String(value ?? ''))}</bdi>`));
    hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    hb.registerHelper('not', (a: unknown) => !a);
    hb.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
    hb.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
    hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
    hb.registerHelper('json', (value: unknown) => JSON.stringify(value));

    const partials = path.join(dir, 'partials');
    for (const file of readdirSync(partials)) {
      if (file.endsWith('.hbs')) hb.registerPartial(file.slice(0, -4), readFileSync(path.join(partials, file), 'utf8'));
    }
    for (const file of walk(dir)) {
      const rel = path.relative(dir, file);
      if (!rel.endsWith('.hbs') || rel.startsWith(`partials${path.sep}`) || rel === 'layout.hbs') continue;
      this.pages.set(rel.slice(0, -4).split(path.sep).join('/'), hb.compile(readFileSync(file, 'utf8'), { strict: false }));
    }
    this.layout = hb.compile(readFileSync(path.join(dir, 'layout.hbs'), 'utf8'));
  }

  /** The page `name` (path under `views/` without `.hbs`) rendered with `model`, inside the layout. */
  render(name: string, model: Record<string, unknown>): string {
    const page = this.pages.get(name);
    if (!page) throw new Error(`console: no view "${name}" in ${VIEWS_DIR}`);
    const body = page(model);
    return this.layout({ ...model, body: new this.hb.SafeString(body) });
  }

  /** A page's body alone (htmx swaps a fragment, not a whole document). */
  fragment(name: string, model: Record<string, unknown>): string {
    const page = this.pages.get(name);
    if (!page) throw new Error(`console: no view "${name}" in ${VIEWS_DIR}`);
    return page(model);
  }

  /** Names of every page (tests render each one). */
  names(): string[] {
    return [...this.pages.keys()];
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}
