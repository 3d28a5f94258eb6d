import { readFileSync, writeFileSync } from 'node:fs';
import { renderSealedPdf } from '../documents/pdf/render';
import { readSealKey } from '../documents/pdf/seal';
(async () => {
  const seal = readSealKey(readFileSync('/tmp/pdfx/demo/seal-cert.pem', 'utf8'), readFileSync('/tmp/pdfx/demo/seal-key.pem', 'utf8'));
  const pdf = await renderSealedPdf({
    title: { fr: 'Récépissé de dépôt', ar: 'وصل الإيداع' },
    issuer: { fr: 'Commune de Rabat-Hassan', ar: 'جماعة الرباط حسان' },
    rows: [
      { label: { fr: 'Référence', ar: 'المرجع' }, value: { fr: 'PC-2026-000123', ar: 'PC-2026-000123' } },
      { label: { fr: 'Procédure', ar: 'المسطرة' }, value: { fr: 'Permis de construire', ar: 'رخصة البناء' } },
      { label: { fr: 'Délai légal', ar: 'الأجل القانوني' }, value: { fr: '28 janvier 2027 (Loi 12-90, art. 48)', ar: '28 يناير 2027 (القانون 12-90، المادة 48)' } },
    ],
    notes: [{ fr: "Le silence de l'administration au-delà de ce délai vaut accord tacite.", ar: 'يعتبر سكوت الإدارة بعد انصرام هذا الأجل بمثابة موافقة ضمنية.' }],
    subject: 'receipt PC-2026-000123',
  }, { code: 'K7Q2-M9XD', url: 'http://127.0.0.1:8080/verify/K7Q2-M9XD' }, { seal, signedAt: new Date(), location: 'Rabat' });
  writeFileSync('/tmp/pdfx/demo.pdf', pdf);
})();
