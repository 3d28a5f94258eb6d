// fontkit ships no types; the tests use one call of it (pdfkit's own font engine, installed with pdfkit).
declare module 'fontkit' {
  export interface Font {
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export function create(buffer: Buffer): Font;
}
