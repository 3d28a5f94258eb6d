/**
 * The bilingual page every Masar document shares: French on the left, Arabic on the right, row by
 * row so a line of one language faces its translation; a header naming the issuing unit, and a
 * footer with the QR code and short code of the public verification page. What a document says is
 * decided elsewhere (`receipt.ts`, `decision.ts`); this module only places it.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { drawLine, drawParagraph, wrap, type TextStyle } from './bidi-text';
import { FONT, fontFiles } from './fonts';

/** A text in both languages of the document. */
export interface Bilingual {
  fr: string;
  ar: string;
}

/** One fact of a document: a label and its value, in both languages. */
export interface DocumentRow {
  label: Bilingual;
  value: Bilingual;
}

/** What a bilingual document shows, ready to place. */
export interface DocumentContent {
  title: Bilingual;
  /** The issuing unit (and its hierarchy), under the state's heading. */
  issuer: Bilingual;
  rows: DocumentRow[];
  /** Paragraphs after the facts (what silence means, remedies). */
  notes: Bilingual[];
  /** PDF metadata: no personal data. */
  subject: string;
}

/** Where the document can be checked: printed with its QR code. */
export interface VerificationMark {
  code: string;
  url: string;
}

const PAGE = { width: 595.28, height: 841.89, margin: 42 };
const GUTTER = 18;
const COLUMN = (PAGE.width - 2 * PAGE.margin - GUTTER) / 2;
const FR_X = PAGE.margin;
const AR_X = PAGE.margin + COLUMN + GUTTER;
const FOOTER = 118;
const LABEL: TextStyle = { size: 8.5, bold: true, color: '#4b5563' };
const VALUE: TextStyle = { size: 10.5 };
const NOTE: TextStyle = { size: 9, color: '#374151' };

/** A pdfkit document with Masar's fonts registered, A4, ready to draw on. */
export function newDocument(content: DocumentContent): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    autoFirstPage: true,
    pdfVersion: '1.7',
    lang: 'fr-MA',
    info: { Title: `${content.title.fr} / ${content.title.ar}`, Subject: content.subject, Creator: 'Masar', Producer: 'Masar' },
  });
  for (const [name, bytes] of Object.entries(fontFiles())) doc.registerFont(name, bytes);
  doc.font(FONT.latin);
  return doc;
}

function rowHeight(doc: PDFKit.PDFDocument, row: DocumentRow): number {
  const side = (text: string, style: TextStyle, dir: 'ltr' | 'rtl') => wrap(doc, text, COLUMN, dir, style).length * style.size * 1.45;
  const fr = side(row.label.fr, LABEL, 'ltr') + side(row.value.fr, VALUE, 'ltr');
  const ar = side(row.label.ar, LABEL, 'rtl') + side(row.value.ar, VALUE, 'rtl');
  return Math.max(fr, ar) + 8;
}

/** Draws `content` and the verification footer on `doc` (pages added as needed). */
export async function drawDocument(doc: PDFKit.PDFDocument, content: DocumentContent, mark: VerificationMark): Promise<void> {
  let y = PAGE.margin;
  const heading: TextStyle = { size: 9, bold: true, color: '#1f2937' };
  drawLine(doc, 'Royaume du Maroc', FR_X, COLUMN, y, 'ltr', heading);
  drawLine(doc, 'المملكة المغربية', AR_X, COLUMN, y, 'rtl', heading);
  y += 14;
  y += Math.max(
    drawParagraph(doc, content.issuer.fr, FR_X, COLUMN, y, 'ltr', { size: 9, color: '#1f2937' }),
    drawParagraph(doc, content.issuer.ar, AR_X, COLUMN, y, 'rtl', { size: 9, color: '#1f2937' }),
  );
  y += 14;
  const title: TextStyle = { size: 16, bold: true };
  y += Math.max(drawParagraph(doc, content.title.fr, FR_X, COLUMN, y, 'ltr', title), drawParagraph(doc, content.title.ar, AR_X, COLUMN, y, 'rtl', title));
  doc.moveTo(PAGE.margin, y + 4).lineTo(PAGE.width - PAGE.margin, y + 4).lineWidth(0.8).strokeColor('#9ca3af').stroke();
  y += 14;

  const bottom = PAGE.height - PAGE.margin - FOOTER;
  const room = (h: number) => {
    if (y + h <= bottom) return;
    doc.addPage();
    y = PAGE.margin;
  };
  for (const row of content.rows) {
    room(rowHeight(doc, row));
    const fr = drawParagraph(doc, row.label.fr, FR_X, COLUMN, y, 'ltr', LABEL);
    const ar = drawParagraph(doc, row.label.ar, AR_X, COLUMN, y, 'rtl', LABEL);
    const frValue = drawParagraph(doc, row.value.fr, FR_X, COLUMN, y + fr, 'ltr', VALUE);
    const arValue = drawParagraph(doc, row.value.ar, AR_X, COLUMN, y + ar, 'rtl', VALUE);
    y += Math.max(fr + frValue, ar + arValue) + 8;
  }
  y += 6;
  for (const note of content.notes) {
    const h = Math.max(wrap(doc, note.fr, COLUMN, 'ltr', NOTE).length, wrap(doc, note.ar, COLUMN, 'rtl', NOTE).length) * NOTE.size * 1.45;
    room(h);
    drawParagraph(doc, note.fr, FR_X, COLUMN, y, 'ltr', NOTE);
    drawParagraph(doc, note.ar, AR_X, COLUMN, y, 'rtl', NOTE);
    y += h + 6;
  }
  await drawFooter(doc, mark);
}

/** The QR code and short code, at the bottom of the last page. */
async function drawFooter(doc: PDFKit.PDFDocument, mark: VerificationMark): Promise<void> {
  const top = PAGE.height - PAGE.margin - FOOTER + 12;
  doc.moveTo(PAGE.margin, top - 6).lineTo(PAGE.width - PAGE.margin, top - 6).lineWidth(0.5).strokeColor('#d1d5db').stroke();
  const qr = await QRCode.toBuffer(mark.url, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 240 });
  const size = 84;
  doc.image(qr, (PAGE.width - size) / 2, top, { width: size, height: size });
  const text: TextStyle = { size: 8, color: '#374151' };
  const code: TextStyle = { size: 11, bold: true };
  const side = COLUMN - size / 2 - 8;
  drawParagraph(doc, 'Document scellé électroniquement (loi 43-20). Vérifiez-le sur :', FR_X, side, top, 'ltr', text);
  drawParagraph(doc, mark.url, FR_X, side, top + 26, 'ltr', { size: 7, color: '#1d4ed8' });
  drawLine(doc, `Code : ${mark.code}`, FR_X, side, top + 56, 'ltr', code);
  const arLeft = PAGE.width - PAGE.margin - side;
  drawParagraph(doc, 'وثيقة مختومة إلكترونيا (القانون 43.20). تحقق منها على:', arLeft, side, top, 'rtl', text);
  drawLine(doc, `الرمز: ${mark.code}`, arLeft, side, top + 56, 'rtl', code);
}
