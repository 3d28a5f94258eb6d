/**
 * A sealed receipt and decision read back by independent tools: poppler's `pdftotext` (text in
 * logical order, French and Arabic), `pdftoppm` (the Arabic column is drawn), `pdfsig` (the PAdES
 * signature is valid and covers the whole file), and `openssl cms -verify` against a CA the test
 * made. A one-byte change must break the seal.
 */
import { decisionContent, type DecisionFacts } from '../../../documents/pdf/decision';
import type { DocumentContent } from '../../../documents/pdf/layout';
import { sanitiseFileName } from '../../../documents/file-name';
import { receiptContent, type ReceiptFacts } from '../../../documents/pdf/receipt';
import { renderSealedPdf } from '../../../documents/pdf/render';
import { SILENCE } from '../../../documents/pdf/words';
import { opensslVerifies, pdfsig, pdfText, renderGrey } from '../../support/pdf-tools';
import { createTestCa, type TestCa } from '../../support/test-ca';

const RECEIPT: ReceiptFacts = {
  reference: 'PC-2026-000123',
  procedure: { title: { fr: 'Permis de construire (petits projets)', ar: 'رخصة البناء (المشاريع الصغرى)' }, legalBasis: [{ law: 'Loi 12-90', articles: ['art. 48'] }] },
  unit: { code: '01.511.01.01', name: { fr: 'Commune de Tanger', ar: 'جماعة طنجة' } },
  filedAt: '2026-11-28T09:05:00.000Z',
  channel: 'counter',
  documents: [{ label: { fr: 'Plans architecturaux', ar: 'التصاميم المعمارية' }, value: 'plans-rdc.pdf' }],
  deadline: { label: { fr: "Délai d'instruction", ar: 'أجل الدراسة' }, dueDate: '2027-01-28', duration: 'P2M', counting: 'calendar', basis: 'Loi 12-90 ; décret 2.22.141', silence: 'approval' },
};

const DECISION: DecisionFacts = {
  reference: 'PC-2026-000123',
  procedure: { title: RECEIPT.procedure.title },
  unit: RECEIPT.unit,
  filedAt: RECEIPT.filedAt,
  decidedAt: '2026-12-15T10:30:00.000Z',
  outcome: 'approved',
  state: { fr: 'Permis délivré', ar: 'تم تسليم الرخصة' },
  grounds: 'Dossier conforme au plan d’aménagement.',
  inputs: [
    { label: { fr: 'Taxe sur les constructions', ar: 'الرسم على البناء' }, text: { fr: '1250 MAD', ar: '1250 درهم' } },
    { label: { fr: 'Conditions', ar: 'الشروط' }, text: { fr: 'Respect du recul de 4 m', ar: 'احترام تراجع 4 أمتار' } },
  ],
};

const MARK = { code: '7KQ2-M9XD-4T1B', url: 'https://masar.example.ma/verify/7KQ2-M9XD-4T1B' };

let ca: TestCa;
let receipt: Buffer;
let decision: Buffer;

beforeAll(async () => {
  ca = createTestCa();
  const options = { seal: ca.seal, signedAt: new Date('2026-11-28T09:06:00Z'), location: 'Tanger' };
  receipt = await renderSealedPdf(receiptContent(RECEIPT), MARK, options);
  decision = await renderSealedPdf(decisionContent(DECISION), MARK, options);
});

/** Every label of a content (each is drawn as one line: they are short). */
const labels = (c: DocumentContent) => [c.title, ...c.rows.map((r) => r.label)];
/** Arabic words only: poppler orders a line mixing Arabic with digits or brackets its own way. */
const PURE_ARABIC = /^[\u0600-\u06FF ]+$/;

describe('the text of a sealed document', () => {
  it.each([
    ['receipt', () => receipt, receiptContent(RECEIPT)],
    ['decision', () => decision, decisionContent(DECISION)],
  ] as const)('should give back every French and Arabic label of the %s in logical order', (_kind, pdf, content) => {
    const text = pdfText(pdf());
    for (const label of labels(content)) {
      expect(text).toContain(label.fr);
      if (PURE_ARABIC.test(label.ar)) expect(text).toContain(label.ar);
      // A mixed line: each Arabic word still comes out whole, letters in logical order.
      else for (const word of label.ar.match(/[\u0600-\u06FF]+/g) ?? []) expect(text).toContain(word);
    }
  });

  it('should state the receipt facts: reference, date and time of filing, documents, deadline and what silence means', () => {
    const text = pdfText(receipt);
    expect(text).toContain('PC-2026-000123');
    // 09:05 UTC is 10:05 in Casablanca.
    expect(text).toContain('28 novembre 2026 à 10:05');
    expect(text).toContain('Plans architecturaux : plans-rdc.pdf');
    expect(text).toContain('au plus tard le 28 janvier 2027 (2 mois)');
    expect(text).toContain('Loi 12-90 ; décret 2.22.141');
    for (const word of ['accord', 'tacite']) expect(text).toContain(word);
    // The Arabic sentence on silence, word by word (it wraps over lines).
    for (const word of SILENCE.approval.ar.replace(/[.،]/g, '').split(' ')) expect(text).toContain(word);
  });

  it('should state the decision: outcome, grounds and inputs in both languages', () => {
    const text = pdfText(decision);
    for (const s of ['Favorable : Permis délivré', 'Dossier conforme', '1250 MAD', 'Respect du recul de 4 m', 'تم تسليم الرخصة', 'درهم', 'احترام تراجع', 'الشروط']) expect(text).toContain(s);
  });

  it('should print the verification code and link', () => {
    const text = pdfText(receipt);
    expect(text).toContain(MARK.code);
    expect(text).toContain(MARK.url);
  });
});

