/**
 * Approximate text widths for drawing without a browser: per-character advance widths of DejaVu
 * Sans (the first font the pictures ask for), in ems, rounded up, plus a safety margin. Generous
 * on purpose: a box a little too wide is fine, a label cut off is not. Arabic letters take the
 * widest of their joined forms; combining marks take no room. Pure.
 */

/** Lower-case Latin advance widths of DejaVu Sans, in ems. */
const LOWER: Record<string, number> = {
  a: 0.613, b: 0.635, c: 0.55, d: 0.635, e: 0.615, f: 0.352, g: 0.635, h: 0.634, i: 0.278, j: 0.278,
  k: 0.579, l: 0.278, m: 0.974, n: 0.634, o: 0.612, p: 0.635, q: 0.635, r: 0.411, s: 0.521, t: 0.392,
  u: 0.634, v: 0.592, w: 0.818, x: 0.592, y: 0.592, z: 0.525,
};

/** Punctuation and symbols the pictures use. */
const SYMBOLS: Record<string, number> = {
  ' ': 0.318, '.': 0.318, ',': 0.318, ':': 0.337, ';': 0.337, "'": 0.275, '’': 0.318, '-': 0.361, '—': 1.0,
  '(': 0.39, ')': 0.39, '[': 0.39, ']': 0.39, '/': 0.337, '+': 0.838, '×': 0.838, '→': 0.838, '←': 0.838,
  '!': 0.401, '?': 0.531, '"': 0.46, '«': 0.557, '»': 0.557, '%': 0.95, '&': 0.78, '_': 0.5,
};

/** Extra room on every measure: font substitutions, hinting, kerning we do not model. */
const SAFETY = 1.08;
const BOLD = 1.12;

function advance(ch: string): number {
  const lower = LOWER[ch];
  if (lower !== undefined) return lower;
  const symbol = SYMBOLS[ch];
  if (symbol !== undefined) return symbol;
  const code = ch.codePointAt(0) ?? 0;
  if (ch >= '0' && ch <= '9') return 0.636;
  if (ch >= 'A' && ch <= 'Z') return 'IJ'.includes(ch) ? 0.4 : 'MW'.includes(ch) ? 0.99 : 0.78;
  // Accented Latin letters: as wide as the widest plain ones of their case.
  if (code >= 0xc0 && code <= 0x24f) return ch === ch.toLowerCase() ? 0.635 : 0.78;
  // Arabic combining marks (harakat, shadda, superscript alef) take no room.
  if ((code >= 0x64b && code <= 0x65f) || code === 0x670) return 0;
  // Arabic letters (basic, supplement, presentation forms).
  if ((code >= 0x600 && code <= 0x6ff) || (code >= 0x750 && code <= 0x77f) || (code >= 0xfb50 && code <= 0xfeff)) return 0.66;
  return 0.8;
}

/** The width of `text` set at `size` px, bold or not, in px (an upper estimate). */
export function textWidth(text: string, size: number, bold = false): number {
  let ems = 0;
  for (const ch of text) ems += advance(ch);
  return ems * size * SAFETY * (bold ? BOLD : 1);
}

/**
 * `text` broken into lines no wider than `max` px at `size`, between words. A single word wider
 * than `max` gets a line of its own (never cut: the box grows instead).
 */
export function wrapText(text: string, max: number, size: number, bold = false): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && textWidth(candidate, size, bold) > max) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}
