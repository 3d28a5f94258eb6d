/**
 * HTML forms generated from a procedure's typed input fields (`definitions/schema.ts`), both ways:
 * - `formFields` turns fields into a view model the `form-field` partial renders: a label in the
 *   page's language, the required mark, the hint, the value typed (re-filled after a refusal) and the
 *   error next to its field;
 * - `parseForm` turns the posted `application/x-www-form-urlencoded` values back into the typed
 *   input the use cases take (numbers, booleans, dates, lists), refusing what cannot be read with a
 *   field error (path relative to the fields, as `validateInput` reports it).
 *
 * Names on the wire are `<prefix>.<path>` (`input.amount`, `input.owner.name`, `input.rows.0.name`):
 * Express' flat urlencoded parser gives each name its text, or a list when a name repeats (the boxes
 * of a multiple choice). Nothing here trusts a posted name: only the declared fields are read.
 *
 * Parsing is lenient where people are: decimal commas, Arabic-Indic digits, `JJ/MM/AAAA` dates from
 * browsers without a date picker. The use case's validator (the same as the API's) has the last word.
 */
import { maxSizeBytes } from '../definitions/file-fields';
import { DOCUMENT_ID, validateInput } from '../definitions/input-validate';
import type { Field, Fields, Label } from '../definitions/schema';
import type { FieldError } from '../usecases/errors';
import { formatDate, localeOf, translate, type ConsoleLanguage } from './i18n';

/** Name prefix of the documents a refused form offers back (`_keep.data.plan` = a document id). */
export const KEEP = '_keep.';
/** Name prefix of their file names, for showing them back (`_keepname.<id>`). */
export const KEEP_NAME = '_keepname.';

/** The posted form, as Express' urlencoded parser gives it. */
export type PostedForm = Record<string, unknown>;

/** One option of a choice, ready for the template. */
export interface OptionView {
  value: string;
  label: string;
  id: string;
  selected: boolean;
}

/** The HTML control a field is shown as. */
export type Control = 'text' | 'textarea' | 'number' | 'date' | 'select' | 'radios' | 'checkboxes' | 'boolean' | 'file' | 'lines' | 'group' | 'rows';

/** One field of a generated form, as `partials/form-field.hbs` renders it. */
export interface FieldView {
  /** The posted name (`input.amount`). */
  name: string;
  /** The element id (labels and `aria-describedby` point at it). */
  id: string;
  control: Control;
  label: string;
  required: boolean;
  hint?: string;
  /** A catalogue text explaining how to type the value (one per line, a file reference...). */
  how?: string;
  /** The value typed, as text. */
  value: string;
  options: OptionView[];
  /** The catalogue's words for the error, and the use case's English detail when it says more. */
  error?: { text: string; detail?: string };
  /** Ids of the hint and error, for `aria-describedby`. */
  describedBy?: string;
  min?: number;
  max?: number;
  step?: string;
  maxLength?: number;
  accept?: string;
  /** A file input taking several files (a list of files). */
  multiple?: boolean;
  /** Documents uploaded by an earlier try of this form, offered back (checked) under `keepName`. */
  kept?: { id: string; fileName: string; inputId: string }[];
  /** The name the kept documents are posted under (`_keep.<name>`). */
  keepName?: string;
  /** A file was chosen before a refusal and is not kept: the person must choose it again. */
  chooseAgain?: boolean;
  /** Sub-fields of a group. */
  children: FieldView[];
  /** Rows of a list of groups (or of lists): each a set of fields. */
  rows: { legend: string; fields: FieldView[] }[];
}

