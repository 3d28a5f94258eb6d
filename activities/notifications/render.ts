/**
 * Renders notification templates: `templates/<name>/<lang>.<part>.hbs` with parts `subject`,
 * `text` and `html`, partials under `templates/_partials/`. Handlebars runs in strict mode, so a
 * variable the caller did not give throws instead of leaving an empty hole; HTML is escaped,
 * subject and text are not (they are not HTML). Pure: no I/O once loaded, no Temporal.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { TemplateSource } from '../../definitions/schema';
import { HELPERS } from './helpers';
import { LANGUAGES, type Language } from '../../definitions/schema';

/** The shipped templates, one per event (a decision by silence has its own). */
export const TEMPLATE_NAMES = [
  'receipt',
  'task-assigned',
  'clock-reminder',
  'clock-extended',
  'deadline-moved',
  'information-requested',
  'escalation',
  'decision',
  'case-closed',
  'tacit-approval',
  /** To supervisors: a message of a case reached nobody (a directory configuration problem). */
  'undeliverable',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** Templates Masar sends on its own account (to supervisors), never named by a procedure's rules. */
export const INTERNAL_TEMPLATES: readonly string[] = ['undeliverable'];
/** The shipped templates a procedure may name in its notification rules and effects. */
export const PROCEDURE_TEMPLATE_NAMES: readonly string[] = TEMPLATE_NAMES.filter((n) => !INTERNAL_TEMPLATES.includes(n));

export const TEMPLATES_DIR = path.join(__dirname, 'templates');
export { LANGUAGES };
export type Lang = Language;
const PARTS = ['subject', 'text', 'html'] as const;
type Part = (typeof PARTS)[number];

/** A template that cannot be rendered with the data given: permanent, retrying will not help. */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    readonly language: Lang | undefined,
    readonly part: Part | undefined,
    detail: string,
  ) {
    const where = [language, part].filter(Boolean).join(', ');
    super(`template "${template}"${where ? ` (${where})` : ''}: ${detail}`);
    this.name = 'TemplateError';
  }
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

/** A procedure's own version of a template (`NotifyInput.override`). */
export type TemplateOverride = { fr: TemplateSource; ar: TemplateSource };

export interface Renderer {
  /** Names of the templates found on disk. */
  readonly names: readonly string[];
  /**
   * Renders one template in one language. `context` holds the variables; `lang` and `dir` are set
   * here. Throws `TemplateError` for an unknown template, a syntax error or a missing variable.
   */
  render(name: string, lang: Lang, context: Record<string, unknown>, override?: TemplateOverride): RenderedMessage;
}

type Compiled = (context: Record<string, unknown>) => string;
type Compiled3 = Record<Part, Compiled>;

const FALLBACK_HTML = '{{#> layout}}<div style="white-space: pre-line">{{body}}</div>{{/layout}}';

export interface RendererOptions {
  /** @default TEMPLATES_DIR */
  dir?: string;
}

/** Loads and compiles every template under `dir`; throws `TemplateError` if one is incomplete. */
export function createRenderer(options: RendererOptions = {}): Renderer {
  const dir = options.dir ?? TEMPLATES_DIR;
  const hbs = Handlebars.create();
  for (const [name, helper] of Object.entries(HELPERS)) hbs.registerHelper(name, helper);

  const partialsDir = path.join(dir, '_partials');
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(file.replace(/\.hbs$/, ''), readFileSync(path.join(partialsDir, file), 'utf8'));
  }

  const compile = (name: string, lang: Lang, part: Part, source: string): Compiled => {
    try {
      hbs.parse(source); // surfaces syntax errors now; compile() alone defers them to first use
    } catch (err) {
      throw new TemplateError(name, lang, part, `${(err as Error).message}; fix the template syntax`);
    }
    const template = hbs.compile(source, { strict: true, noEscape: part !== 'html' });
    return (context) => {
      try {
        return template(context);
      } catch (err) {
        const detail = (err as Error).message.replace(/ in \[object Object\]| in undefined/, '');
        throw new TemplateError(name, lang, part, `${detail}; pass it in NotifyInput.vars (see docs/notifications.md) or fix the template`);
      }
    };
  };

  const shipped = new Map<string, Record<Lang, Compiled3>>();
  for (const name of readdirSync(dir).filter((f) => !f.startsWith('_') && statSync(path.join(dir, f)).isDirectory())) {
    const byLang = {} as Record<Lang, Compiled3>;
    for (const lang of LANGUAGES) {
      const parts = {} as Compiled3;
      for (const part of PARTS) {
        const file = path.join(dir, name, `${lang}.${part}.hbs`);
        let source: string;
        try {
          source = readFileSync(file, 'utf8');
        } catch {
          throw new TemplateError(name, lang, part, `missing file ${file}: every template needs fr and ar subject, text and html`);
        }
        parts[part] = compile(name, lang, part, source);
      }
      byLang[lang] = parts;
    }
    shipped.set(name, byLang);
  }
  const fallbackHtml = compile('(fallback)', 'fr', 'html', FALLBACK_HTML);

  const fromOverride = (name: string, lang: Lang, source: TemplateSource): Compiled3 => ({
    subject: compile(name, lang, 'subject', source.subject),
    text: compile(name, lang, 'text', source.text),
    html: source.html === undefined ? fallbackHtml : compile(name, lang, 'html', source.html),
  });

  return {
    names: [...shipped.keys()].sort(),
    render(name, lang, context, override) {
      const parts = override ? fromOverride(name, lang, override[lang]) : shipped.get(name)?.[lang];
      if (!parts) {
        throw new TemplateError(name, lang, undefined, `unknown template; shipped templates are ${[...shipped.keys()].sort().join(', ')}, or give the procedure its own under "templates"`);
      }
      const base = { ...context, lang, dir: lang === 'ar' ? 'rtl' : 'ltr' };
      // One line: a subject is a header.
      const subject = parts.subject(base).replace(/\s+/g, ' ').trim();
      const text = `${parts.text(base).trim()}\n`;
      const html = parts.html({ ...base, subject, body: text });
      return { subject, text, html };
    },
  };
}
