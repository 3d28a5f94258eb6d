/**
 * The pure half of file-carrying forms: which file field an input name stands for (any nesting,
 * hostile names refused), and how a form's uploads and kept documents become the values the form
 * parser reads and the form shows back.
 */
import type { Fields, Label } from '../../../definitions/schema';
import { formFields, parseForm } from '../../../console/forms';
import { fileInputAt, withUploads, type UploadForm } from '../../../console/upload-form';
import type { UploadedDocument } from '../../../usecases/documents';

const L = (fr: string, ar: string): Label => ({ fr, ar });
const FIELDS: Fields = {
  subject: { type: 'text', label: L('Objet', 'الموضوع'), required: true },
  plan: { type: 'file', label: L('Plan', 'التصميم'), required: true, accept: ['application/pdf'] },
  scans: { type: 'list', label: L('Pièces', 'الوثائق'), required: false, of: { type: 'file', label: L('Pièce', 'وثيقة'), required: true } },
  owner: { type: 'group', label: L('Propriétaire', 'المالك'), required: false, fields: { id_card: { type: 'file', label: L('CIN', 'البطاقة'), required: false } } },
  plots: {
    type: 'list',
    label: L('Parcelles', 'القطع'),
    required: false,
    of: { type: 'group', label: L('Parcelle', 'قطعة'), required: true, fields: { title: { type: 'file', label: L('Titre', 'الرسم'), required: true } } },
  },
};

const ID = (n: number) => `${String(n).padStart(8, '0')}-5a4d-4e6f-9b7a-0c1d2e3f4a5b`;
const doc = (n: number, fileName = `scan-${n}.pdf`): UploadedDocument => ({ id: ID(n), sha256: 'a'.repeat(64), size: 10, mediaType: 'application/pdf', fileName, field: 'input.plan', uploadedAt: '2026-11-28T10:00:00.000Z' });

describe('the file field behind an input name', () => {
  it.each([
    ['data.plan', 'plan', false],
    ['data.scans', 'scans', true],
    ['data.owner.id_card', 'owner.fields.id_card', false],
    ['data.plots.0.title', 'plots.fields.title', false],
    ['data.plots.12.title', 'plots.fields.title', false],
  ])('should find %s as the definition\'s %s', (name, definitionPath, multiple) => {
    expect(fileInputAt(FIELDS, name, 'data')).toMatchObject({ definitionPath, multiple, field: { type: 'file' } });
  });

  it.each(['data.subject', 'data.owner', 'data.plots.title', 'data.plots.x.title', 'data.plots.999.title', 'input.plan', 'data.__proto__', 'data.constructor', 'data.plan.extra', 'data.', 'plan', 'data.toString'])(
    'should refuse %s: no file input of these fields',
    (name) => {
      expect(fileInputAt(FIELDS, name, 'data')).toBeUndefined();
    },
  );
});

describe('uploads put where the form reads them', () => {
  const read = (uploads: [string, UploadedDocument[]][], form: Record<string, string | string[]> = {}): UploadForm => ({ form: { subject: 'x', ...form }, uploads: new Map(uploads), errors: [] });
  const inputOf = (name: string) => fileInputAt(FIELDS, name, 'data');

  it('should give a single file input its upload, and a list its uploads, parsed into the typed input', () => {
    const form = withUploads(read([['data.plan', [doc(1)]], ['data.scans', [doc(2), doc(3)]]], { 'data.subject': 'Permis' }), inputOf);
    expect(parseForm(FIELDS, form, 'data')).toEqual({ ok: true, value: { subject: 'Permis', plan: ID(1), scans: [ID(2), ID(3)] } });
  });

  it('should keep the ticked documents of an earlier try, replace a single one by a new choice, and add to a list', () => {
    const earlier = { '_keep.data.plan': ID(1), '_keep.data.scans': [ID(2)], 'data.subject': 'Permis' };
    expect(parseForm(FIELDS, withUploads(read([], earlier), inputOf), 'data')).toMatchObject({ ok: true, value: { plan: ID(1), scans: [ID(2)] } });
    const again = withUploads(read([['data.plan', [doc(4)]], ['data.scans', [doc(5)]]], earlier), inputOf);
    expect(parseForm(FIELDS, again, 'data')).toMatchObject({ ok: true, value: { plan: ID(4), scans: [ID(2), ID(5)] } });
  });

  it('should offer the uploads back, by name, when the form is refused, and say a file not kept must be chosen again', () => {
    const form = withUploads(read([['data.plan', [doc(1, 'plan <cadastre>.pdf')]]]), inputOf);
    const views = formFields(FIELDS, 'fr', { form, prefix: 'data' });
    const plan = views.find((v) => v.name === 'data.plan');
    expect(plan?.kept).toEqual([{ id: ID(1), fileName: 'plan <cadastre>.pdf', inputId: 'f-data-plan-keep-0' }]);
    expect(plan?.chooseAgain).toBeUndefined();
    expect(views.find((v) => v.name === 'data.scans')?.chooseAgain).toBe(true);
  });

  it('should drop kept values that are no document id and names that are no file input', () => {
    const form = withUploads(read([['data.subject', [doc(1)]]], { '_keep.data.plan': '../../etc/passwd', '_keep.data.nothing': ID(2) }), inputOf);
    expect(form['data.subject']).toBeUndefined();
    expect(form['data.nothing']).toBeUndefined();
    const views = formFields(FIELDS, 'fr', { form: { ...form, '_keep.data.plan': '../../etc/passwd' }, prefix: 'data' });
    expect(views.find((v) => v.name === 'data.plan')?.kept).toEqual([]);
  });
});