/** Error messages this module and `validateInput` give, and the catalogue key that says them. */
const ERROR_WORDS: [RegExp, string][] = [
  [/^is required$/, 'form.error.required'],
  [/^a reason is required$/, 'form.error.required'],
  [/^expected a number/, 'form.error.number'],
  [/^must be a whole number$/, 'form.error.integer'],
  [/^must be at least \S+ characters$/, 'form.error.tooShort'],
  [/^must be at most \S+ characters$/, 'form.error.tooLong'],
  [/^must be at least /, 'form.error.min'],
  [/^must be at most /, 'form.error.max'],
  [/^must have at least /, 'form.error.minItems'],
  [/^must have at most /, 'form.error.maxItems'],
  [/^expected a date/, 'form.error.date'],
  [/^expected true or false/, 'form.error.boolean'],
  [/^must be one of /, 'form.error.choice'],
  [/^expected a file reference/, 'form.error.file'],
  [/^does not match the expected format/, 'form.error.pattern'],
  // The documents use case's words for a refused upload or a document that cannot be attached.
  [/^larger than \d+ bytes/, 'upload.error.tooLarge'],
  [/^is \S+ \(read from its content/, 'upload.error.type'],
  [/^no document \S+ uploaded by you/, 'upload.error.unknown'],
  [/^document \S+ is already attached to another case/, 'upload.error.taken'],
  [/^document \S+ is \S+; this field accepts/, 'upload.error.type'],
  [/^document \S+ has \d+ bytes; this field takes at most/, 'upload.error.tooLarge'],
  [/^"[^"]*" is not a file field/, 'upload.error.field'],
];

/** The catalogue's words for a field error, with the English detail kept when it says more (limits, formats). */
export function errorWords(lang: ConsoleLanguage, message: string): { text: string; detail?: string } {
  const known = ERROR_WORDS.find(([re]) => re.test(message));
  if (!known) return { text: translate(lang, 'form.error.invalid'), detail: message };
  const [, key] = known;
  return key === 'form.error.required' ? { text: translate(lang, key) } : { text: translate(lang, key), detail: message };
}

/** The errors under `prefix` (`data.` of a filing, `input.` of a resolved unit), with the prefix taken off. */
export function errorsUnder(errors: readonly FieldError[] | undefined, prefix: string): FieldError[] {
  const p = `${prefix}.`;
  return (errors ?? []).filter((e) => e.path.startsWith(p)).map((e) => ({ ...e, path: e.path.slice(p.length) }));
}

const join = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
const labelIn = (label: Label, lang: ConsoleLanguage) => label[lang];
const own = (o: PostedForm, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);
/** An id safe in HTML and CSS selectors, unique per name. */
const idOf = (prefix: string, name: string) => `${prefix}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** The texts posted under `name` (one, several, or none). */
function textsOf(form: PostedForm, name: string): string[] {
  const raw = own(form, name);
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw)) return raw.filter((v): v is string => typeof v === 'string');
  return [];
}
const firstText = (form: PostedForm, name: string) => textsOf(form, name)[0] ?? '';

interface RenderScope {
  lang: ConsoleLanguage;
  form: PostedForm;
  errors: Map<string, string>;
  prefix: string;
  /** Prefix of element ids, unique per form on the page. */
  idPrefix: string;
  /** Largest upload of a file field without its own `maxSize`, in bytes. */
  fileLimit: number | undefined;
}

/** How many rows a list of groups shows: those typed, or the minimum, and one more to fill, within the maximum. */
function rowCount(field: Extract<Field, { type: 'list' }>, form: PostedForm, name: string): number {
  const typed = Object.keys(form).filter((k) => k.startsWith(`${name}.`)).map((k) => Number(k.slice(name.length + 1).split('.')[0]));
  const highest = typed.filter((n) => Number.isInteger(n) && n >= 0 && n < MAX_ROWS).reduce((a, b) => Math.max(a, b + 1), 0);
  const count = Math.max(highest + 1, field.minItems ?? 1, 1);
  return Math.min(count, field.maxItems ?? MAX_ROWS, MAX_ROWS);
}
/** Rows of a list of groups read from a form at most (a hostile form cannot make the server loop). */
const MAX_ROWS = 50;

function fieldView(field: Field, path: string, scope: RenderScope): FieldView {
  const name = `${scope.prefix}.${path}`;
  const id = idOf(scope.idPrefix, name);
  const message = scope.errors.get(path);
  const error = message !== undefined ? errorWords(scope.lang, message) : undefined;
  const hint = field.help ? labelIn(field.help, scope.lang) : undefined;
  const view: FieldView = {
    name,
    id,
    control: 'text',
    label: labelIn(field.label, scope.lang),
    required: field.required,
    value: firstText(scope.form, name),
    options: [],
    children: [],
    rows: [],
    ...(hint ? { hint } : {}),
    ...(error ? { error } : {}),
  };
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  if (described) view.describedBy = described;
  switch (field.type) {
    case 'text':
      view.control = field.maxLength !== undefined && field.maxLength > 200 ? 'textarea' : 'text';
      if (field.maxLength !== undefined) view.maxLength = field.maxLength;
      return view;
    case 'number':
      view.control = 'number';
      if (field.min !== undefined) view.min = field.min;
      if (field.max !== undefined) view.max = field.max;
      view.step = field.integer ? '1' : 'any';
      return view;
    case 'date':
      view.control = 'date';
      return view;
    case 'boolean':
      view.control = 'boolean';
      view.options = [
        { value: 'true', label: translate(scope.lang, 'form.yes'), id: `${id}-yes`, selected: view.value === 'true' },
        { value: 'false', label: translate(scope.lang, 'form.no'), id: `${id}-no`, selected: view.value === 'false' },
        ...(field.required ? [] : [{ value: '', label: translate(scope.lang, 'form.unanswered'), id: `${id}-none`, selected: view.value === '' }]),
      ];
      return view;
    case 'choice':
      view.control = field.options.length <= 4 ? 'radios' : 'select';
      view.options = field.options.map((o, i) => ({ value: o.value, label: labelIn(o.label, scope.lang), id: `${id}-${i}`, selected: view.value === o.value }));
      return view;
    case 'file':
      return fileView(field, view, scope, false);
    case 'list':
      return listView(field, path, view, scope);
    case 'group':
      view.control = 'group';
      view.children = Object.entries(field.fields).map(([key, f]) => fieldView(f, join(path, key), scope));
      return view;
    default: {
      const never: never = field;
      throw new Error(`unknown field type ${String((never as Field).type)}`);
    }
  }
}

/** A human size: `20 Mo`, `٢٠ ميغابايت`. */
export function sizeText(lang: ConsoleLanguage, bytes: number): string {
  const [unit, n] = bytes >= 1024 * 1024 ? (['megabyte', bytes / (1024 * 1024)] as const) : bytes >= 1024 ? (['kilobyte', bytes / 1024] as const) : (['byte', bytes] as const);
  // Arabic's short units are initials few readers know (م.ب.): the word is clearer.
  return new Intl.NumberFormat(localeOf(lang), { style: 'unit', unit, unitDisplay: lang === 'ar' ? 'long' : 'short', maximumFractionDigits: 1 }).format(n);
}

/**
 * A file input (several files for a list of files): what it takes, and the documents an earlier
 * try of the form uploaded (`_keep.<name>`, with their names under `_keepname.<id>`), offered back:
 * a browser cannot refill a file input.
 */
function fileView(field: Extract<Field, { type: 'file' }>, view: FieldView, scope: RenderScope, multiple: boolean): FieldView {
  view.control = 'file';
  view.value = '';
  if (multiple) view.multiple = true;
  if (field.accept?.length) view.accept = field.accept.join(',');
  const limit = maxSizeBytes(field) ?? scope.fileLimit;
  const types = field.accept?.length ? field.accept.join(', ') : translate(scope.lang, 'upload.anyType');
  view.how = limit !== undefined ? translate(scope.lang, 'upload.how', { types, size: sizeText(scope.lang, limit) }) : translate(scope.lang, 'upload.howNoLimit', { types });
  view.keepName = `${KEEP}${view.name}`;
  view.kept = textsOf(scope.form, view.keepName)
    .filter((id) => DOCUMENT_ID.test(id))
    .slice(0, MAX_ROWS)
    .map((id, i) => ({ id, fileName: firstText(scope.form, `${KEEP_NAME}${id}`).slice(0, 200) || id, inputId: `${view.id}-keep-${i}` }));
  if (Object.keys(scope.form).length > 0 && view.kept.length === 0) view.chooseAgain = true;
  return view;
}

function listView(field: Extract<Field, { type: 'list' }>, path: string, view: FieldView, scope: RenderScope): FieldView {
  const of = field.of;
  if (of.type !== 'group' && of.type !== 'list' && !view.error) {
    // One control holds every item: an item's error (`plots.2`) is shown on it.
    const itemError = [...scope.errors].find(([p]) => p.startsWith(`${path}.`));
    if (itemError) {
      view.error = errorWords(scope.lang, itemError[1]);
      view.describedBy = [view.hint ? `${view.id}-hint` : '', `${view.id}-error`].filter(Boolean).join(' ');
    }
  }
  if (of.type === 'choice') {
    const chosen = new Set(textsOf(scope.form, view.name));
    view.control = 'checkboxes';
    view.options = of.options.map((o, i) => ({ value: o.value, label: labelIn(o.label, scope.lang), id: `${view.id}-${i}`, selected: chosen.has(o.value) }));
    return view;
  }
  if (of.type === 'file') return fileView(of, view, scope, true);
  if (of.type === 'group' || of.type === 'list') {
    view.control = 'rows';
    const count = rowCount(field, scope.form, view.name);
    for (let i = 0; i < count; i++) {
      const legend = translate(scope.lang, 'form.row', { label: view.label, n: i + 1 });
      const item = fieldView(of, join(path, i), scope);
      view.rows.push({ legend, fields: of.type === 'group' ? item.children : [item] });
    }
    return view;
  }
  // Texts, numbers, dates, files, yes/no: one per line.
  view.control = 'lines';
  view.how = translate(scope.lang, 'form.onePerLine');
  view.value = textsOf(scope.form, view.name).join('\n');
  return view;
}

/**
 * The view of a form for `fields`, in `lang`, with what was posted (`form`, after a refusal) and the
 * errors (paths relative to the fields) next to their fields. `prefix` names the inputs on the wire.
 */
export function formFields(
  fields: Fields,
  lang: ConsoleLanguage,
  options: {
    form?: PostedForm;
    errors?: readonly FieldError[];
    prefix?: string;
    /** Unique per form on a page. @default 'f' */
    idPrefix?: string;
    /** Largest upload of a file field without `maxSize` (the server's). @default unsaid */
    fileLimit?: number;
  } = {},
): FieldView[] {
  const errors = new Map<string, string>();
  for (const e of options.errors ?? []) if (!errors.has(e.path)) errors.set(e.path, e.message);
  const scope: RenderScope = { lang, form: options.form ?? {}, errors, prefix: options.prefix ?? 'input', idPrefix: options.idPrefix ?? 'f', fileLimit: options.fileLimit };
  return Object.entries(fields).map(([key, field]) => fieldView(field, key, scope));
}

/** The posted form of a typed value (to show a form pre-filled with what is on record). */
export function formValues(fields: Fields, value: Record<string, unknown>, prefix = 'input'): PostedForm {
  const out: PostedForm = {};
  const put = (field: Field, v: unknown, name: string): void => {
    if (v === undefined || v === null) return;
    if (field.type === 'group' && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, f] of Object.entries(field.fields)) put(f, (v as Record<string, unknown>)[k], `${name}.${k}`);
    } else if (field.type === 'list' && Array.isArray(v)) {
      if (field.of.type === 'group' || field.of.type === 'list') v.forEach((item, i) => put(field.of, item, `${name}.${i}`));
      else out[name] = v.map(String);
    } else out[name] = String(v);
  };
  for (const [k, f] of Object.entries(fields)) put(f, value[k], `${prefix}.${k}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** Arabic-Indic and Eastern Arabic-Indic digits, as Arabic keyboards type them, to ASCII. */
function westernDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => String((d.codePointAt(0) as number) & 0xf));
}

const NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

/** A number as people type it (`1 250,5`, `١٢`), or undefined. */
export function readNumber(text: string): number | undefined {
  const t = westernDigits(text.trim()).replace(/[\s\u00a0\u202f\u066c]/g, '').replace('\u066b', '.');
  if (!NUMBER.test(t)) return undefined;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
}

/** A calendar date as `YYYY-MM-DD` from `YYYY-MM-DD` or `DD/MM/YYYY` (a real date), or undefined. */
export function readDate(text: string): string | undefined {
  const t = westernDigits(text.trim());
  let iso: string | undefined;
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) iso = t;
  else if (dmy) iso = `${dmy[3]}-${(dmy[2] as string).padStart(2, '0')}-${(dmy[1] as string).padStart(2, '0')}`;
  if (!iso) return undefined;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso) ? iso : undefined;
}

/** What a posted field gave: nothing typed, a value, or an error at `path`. */
type Read = { kind: 'empty' } | { kind: 'value'; value: unknown };

interface ParseScope {
  form: PostedForm;
  prefix: string;
  errors: FieldError[];
}

const EMPTY: Read = { kind: 'empty' };

function readScalar(field: Field, text: string, path: string, scope: ParseScope): Read {
  const t = text.trim();
  if (t === '') return EMPTY;
  switch (field.type) {
    case 'text':
      // Kept as typed (spaces inside and line ends are the applicant's); only the ends are trimmed.
      return { kind: 'value', value: t };
    case 'file':
      return { kind: 'value', value: t };
    case 'number': {
      const n = readNumber(t);
      if (n === undefined) {
        scope.errors.push({ path, message: `expected a number, got "${t.slice(0, 40)}"` });
        return EMPTY;
      }
      return { kind: 'value', value: n };
    }
    case 'date': {
      const d = readDate(t);
      if (d === undefined) {
        scope.errors.push({ path, message: `expected a date as YYYY-MM-DD or DD/MM/YYYY, got "${t.slice(0, 40)}"` });
        return EMPTY;
      }
      return { kind: 'value', value: d };
    }
    case 'boolean':
      if (t === 'true' || t === 'false') return { kind: 'value', value: t === 'true' };
      scope.errors.push({ path, message: `expected true or false, got "${t.slice(0, 40)}"` });
      return EMPTY;
    case 'choice':
      if (field.options.some((o) => o.value === t)) return { kind: 'value', value: t };
      scope.errors.push({ path, message: `must be one of ${field.options.map((o) => `"${o.value}"`).join(', ')}, got "${t.slice(0, 40)}"` });
      return EMPTY;
    case 'list':
    case 'group':
      throw new Error(`readScalar: ${field.type} is not a scalar field`);
    default: {
      const never: never = field;
      throw new Error(`unknown field type ${String((never as Field).type)}`);
    }
  }
}

