import { buildContext, DEFAULT_PRIVACY_NOTICE } from '../../../activities/notifications/context';
import { createRenderer, LANGUAGES } from '../../../activities/notifications/render';
import { SAMPLE_INPUTS } from '../../../activities/notifications/samples';

const renderer = createRenderer();
const NOTICE = { controller: 'Commune de Tanger <Direction & Urbanisme>', cndpNumber: 'A-GC-123/2026', contact: 'dpo@tanger.ma' };
const receipt = (lang: 'fr' | 'ar', privacy = NOTICE) => renderer.render('receipt', lang, buildContext(SAMPLE_INPUTS.receipt, { name: 'Salma Bennani' }, { privacy }));

describe('the processing notice on the receipt (law 09-08)', () => {
  it.each(LANGUAGES)('should name the controller, the CNDP number and where to exercise rights in both halves of the %s receipt', (lang) => {
    const out = receipt(lang);
    for (const part of [out.text, out.html]) {
      expect(part).toContain('loi 09-08');
      expect(part).toContain('القانون 09.08');
      expect(part).toContain('A-GC-123/2026');
      expect(part).toContain('dpo@tanger.ma');
    }
    expect(out.text).toContain(NOTICE.controller);
    // Configuration is text, escaped in HTML like every other value.
    expect(out.html).toContain('Commune de Tanger &lt;Direction &amp; Urbanisme&gt;');
  });

  it('should say plainly what is missing when the deployment configured nothing', () => {
    const out = renderer.render('receipt', 'fr', buildContext(SAMPLE_INPUTS.receipt, { name: 'Salma Bennani' }));
    expect(out.text).toContain(DEFAULT_PRIVACY_NOTICE.cndpNumber);
    expect(out.text).toContain('MASAR_CNDP_NUMBER');
  });
});
