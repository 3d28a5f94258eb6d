/**
 * Bidirectional text on a pdfkit page: a paragraph in a base direction (French left to right, Arabic
 * right to left) is wrapped to a width, and each line is laid out in visual order by the Unicode
 * Bidirectional Algorithm (bidi-js), run by run.
 *
 * Hazard, why runs and not characters: Arabic must be shaped (joining forms, lam-alef ligatures)
 * on its logical order, and fontkit (inside pdfkit) shapes a run it detects as Arabic and then
 * reverses it to visual order itself. So a line is cut into runs of one embedding level and one
 * font; the runs are reordered (rule L2), and each run is handed to pdfkit in logical order when
 * fontkit will reverse it, or pre-reversed (with mirrored brackets) when it will not. Handing
 * pdfkit characters already in visual order would break the shaping.
 */
import bidiFactory from 'bidi-js';
import { ARABIC, fontFor } from './fonts';

const bidi = bidiFactory();

export type Direction = 'ltr' | 'rtl';

export interface TextStyle {
  size: number;
  bold?: boolean;
  color?: string;
}

/** The part of a pdfkit document this module draws with. */
export interface TextSurface {
  font(name: string, size?: number): this;
  fontSize(size: number): this;
  fillColor(color: string): this;
  widthOfString(text: string): number;
  text(text: string, x: number, y: number, options: { lineBreak: false; baseline?: 'alphabetic' }): this;
  markContent(tag: string, options?: { actual?: string; lang?: string }): this;
  endMarkedContent(): this;
}

/** A piece of one line: one embedding level, one font, in logical order. */
interface Run {
  text: string;
  level: number;
  arabic: boolean;
}

/** Cuts `line` into runs of one level and one script, in logical order. */
function logicalRuns(line: string, direction: Direction): Run[] {
  const { levels } = bidi.getEmbeddingLevels(line, direction);
  const runs: Run[] = [];
  const chars = [...line];
  let offset = 0;
  for (const ch of chars) {
    const level = levels[offset] ?? 0;
    offset += ch.length;
    const arabic = ARABIC.test(ch);
    const last = runs[runs.length - 1];
    // Neutrals (spaces, punctuation) join the run they sit in rather than cutting it.
    const neutral = !arabic && !/[\p{L}\p{N}]/u.test(ch);
    if (last && last.level === level && (last.arabic === arabic || neutral)) last.text += ch;
    else runs.push({ text: ch, level, arabic });
  }
  return runs;
}

/** Rule L2: from the highest level down to the lowest odd one, reverse every sequence at that level or above. */
function visualOrder(runs: Run[]): Run[] {
  const out = [...runs];
  const max = Math.max(0, ...out.map((r) => r.level));
  const minOdd = Math.min(...out.map((r) => r.level).filter((l) => l % 2 === 1), max + 1);
  for (let level = max; level >= minOdd && level > 0; level--) {
    let i = 0;
    while (i < out.length) {
      if ((out[i]?.level ?? 0) < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < out.length && (out[j]?.level ?? 0) >= level) j++;
      out.splice(i, j - i, ...out.slice(i, j).reverse());
      i = j;
    }
  }
  return out;
}

const mirror = (ch: string): string => bidi.getMirroredCharacter(ch) ?? ch;

/**
 * The string to hand pdfkit for a run so that it comes out in visual order: fontkit reverses runs
 * it detects as Arabic; every other right-to-left run is reversed here.
 */
function drawable(run: Run): string {
  const rtl = run.level % 2 === 1;
  const chars = [...run.text].map((ch) => (rtl ? mirror(ch) : ch));
  const fontkitReverses = run.arabic;
  if (rtl === fontkitReverses) return chars.join('');
  return chars.reverse().join('');
}

function measureRun(doc: TextSurface, run: Run, style: TextStyle): number {
  return doc.font(fontFor(run.arabic ? 'ء' : 'a', !!style.bold), style.size).widthOfString(run.text);
}

/** Width of `text` laid out in `direction`. */
export function measure(doc: TextSurface, text: string, direction: Direction, style: TextStyle): number {
  return logicalRuns(text, direction).reduce((w, r) => w + measureRun(doc, r, style), 0);
}

