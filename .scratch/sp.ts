import PDFDocument from 'pdfkit';
import { writeFileSync } from 'node:fs';
import { fontFiles, FONT } from '/work/wt/pdf/documents/pdf/fonts';
const doc = new PDFDocument({ compress: false });
doc.registerFont('a', fontFiles()[FONT.arabic]);
const chunks: Buffer[] = []; doc.on('data', (c: Buffer) => chunks.push(c)); doc.on('end', () => writeFileSync('/tmp/pdfx/sp.pdf', Buffer.concat(chunks)));
doc.font('a', 20).text('المملكة المغربية', 50, 50, { lineBreak: false });
console.log(doc.widthOfString('المملكة المغربية'), doc.widthOfString('المملكة'), doc.widthOfString(' '));
doc.end();
