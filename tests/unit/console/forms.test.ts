/**
 * Forms generated from a procedure's typed fields: every field type renders as a labelled control in
 * both languages, with its required mark, hint, re-filled value and error next to it; and what a
 * browser posts comes back as the typed input the use cases take, or as errors at each field.
 */
import { validateInput } from '../../../definitions/input-validate';
import type { Field, Fields } from '../../../definitions/schema';
import { errorsUnder, formFields, formValues, parseForm, readDate, readNumber, type PostedForm } from '../../../console/forms';
import { Views } from '../../../console/render';

const L = (fr: string, ar: string) => ({ fr, ar });
const views = new Views();
const renderFields = (fields: Fields, lang: 'fr' | 'ar', form: PostedForm = {}, errors: { path: string; message: string }[] = []) =>
  views.hb.compile('{{#each fields}}{{> form-field}}{{/each}}')({ lang, csrf: 'x', fields: formFields(fields, lang, { form, errors }) });

/** One row per field type: the field, what a browser posts, the typed value, and a value that cannot be read. */
const TYPES: { type: string; field: Field; posted: string | string[]; typed: unknown; bad?: string | string[]; control: RegExp }[] = [
  { type: 'short text', field: { type: 'text', label: L('Nom', 'الاسم'), required: true, maxLength: 80 }, posted: '  Amina  ', typed: 'Amina', control: /<input[^>]+type="text"[^>]+maxlength="80"/ },
  { type: 'long text', field: { type: 'text', label: L('Description', 'الوصف'), required: false, maxLength: 2000 }, posted: 'ligne 1\r\nligne 2', typed: 'ligne 1\r\nligne 2', control: /<textarea/ },
  { type: 'number', field: { type: 'number', label: L('Surface', 'المساحة'), required: true, min: 1 }, posted: '1 250,5', typed: 1250.5, bad: 'douze', control: /inputmode="decimal"/ },
  { type: 'number in Arabic digits', field: { type: 'number', label: L('Étages', 'الطوابق'), required: true, integer: true }, posted: '١٢', typed: 12, bad: '1e', control: /inputmode="decimal"/ },
  { type: 'date', field: { type: 'date', label: L('Depuis', 'منذ'), required: true }, posted: '2024-02-29', typed: '2024-02-29', bad: '2023-02-29', control: /type="date"/ },
  { type: 'date typed by hand', field: { type: 'date', label: L('Depuis', 'منذ'), required: true }, posted: '5/3/2025', typed: '2025-03-05', bad: '31/02/2025', control: /type="date"/ },
  { type: 'boolean', field: { type: 'boolean', label: L('Urgent', 'مستعجل'), required: true }, posted: 'false', typed: false, bad: 'peut-être', control: /type="radio"[^>]+value="false"/ },
  {
    type: 'choice (few options)',
    field: { type: 'choice', label: L('Mode', 'الطريقة'), required: true, options: [{ value: 'email', label: L('Courriel', 'بريد') }, { value: 'paper', label: L('Papier', 'ورق') }] },
    posted: 'paper', typed: 'paper', bad: 'pigeon', control: /type="radio"[^>]+value="paper"/,
  },
  {
    type: 'choice (many options)',
    field: { type: 'choice', label: L('Motif', 'السبب'), required: true, options: ['a', 'b', 'c', 'd', 'e'].map((v) => ({ value: v, label: L(`Motif ${v}`, `سبب ${v}`) })) },
    posted: 'c', typed: 'c', bad: 'z', control: /<select[\s\S]+<option value="c"/,
  },
  { type: 'file', field: { type: 'file', label: L('Plans', 'التصاميم'), required: true, accept: ['application/pdf'] }, posted: '3f2b8c1e-5a4d-4e6f-9b7a-0c1d2e3f4a5b', typed: '3f2b8c1e-5a4d-4e6f-9b7a-0c1d2e3f4a5b', control: /type="file"[^>]+accept="application\/pdf"/ },
  {
    type: 'list of files',
    field: { type: 'list', label: L('Pièces', 'الوثائق'), required: true, minItems: 1, of: { type: 'file', label: L('Pièce', 'وثيقة'), required: true } },
    posted: ['3f2b8c1e-5a4d-4e6f-9b7a-0c1d2e3f4a5b', '4f2b8c1e-5a4d-4e6f-9b7a-0c1d2e3f4a5b'], typed: ['3f2b8c1e-5a4d-4e6f-9b7a-0c1d2e3f4a5b', '4f2b8c1e-5a4d-4e6f-9b7a-0c1d2e3f4a5b'], control: /type="file"[^>]+ multiple/,
  },
  {
    type: 'multiple choice',
    field: { type: 'list', label: L('Pièces', 'الوثائق'), required: true, minItems: 1, of: { type: 'choice', label: L('Pièce', 'وثيقة'), required: true, options: [{ value: 'cin', label: L('CIN', 'البطاقة') }, { value: 'plan', label: L('Plan', 'تصميم') }] } },
    posted: ['cin', 'plan'], typed: ['cin', 'plan'], bad: ['cin', 'passport'], control: /type="checkbox"[^>]+value="plan"/,
  },
  { type: 'list of numbers', field: { type: 'list', label: L('Lots', 'البقع'), required: false, of: { type: 'number', label: L('Lot', 'بقعة'), required: true } }, posted: '3\n\n4,5\n', typed: [3, 4.5], bad: '3\nquatre', control: /<textarea/ },
];