function readField(field: Field, path: string, scope: ParseScope): Read {
  const name = `${scope.prefix}.${path}`;
  if (field.type === 'group') {
    const value: Record<string, unknown> = {};
    for (const [key, f] of Object.entries(field.fields)) {
      const r = readField(f, join(path, key), scope);
      if (r.kind === 'value') value[key] = r.value;
    }
    return Object.keys(value).length > 0 ? { kind: 'value', value } : EMPTY;
  }
  if (field.type === 'list') {
    const of = field.of;
    const items: unknown[] = [];
    if (of.type === 'group' || of.type === 'list') {
      // Rows left blank are not items (a form shows one spare row to fill).
      for (let i = 0; i < MAX_ROWS; i++) {
        const r = readField(of, join(path, i), scope);
        if (r.kind === 'value') items.push(r.value);
      }
    } else {
      const texts = of.type === 'choice' ? textsOf(scope.form, name) : textsOf(scope.form, name).flatMap((t) => t.split(/\r?\n/));
      for (const text of texts) {
        const r = readScalar(of, text, join(path, items.length), scope);
        if (r.kind === 'value') items.push(r.value);
      }
    }
    return items.length > 0 ? { kind: 'value', value: items } : EMPTY;
  }
  const texts = textsOf(scope.form, name);
  if (texts.length > 1) {
    scope.errors.push({ path, message: `expected one value, got ${texts.length}` });
    return EMPTY;
  }
  return readScalar(field, texts[0] ?? '', path, scope);
}

