import { buildContext } from '../../../activities/notifications/context';
import { createRenderer, LANGUAGES, TEMPLATE_NAMES, TemplateError } from '../../../activities/notifications/render';
import { SAMPLE_INPUTS } from '../../../activities/notifications/samples';
import type { NotifyInput } from '../../../activities/types';

const renderer = createRenderer();
const render = (input: NotifyInput, lang: 'fr' | 'ar', name = 'Salma Bennani') =>
  renderer.render(input.template, lang, buildContext(input, { name }), input.override);

function without(input: NotifyInput, variable: string): NotifyInput {
  const vars = { ...input.vars };
  delete vars[variable];
  return { ...input, vars };
}

describe('notification templates', () => {
  it('should ship exactly the shipped templates, each in both languages', () => {
    expect(renderer.names).toEqual([...TEMPLATE_NAMES].sort());
  });

  describe.each(TEMPLATE_NAMES)('%s', (name) => {
    it.each(LANGUAGES)('should render in %s with the sample data, with no hole', (lang) => {
      const out = render(SAMPLE_INPUTS[name], lang);
      expect(out.subject).toContain(SAMPLE_INPUTS[name].reference);
      expect(out.subject).not.toMatch(/\n/);
      expect(out.text).toContain(SAMPLE_INPUTS[name].reference);
      for (const part of [out.subject, out.text, out.html]) {
        expect(part).not.toMatch(/undefined|\[object Object\]|NaN/);
      }
      expect(out.html).toContain(`<html dir="${lang === 'ar' ? 'rtl' : 'ltr'}" lang="${lang}">`);
      // The greeting names the recipient, in the recipient's language.
      if (name !== 'receipt') expect(out.text).toContain(lang === 'ar' ? 'السيد(ة) Salma Bennani،' : 'Bonjour Salma Bennani,');
    });
  });

  it('should write the Arabic messages right to left in Arabic', () => {
    const out = render(SAMPLE_INPUTS.decision, 'ar');
    expect(out.html).toContain('dir="rtl" lang="ar"');
    expect(out.subject).toBe('الملف AI-2026-000123: صدور القرار');
    expect(out.text).toContain('القرار: الرفض');
    expect(out.html).not.toContain('Bonjour');
  });

  it('should write the French messages left to right in French', () => {
    const out = render(SAMPLE_INPUTS.decision, 'fr');
    expect(out.html).toContain('dir="ltr" lang="fr"');
    expect(out.text).toContain('Décision : défavorable');
    expect(out.text).not.toMatch(/[\u0600-\u06FF]/);
  });

  describe('receipt', () => {
    const input: NotifyInput = {
      ...SAMPLE_INPUTS.receipt,
      reference: 'AI-2026-000777',
      vars: { filedAt: '2026-06-15T14:40:00Z', dueDate: '2026-07-13' },
    };

    it.each(LANGUAGES)('should show both languages side by side with the deadline date (%s recipient)', (lang) => {
      const out = render(input, lang);
      const fr = /<td dir="ltr" lang="fr"[^>]*>([\s\S]*?)<\/td>/.exec(out.html)?.[1] ?? '';
      const ar = /<td dir="rtl" lang="ar"[^>]*>([\s\S]*?)<\/td>/.exec(out.html)?.[1] ?? '';
      expect(fr).toContain('Récépissé de dépôt');
      expect(fr).toContain('AI-2026-000777');
      expect(fr).toContain('Demande d&#x27;accès à l&#x27;information');
      expect(fr).toContain('Loi 31-13 relative au droit d&#x27;accès à l&#x27;information (art. 7, art. 12)');
      expect(fr).toContain('Commune de Rabat-Hassan');
      expect(fr).toContain('Date de dépôt :</strong> 15 juin 2026 à 15:40');
      expect(fr).toContain('Date limite légale de réponse :</strong> 13 juillet 2026');
      expect(ar).toContain('وصل الإيداع');
      expect(ar).toContain('AI-2026-000777');
      expect(ar).toContain('طلب الحصول على المعلومات');
      expect(ar).toContain('جماعة الرباط حسان');
      expect(ar).toContain('تاريخ الإيداع:</strong> 15 يونيو 2026 في 15:40');
      expect(ar).toContain('آخر أجل للرد:</strong> 13 يوليوز 2026');
      // ar-MA spells July the Moroccan way (يوليوز). The recipient's language comes first: leftmost in French, rightmost (first cell) in Arabic.
      expect(out.html.indexOf(`lang="${lang}" style="width:50%`)).toBeLessThan(
        out.html.indexOf(`lang="${lang === 'fr' ? 'ar' : 'fr'}" style="width:50%`),
      );
      expect(out.text).toContain('Date limite légale de réponse : 13 juillet 2026');
      expect(out.text).toContain('آخر أجل للرد: 13 يوليوز 2026');
    });

    it('should date the deposit in Casablanca time, not the server time zone', () => {
      // 23:30 UTC on 31 January is already 1 February in Morocco (UTC+1 outside Ramadan).
      const out = render({ ...input, vars: { filedAt: '2026-01-31T23:30:00Z', dueDate: '2026-03-02' } }, 'fr');
      expect(out.text).toContain('Date de dépôt : 1 février 2026 à 00:30');
    });

    it('should render a receipt without a deadline line for a filing no clock runs for, in both languages', () => {
      for (const lang of LANGUAGES) {
        const out = render({ ...without(input, 'dueDate'), vars: { ...without(input, 'dueDate').vars, noDeadline: true } }, lang);
        expect(out.text).not.toMatch(/Date limite légale|آخر أجل/);
        expect(out.html).not.toMatch(/Date limite légale|آخر أجل/);
        expect(out.text).toContain(input.reference ?? '');
      }
    });

    it('should refuse to render a receipt without its deadline date', () => {
      expect(() => render(without(input, 'dueDate'), 'fr')).toThrow(TemplateError);
      expect(() => render(without(input, 'dueDate'), 'fr')).toThrow(/template "receipt" \(fr, text\): \{\{date\}\} needs a date/);
    });
  });

  it('should fail naming the variable when one is missing, never leave a hole', () => {
    const input = { ...SAMPLE_INPUTS.undeliverable, vars: {} };
    expect(() => render(input, 'ar')).toThrow(/template "undeliverable" \(ar, text\): "template" not defined - 3:/);
  });

  it('should count a variable set to undefined as missing', () => {
    const input = { ...SAMPLE_INPUTS['clock-reminder'], vars: { dueDate: undefined } };
    expect(() => render(input, 'fr')).toThrow(/template "clock-reminder" \(fr, subject\): \{\{date\}\} needs a date/);
  });

  it('should tell the applicant to look at the case when no reason is given for a request', () => {
    const out = render(without(SAMPLE_INPUTS['information-requested'], 'reason'), 'fr');
    expect(out.text).toContain('vous demande :\nConsultez votre dossier dans Masar pour voir ce qui est demandé.');
  });

  it('should show the previous and new deadline of an extension, with its reason', () => {
    const out = render(SAMPLE_INPUTS['clock-extended'], 'fr');
    expect(out.text).toContain('Ancienne date limite : 30 mars 2026\nNouvelle date limite : 28 avril 2026\nMotif : Des tiers');
    expect(render(without(SAMPLE_INPUTS['clock-extended'], 'reason'), 'ar').text).not.toContain('سبب التمديد');
  });

  it('should fail when a template needs a task and none is given', () => {
    const { task: _task, ...noTask } = SAMPLE_INPUTS['task-assigned'];
    expect(() => render(noTask, 'fr')).toThrow(TemplateError);
  });

  it('should fail on an outcome it cannot put in words', () => {
    const context = { ...buildContext(SAMPLE_INPUTS.decision, { name: 'Salma' }), outcome: 'maybe' };
    expect(() => renderer.render('decision', 'fr', context)).toThrow(/\{\{outcome\}\} needs one of approved/);
  });

  it('should leave out optional lines whose variable is absent', () => {
    const out = render(without(SAMPLE_INPUTS.decision, 'reason'), 'fr');
    expect(out.text).not.toContain('Motifs');
    expect(out.text).not.toMatch(/\n\n\n/);
  });

  it('should escape HTML in the HTML part and keep the text part as written', () => {
    const input = { ...SAMPLE_INPUTS.decision, vars: { outcome: 'refused' as const, reason: '<script>alert("x")</script> & co' } };
    const out = render(input, 'fr');
    expect(out.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(out.html).not.toContain('<script>');
    expect(out.text).toContain('Motifs : <script>alert("x")</script> & co');
  });

  it('should reject an unknown template, naming the shipped ones', () => {
    expect(() => render({ ...SAMPLE_INPUTS.decision, template: 'decisoin' }, 'fr')).toThrow(
      /template "decisoin" \(fr\): unknown template; shipped templates are case-closed, clock-extended/,
    );
  });

  describe('procedure override', () => {
    const override = {
      fr: { subject: 'Votre permis {{reference}}', text: 'Décision : {{outcome outcome}} ({{label unit.name}})' },
      ar: {
        subject: 'رخصتكم {{reference}}',
        text: 'القرار: {{outcome outcome}}',
        html: '{{#> layout}}<p>{{label procedure.title}} – {{reason}}</p>{{/layout}}',
      },
    };
    const input: NotifyInput = { ...SAMPLE_INPUTS.decision, template: 'permis-decision', override };

    it('should render the procedure\'s own wording with the shared layout and helpers', () => {
      const fr = render(input, 'fr');
      expect(fr.subject).toBe('Votre permis AI-2026-000123');
      expect(fr.text).toBe('Décision : défavorable (Commune de Rabat-Hassan)\n');
      expect(fr.html).toContain('<html dir="ltr" lang="fr">');
      expect(fr.html).toContain('Décision : défavorable (Commune de Rabat-Hassan)');
      const ar = render(input, 'ar');
      expect(ar.html).toContain('<html dir="rtl" lang="ar">');
      expect(ar.html).toContain('<p>طلب الحصول على المعلومات – L&#x27;information demandée');
    });

    it('should apply the same strict rules to an override', () => {
      const strict = { ...input, override: { ...override, fr: { subject: 'x', text: '{{motif}}' } } };
      expect(() => render(strict, 'fr')).toThrow(/template "permis-decision" \(fr, text\): "motif" not defined/);
    });

    it('should report a syntax error in an override as a template error', () => {
      const broken = { ...input, override: { ...override, fr: { subject: '{{#if x}}', text: 'x' } } };
      expect(() => render(broken, 'fr')).toThrow(TemplateError);
    });
  });
});
