/**
 * Line ordering for the Arabic column and glyph coverage of every fixed wording: pure functions,
 * no PDF. (The PDF itself is read back in tests/integration/documents.)
 */
import * as fontkit from 'fontkit';
import { visualPieces } from '../../../documents/pdf/bidi-text';
import { decisionContent } from '../../../documents/pdf/decision';
import { ARABIC, FONT, fontFiles, fontFor } from '../../../documents/pdf/fonts';
import { receiptContent } from '../../../documents/pdf/receipt';
import { OUTCOMES, SILENCE, type OutcomeWord } from '../../../documents/pdf/words';

const words = (line: string, dir: 'ltr' | 'rtl') => visualPieces(line, dir).filter((p) => p.text.trim() !== '');

describe('the order of a line', () => {
  it.each([
    ['Arabic words', 'المملكة المغربية', ['المغربية', 'المملكة']],
    ['Arabic then a Latin reference', 'مرجع الملف PC-2026-000123', ['PC-2026-000123', 'الملف', 'مرجع']],
    // Law numbers are written 12.90 in Arabic: a dot between digits keeps them one number.
    ['Arabic with a law number', 'القانون 12.90', ['12.90', 'القانون']],
    // After Arabic letters, digits are Arabic numbers (rule W2) and a hyphen between them stays
    // neutral: "12-90" shows as 90-12, as in every browser.
    ['Arabic with a hyphenated number', 'القانون 12-90', ['90', '-', '12', 'القانون']],
    ['Arabic then Latin words', 'السلطة Commune de Tanger', ['Commune', 'de', 'Tanger', 'السلطة']],
  ])('should lay out %s right to left, keeping left-to-right runs in their order', (_what, line, expected) => {
    expect(words(line, 'rtl').map((p) => p.text)).toEqual(expected);
  });

  it('should keep a French line left to right, with an Arabic name inside it right to left', () => {
    const pieces = words('Commune de جماعة طنجة (Tanger)', 'ltr');
    expect(pieces.map((p) => p.text)).toEqual(['Commune', 'de', 'طنجة', 'جماعة', '(Tanger)']);
    expect(pieces.filter((p) => p.rtl).map((p) => p.text)).toEqual(['طنجة', 'جماعة']);
  });

  it('should draw every character of the line once, whatever the mix', () => {
    for (const line of ['أجل الدراسة (2 mois) : 28 يناير 2027', '«الرفض»، 12-90; 48)', 'a (ب) c', '']) {
      const drawn = visualPieces(line, 'rtl').map((p) => p.text).join('');
      expect([...drawn].sort()).toEqual([...line].sort());
    }
  });
});

describe('the fonts', () => {
  const fonts = Object.fromEntries(Object.entries(fontFiles()).map(([name, bytes]) => [name, fontkit.create(bytes)])) as Record<string, fontkit.Font>;
  const texts: string[] = [
    ...Object.values(OUTCOMES).flatMap((l) => [l.fr, l.ar]),
    ...Object.values(SILENCE).flatMap((l) => [l.fr, l.ar]),
    ...(() => {
      const r = receiptContent({
        reference: 'X',
        procedure: { title: { fr: 'é', ar: 'ع' }, legalBasis: [] },
        unit: { code: 'u', name: { fr: 'u', ar: 'ع' } },
        filedAt: '2026-01-01T00:00:00Z',
        channel: 'online',
        documents: [],
        deadline: { label: { fr: 'd', ar: 'د' }, duration: 'P2M', counting: 'calendar', silence: 'refusal' },
      });
      const d = decisionContent({ reference: 'X', procedure: { title: { fr: 'é', ar: 'ع' } }, unit: { code: 'u', name: { fr: 'u', ar: 'ع' } }, filedAt: '2026-01-01T00:00:00Z', decidedAt: '2026-02-01T00:00:00Z', outcome: 'refused' as OutcomeWord, state: { fr: 's', ar: 'س' }, tacit: { clock: { fr: 'c', ar: 'ج' } }, inputs: [] });
      return [r, d].flatMap((c) => [c.title, ...c.rows.flatMap((row) => [row.label, row.value]), ...c.notes]).flatMap((l) => [l.fr, l.ar]);
    })(),
    // Dates as Intl writes them in both locales.
    '28 novembre 2026 à 10:05 28 نونبر 2026 في 10:05 يناير فبراير مارس أبريل ماي يونيو يوليوز غشت شتنبر أكتوبر دجنبر',
  ];

  it.each([false, true])('should have a glyph for every character of the fixed wording (bold: %s)', (bold) => {
    const missing = new Set<string>();
    for (const text of texts) {
      for (const ch of text) {
        if (/\s/.test(ch)) continue;
        // The font drawing a character: its run's font (Arabic letters, else Latin).
        const name = ARABIC.test(ch) ? (bold ? FONT.arabicBold : FONT.arabic) : fontFor('a', bold);
        if (!fonts[name]?.hasGlyphForCodePoint(ch.codePointAt(0) ?? 0)) missing.add(`${ch} (U+${(ch.codePointAt(0) ?? 0).toString(16)}) in ${name}`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