/** Wraps a paragraph into lines no wider than `width`, breaking at spaces (a word wider than the line is cut). */
export function wrap(doc: TextSurface, text: string, width: number, direction: Direction, style: TextStyle): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (!line || measure(doc, candidate, direction, style) <= width) {
        line = candidate;
        continue;
      }
      lines.push(line);
      line = word;
    }
    // A single word longer than the line (a long reference, a hash): cut it by characters.
    while (measure(doc, line, direction, style) > width && [...line].length > 1) {
      const chars = [...line];
      let n = chars.length - 1;
      while (n > 1 && measure(doc, chars.slice(0, n).join(''), direction, style) > width) n--;
      lines.push(chars.slice(0, n).join(''));
      line = chars.slice(n).join('');
    }
    lines.push(line);
  }
  return lines;
}

/** The words and spaces of a run, in the order they are drawn left to right. */
function piecesOf(run: Run): Run[] {
  const pieces = run.text.split(/( +)/).filter((t) => t !== '').map((text) => ({ ...run, text }));
  return run.level % 2 === 1 ? pieces.reverse() : pieces;
}

/**
 * The pieces of `line` from left to right as drawn, each in logical order with its direction:
 * what `drawLine` places, exposed for tests of the ordering.
 */
export function visualPieces(line: string, direction: Direction): { text: string; rtl: boolean }[] {
  return visualOrder(logicalRuns(line, direction))
    .flatMap(piecesOf)
    .map((p) => ({ text: p.text, rtl: p.level % 2 === 1 }));
}

/** Where the baseline sits below the top of a line: the same for both scripts, so a mixed line stays level. */
const ASCENT = 1.07;

/**
 * Draws one line between `left` and `left + width`, aligned to the start of its direction (left
 * for ltr, right for rtl), top at `y`.
 *
 * Hazard: spaces are never handed to pdfkit inside an Arabic run (pdfkit 0.20 loses the advance of
 * a space among reversed, mark-positioned glyphs, gluing two words together): words are drawn one
 * by one and the spaces become gaps of the measured width.
 */
export function drawLine(doc: TextSurface, line: string, left: number, width: number, y: number, direction: Direction, style: TextStyle): void {
  // A line with no Arabic (a reference, grounds written in French) reads left to right even in
  // the Arabic column: only its alignment follows the column.
  const base: Direction = ARABIC.test(line) ? direction : 'ltr';
  const pieces = visualOrder(logicalRuns(line, base)).flatMap(piecesOf);
  const widths = pieces.map((r) => measureRun(doc, r, style));
  const total = widths.reduce((a, b) => a + b, 0);
  let x = direction === 'rtl' ? left + width - total : left;
  doc.fillColor(style.color ?? '#111827');
  // Shaped Arabic glyphs cannot map back to letters one by one (a skeleton glyph serves several
  // letters, dots are marks of their own), so the line's characters go along as ActualText, in
  // the order its glyphs are drawn (the order a correct ToUnicode map would give): text extractors
  // put right-to-left text back in logical order from there, as they do for any PDF.
  const actual = ARABIC.test(line);
  if (actual) doc.markContent('Span', { actual: bidi.getReorderedString(line, bidi.getEmbeddingLevels(line, base)), lang: direction === 'rtl' ? 'ar' : 'fr' });
  pieces.forEach((piece, i) => {
    if (piece.text.trim() !== '') {
      doc.font(fontFor(piece.arabic ? 'ء' : 'a', !!style.bold), style.size).text(drawable(piece), x, y + style.size * ASCENT, { lineBreak: false, baseline: 'alphabetic' });
    }
    x += widths[i] ?? 0;
  });
  if (actual) doc.endMarkedContent();
}

/** Wraps and draws a paragraph; returns the height it took. */
export function drawParagraph(doc: TextSurface, text: string, left: number, width: number, y: number, direction: Direction, style: TextStyle): number {
  const lineHeight = style.size * 1.45;
  const lines = wrap(doc, text, width, direction, style);
  lines.forEach((line, i) => drawLine(doc, line, left, width, y + i * lineHeight, direction, style));
  return lines.length * lineHeight;
}
