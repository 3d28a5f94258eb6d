/**
 * The filing receipt (récépissé, law 55-19): what was filed, where, when, with which documents, by
 * when the administration must answer and on what basis, and what its silence will mean.
 */
import type { Bilingual, DocumentContent, DocumentRow } from './layout';
import { dateOnly, dateTime, duration, same, SILENCE, type Silence } from './words';

/** The facts a receipt states, gathered from the case and its procedure. */
export interface ReceiptFacts {
  reference: string;
  procedure: { title: Bilingual; legalBasis: { law: string; articles: string[] }[] };
  unit: { code: string; name: Bilingual };
  filedAt: string;
  /** Filed at the counter by an agent for the applicant, or online by the applicant. */
  channel: 'counter' | 'online';
  /** The documents received: each file field of the filing and what was given for it. */
  documents: { label: Bilingual; value: string }[];
  /** The legal deadline of the administration's answer, when the procedure sets one. */
  deadline?: {
    label: Bilingual;
    /** Local due date, when the clock runs from the filing. */
    dueDate?: string | undefined;
    duration: string;
    counting: 'working_days' | 'calendar';
    basis?: string | undefined;
    silence?: Silence | undefined;
  };
}

const basisText = (basis: ReceiptFacts['procedure']['legalBasis']): string =>
  basis.map((b) => (b.articles.length > 0 ? `${b.law} (${b.articles.join(', ')})` : b.law)).join(' ; ');

/** The content of the receipt. */
export function receiptContent(f: ReceiptFacts): DocumentContent {
  const rows: DocumentRow[] = [
    { label: { fr: 'Référence du dossier', ar: 'مرجع الملف' }, value: same(f.reference) },
    { label: { fr: 'Procédure', ar: 'المسطرة' }, value: f.procedure.title },
    { label: { fr: 'Base légale', ar: 'السند القانوني' }, value: same(basisText(f.procedure.legalBasis)) },
    { label: { fr: 'Déposé auprès de', ar: 'أودع لدى' }, value: { fr: `${f.unit.name.fr} (${f.unit.code})`, ar: `${f.unit.name.ar} (${f.unit.code})` } },
    { label: { fr: 'Date et heure du dépôt', ar: 'تاريخ وساعة الإيداع' }, value: dateTime(f.filedAt) },
    {
      label: { fr: 'Mode de dépôt', ar: 'طريقة الإيداع' },
      value: f.channel === 'counter' ? { fr: 'Au guichet', ar: 'بالشباك' } : { fr: 'En ligne', ar: 'عبر الإنترنت' },
    },
    {
      label: { fr: 'Pièces reçues', ar: 'الوثائق المتوصل بها' },
      value:
        f.documents.length === 0
          ? { fr: 'Aucune pièce jointe', ar: 'لا توجد وثائق مرفقة' }
          : { fr: f.documents.map((d) => `• ${d.label.fr} : ${d.value}`).join('\n'), ar: f.documents.map((d) => `• ${d.label.ar}: ${d.value}`).join('\n') },
    },
  ];
  const notes: Bilingual[] = [];
  const d = f.deadline;
  if (d) {
    const length = duration(d.duration);
    const due = d.dueDate ? dateOnly(d.dueDate) : undefined;
    rows.push({
      label: { fr: `Délai légal de réponse (${d.label.fr})`, ar: `آخر أجل للرد (${d.label.ar})` },
      value: due
        ? { fr: `au plus tard le ${due.fr} (${length.fr})`, ar: `في أجل أقصاه ${due.ar} (${length.ar})` }
        : { fr: `${length.fr}, à compter de l'instruction du dossier`, ar: `${length.ar}، ابتداء من دراسة الملف` },
    });
    if (d.basis) rows.push({ label: { fr: 'Fondement du délai', ar: 'سند الأجل' }, value: same(d.basis) });
    if (d.silence) notes.push(SILENCE[d.silence]);
  }
  notes.push({
    fr: 'Ce récépissé atteste le dépôt de votre demande. Conservez-le : il vous sera utile pour tout suivi ou recours.',
    ar: 'يشهد هذا الوصل بإيداع طلبكم. احتفظوا به، فهو مفيد لكل تتبع أو طعن.',
  });
  return { title: { fr: 'Récépissé de dépôt', ar: 'وصل الإيداع' }, issuer: f.unit.name, rows, notes, subject: `receipt ${f.reference}` };
}