/** The typed input read from a posted form, or the fields that could not be read. */
export type ParsedForm = { ok: true; value: Record<string, unknown> } | { ok: false; errors: FieldError[] };

/**
 * Reads the typed input of `fields` from `form` (names `<prefix>.<path>`). Empty fields are left out;
 * values that cannot be read (a word in a number, the 31st of February, an option not offered) are
 * refused, each at its path, together with what the procedure's own validator (the one the workflow
 * and the API run) says of the rest, so the person sees every problem at once. The use case checks
 * again: this only saves a round trip.
 */
export function parseForm(fields: Fields, form: PostedForm, prefix = 'input'): ParsedForm {
  const scope: ParseScope = { form, prefix, errors: [] };
  const value: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    const r = readField(field, key, scope);
    if (r.kind === 'value') value[key] = r.value;
  }
  const unread = new Set(scope.errors.map((e) => e.path));
  const errors = [...scope.errors, ...validateInput(fields, value).filter((e) => !unread.has(e.path))];
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

// ---------------------------------------------------------------------------------------------
// Showing typed values

/** A typed value in words, in `lang` (a choice's label, yes/no, lists joined), or '' when absent. */
export function valueText(field: Field, value: unknown, lang: ConsoleLanguage): string {
  if (value === undefined || value === null) return '';
  switch (field.type) {
    case 'text':
    case 'file':
      return typeof value === 'string' ? value : '';
    case 'number':
      return typeof value === 'number' ? new Intl.NumberFormat(localeOf(lang)).format(value) : '';
    case 'date':
      return typeof value === 'string' ? formatDate(lang, value) : '';
    case 'boolean':
      return typeof value === 'boolean' ? translate(lang, value ? 'form.yes' : 'form.no') : '';
    case 'choice':
      return typeof value === 'string' ? (field.options.find((o) => o.value === value)?.label[lang] ?? value) : '';
    case 'list':
      return Array.isArray(value) ? value.map((v) => valueText(field.of, v, lang)).filter(Boolean).join(lang === 'ar' ? '، ' : ', ') : '';
    case 'group': {
      if (typeof value !== 'object' || Array.isArray(value)) return '';
      const v = value as Record<string, unknown>;
      return Object.entries(field.fields)
        .map(([k, f]) => [f.label[lang], valueText(f, v[k], lang)])
        .filter(([, t]) => t)
        .map(([l, t]) => `${l} : ${t}`)
        .join(lang === 'ar' ? '؛ ' : ' ; ');
    }
    default: {
      const never: never = field;
      throw new Error(`unknown field type ${String((never as Field).type)}`);
    }
  }
}

/** The file references a value holds (a file field, a list of files, files inside groups). */
export function fileRefs(field: Field, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  switch (field.type) {
    case 'file':
      return typeof value === 'string' && value ? [value] : [];
    case 'list':
      return Array.isArray(value) ? value.flatMap((v) => fileRefs(field.of, v)) : [];
    case 'group':
      return typeof value === 'object' && !Array.isArray(value) ? Object.entries(field.fields).flatMap(([k, f]) => fileRefs(f, (value as Record<string, unknown>)[k])) : [];
    default:
      return [];
  }
}

/** Whether a field holds files (shown among the documents, not the data). */
export function holdsFiles(field: Field): boolean {
  return field.type === 'file' || (field.type === 'list' && holdsFiles(field.of)) || (field.type === 'group' && Object.values(field.fields).some(holdsFiles));
}