describe('generated forms', () => {
  it.each(TYPES)('should render a $type field labelled in both languages, with its required mark', ({ field, control }) => {
    const fields = { f: field };
    const fr = renderFields(fields, 'fr');
    const ar = renderFields(fields, 'ar');
    expect(fr).toMatch(control);
    expect(fr).toContain(field.label.fr);
    expect(ar).toContain(field.label.ar);
    expect(fr.includes('(obligatoire)')).toBe(field.required);
    expect(ar.includes('(إلزامي)')).toBe(field.required);
    // every control has a label or a legend naming it
    for (const m of fr.matchAll(/<(input|select|textarea)[^>]*id="([^"]+)"/g)) expect(fr).toContain(`for="${m[2]}"`);
  });

  it.each(TYPES)('should parse a posted $type into the typed value the use cases take', ({ field, posted, typed }) => {
    const parsed = parseForm({ f: field }, { 'input.f': posted });
    expect(parsed).toEqual({ ok: true, value: { f: typed } });
    expect(validateInput({ f: field }, { f: typed })).toEqual([]);
  });

  it.each(TYPES.filter((t) => t.bad !== undefined))('should refuse a $type that cannot be read, at its field, and show it next to the field re-filled', ({ field, bad }) => {
    const form = { 'input.f': bad as string | string[] };
    const parsed = parseForm({ f: field }, form);
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.path === 'f' || e.path.startsWith('f.'))).toBe(true);
    const html = renderFields({ f: field }, 'fr', form, errors);
    expect(html).toMatch(/id="f-input-f-error"[^>]*>[^<]+/);
    expect(html).toMatch(/aria-describedby="[^"]*f-input-f-error"/);
    if (typeof bad === 'string' && field.type !== 'boolean' && field.type !== 'choice') expect(html).toContain(bad.split('\n')[0]);
  });

  it('should leave empty fields out and report the required ones, every problem at once', () => {
    const fields: Fields = {
      name: { type: 'text', label: L('Nom', 'الاسم'), required: true },
      area: { type: 'number', label: L('Surface', 'المساحة'), required: true },
      note: { type: 'text', label: L('Note', 'ملاحظة'), required: false },
    };
    const parsed = parseForm(fields, { 'input.name': '   ', 'input.area': 'beaucoup', 'input.note': '' });
    expect(parsed).toEqual({
      ok: false,
      errors: expect.arrayContaining([
        { path: 'area', message: expect.stringContaining('expected a number') },
        { path: 'name', message: 'is required' },
      ]),
    });
    expect(parseForm(fields, { 'input.name': 'A', 'input.area': '3' })).toEqual({ ok: true, value: { name: 'A', area: 3 } });
  });

  it('should read groups and lists of groups by their dotted names, skipping blank rows', () => {
    const fields: Fields = {
      owner: { type: 'group', label: L('Propriétaire', 'المالك'), required: true, fields: { name: { type: 'text', label: L('Nom', 'الاسم'), required: true }, age: { type: 'number', label: L('Âge', 'السن'), required: false, integer: true } } },
      plots: { type: 'list', label: L('Parcelles', 'القطع'), required: true, minItems: 1, of: { type: 'group', label: L('Parcelle', 'قطعة'), required: true, fields: { ref: { type: 'text', label: L('Réf.', 'المرجع'), required: true } } } },
    };
    const form = { 'input.owner.name': 'Said', 'input.owner.age': '40', 'input.plots.0.ref': 'T-1', 'input.plots.1.ref': '', 'input.plots.2.ref': 'T-3' };
    expect(parseForm(fields, form)).toEqual({ ok: true, value: { owner: { name: 'Said', age: 40 }, plots: [{ ref: 'T-1' }, { ref: 'T-3' }] } });
    const html = renderFields(fields, 'ar', form);
    expect(html).toContain('name="input.plots.3.ref"'); // a spare row to fill
    expect(html).toContain('القطع رقم 1');
    expect(formValues(fields, { owner: { name: 'Said', age: 40 }, plots: [{ ref: 'T-1' }] })).toEqual({ 'input.owner.name': 'Said', 'input.owner.age': '40', 'input.plots.0.ref': 'T-1' });
  });

  it('should refuse a single field posted twice and ignore names the form does not declare', () => {
    const fields: Fields = { name: { type: 'text', label: L('Nom', 'الاسم'), required: false } };
    expect(parseForm(fields, { 'input.name': ['a', 'b'] })).toMatchObject({ ok: false, errors: [{ path: 'name' }] });
    expect(parseForm(fields, { 'input.__proto__': 'x', 'input.constructor': 'y', 'input.other': 'z', name: 'w' })).toEqual({ ok: true, value: {} });
  });

  it('should keep a hostile value as text, escaped when it is shown again', () => {
    const fields: Fields = { name: { type: 'text', label: L('Nom', 'الاسم'), required: false, maxLength: 5 } };
    const evil = '"><script>alert(1)</script>';
    const parsed = parseForm(fields, { 'input.name': evil });
    expect(parsed).toMatchObject({ ok: false, errors: [{ path: 'name', message: 'must be at most 5 characters' }] });
    const html = renderFields(fields, 'fr', { 'input.name': evil }, parsed.ok ? [] : parsed.errors);
    expect(html).not.toContain('<script>');
    expect(html).toContain('Le texte est trop long.');
    expect(html).toContain('lang="en"');
  });

  it('should read numbers and dates as people type them, and nothing else', () => {
    expect([' 12 ', '12,5', '-3.25', '1\u00a0000', '٣٫٥', '۴'].map(readNumber)).toEqual([12, 12.5, -3.25, 1000, 3.5, 4]);
    for (const bad of ['', '1e3', '0x10', 'Infinity', 'NaN', '1,2,3', '--1', '12abc']) expect([bad, readNumber(bad)]).toEqual([bad, undefined]);
    expect(['2026-01-31', '31/01/2026', '1.2.2026', '٠١/٠٢/٢٠٢٦'].map(readDate)).toEqual(['2026-01-31', '2026-01-31', '2026-02-01', '2026-02-01']);
    for (const bad of ['2026-02-30', '32/01/2026', '2026-1-1', 'demain', '01/13/2026']) expect([bad, readDate(bad)]).toEqual([bad, undefined]);
  });

  it('should take the prefix off errors of a filing or of a resolved unit', () => {
    expect(errorsUnder([{ path: 'data.name', message: 'is required' }, { path: 'unit', message: 'unknown' }], 'data')).toEqual([{ path: 'name', message: 'is required' }]);
  });
});
