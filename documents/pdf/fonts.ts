/**
 * The fonts every Masar PDF embeds: Noto Sans for Latin script and Noto Sans Arabic for Arabic, in
 * regular and bold, shipped as TrueType files by npm packages (pdfkit embeds TTF/OTF, not WOFF), so
 * a document renders the same on any machine without system fonts. Both families are designed to
 * sit together (same x-height and weight), which is what a bilingual page needs.
 */
import { readFileSync } from 'node:fs';

/** Font names registered on each document. */
export const FONT = {
  latin: 'masar-latin',
  latinBold: 'masar-latin-bold',
  arabic: 'masar-arabic',
  arabicBold: 'masar-arabic-bold',
} as const;
export type FontName = (typeof FONT)[keyof typeof FONT];

const FILES: Record<FontName, string> = {
  [FONT.latin]: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  [FONT.latinBold]: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  [FONT.arabic]: '@expo-google-fonts/noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf',
  [FONT.arabicBold]: '@expo-google-fonts/noto-sans-arabic/700Bold/NotoSansArabic_700Bold.ttf',
};

let cache: Record<FontName, Buffer> | undefined;

/** The font files' bytes, read once per process (about 1.5 MB in all). */
export function fontFiles(): Record<FontName, Buffer> {
  if (!cache) {
    const read = (name: FontName) => {
      const module = FILES[name];
      try {
        return readFileSync(require.resolve(module));
      } catch (e) {
        throw new Error(`font ${name}: cannot read ${module} (${(e as Error).message}); run npm install`);
      }
    };
    cache = { [FONT.latin]: read(FONT.latin), [FONT.latinBold]: read(FONT.latinBold), [FONT.arabic]: read(FONT.arabic), [FONT.arabicBold]: read(FONT.arabicBold) };
  }
  return cache;
}

/** Letters of the Arabic script blocks (Arabic, Supplement, Extended-A, Presentation Forms A and B). */
export const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

/** The font for a run of text: Arabic when it holds Arabic letters, Latin otherwise. */
export function fontFor(text: string, bold: boolean): FontName {
  if (ARABIC.test(text)) return bold ? FONT.arabicBold : FONT.arabic;
  return bold ? FONT.latinBold : FONT.latin;
}