describe('the rendering of a sealed document', () => {
  it('should draw ink in the Arabic column as in the French one', () => {
    const page = renderGrey(receipt);
    const ink = (x0: number, x1: number) => {
      let dark = 0;
      for (let y = 100; y < 500; y++) for (let x = x0; x < x1; x++) if (page.pixel(x, y) < 128) dark++;
      return dark;
    };
    const mid = Math.floor(page.width / 2);
    const fr = ink(40, mid - 10);
    const ar = ink(mid + 10, page.width - 40);
    expect(fr).toBeGreaterThan(500);
    // Arabic glyphs, not an empty column; and of the same order as the French (tofu boxes or
    // missing glyphs would make it far lighter or far heavier).
    expect(ar).toBeGreaterThan(fr * 0.4);
    expect(ar).toBeLessThan(fr * 2.5);
  });
});

describe('the seal', () => {
  it('should be a valid PAdES signature over the whole file for pdfsig', () => {
    const r = pdfsig(receipt);
    expect(r.out).toContain('Signature Validation: Signature is Valid.');
    expect(r.out).toContain('Signature Type: ETSI.CAdES.detached');
    expect(r.out).toContain('Signer Certificate Common Name: Commune de Tanger (test seal)');
    expect(r.out).toContain('Total document signed');
    expect(r.out).toContain('Signing Hash Algorithm: SHA-256');
  });

  it('should chain to the test CA for openssl, and not to an unrelated CA', () => {
    expect(opensslVerifies(decision, ca.caCert)).toMatchObject({ ok: true });
    expect(opensslVerifies(decision, ca.otherCaCert).ok).toBe(false);
  });

  // Bytes outside the signature's own placeholder (whose zero padding no seal covers: there, the
  // verification page's hash catches the change, see tests/integration/api/documents.test.ts).
  it.each([
    ['in the header comment', () => 11],
    ['in the page content', (pdf: Buffer) => Math.floor(pdf.length * 0.75)],
    ['in the last bytes', (pdf: Buffer) => pdf.length - 20],
  ])('should break when one byte changes %s', (_where, at) => {
    const altered = Buffer.from(decision);
    const i = at(altered);
    altered[i] = (altered[i] ?? 0) ^ 0x01;
    expect(pdfsig(altered).out).not.toContain('Signature is Valid.');
    expect(opensslVerifies(altered, ca.caCert).ok).toBe(false);
  });
});

describe('the file names a receipt lists', () => {
  // Whatever an upload keeps (documents/file-name.ts): any script, symbols the fonts lack, the
  // longest name without a space, bidirectional marks stripped. The receipt must still render,
  // seal and give the names back.
  const given = ['تصميم الطابق الأرضي.pdf', '設計図 第1版.pdf', 'plan 🏠 final.pdf', `${'x'.repeat(400)}.pdf`, 'facture\u202Efdp.pdf', 'Plan (v2) [définitif] 50%.pdf'];
  const kept = given.map((name) => sanitiseFileName(name, 'application/pdf'));

  it('should render, seal and give back any name an upload keeps', async () => {
    const facts: ReceiptFacts = { ...RECEIPT, documents: kept.map((value) => ({ label: { fr: 'Pièce', ar: 'وثيقة' }, value })) };
    const pdf = await renderSealedPdf(receiptContent(facts), MARK, { seal: ca.seal, signedAt: new Date(), location: 'Tanger' });
    expect(pdfsig(pdf).out).toContain('Signature is Valid.');
    const text = pdfText(pdf).replace(/\s+/g, '');
    expect(kept[3]!.length).toBeLessThanOrEqual(150);
    for (const name of [kept[3]!, kept[4]!, kept[5]!]) expect(text).toContain(name.replace(/\s+/g, ''));
    for (const word of kept[0]!.match(/[\u0600-\u06FF]+/g) ?? []) expect(pdfText(pdf)).toContain(word);
  });
});
