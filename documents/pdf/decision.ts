/**
 * The decision: its outcome, its grounds (the reason the deciding agent wrote, or the deadline whose
 * expiry decided by law), and its inputs (a fee, conditions), as the deciding action recorded them.
 */
import type { Bilingual, DocumentContent, DocumentRow } from './layout';
import { dateOnly, dateTime, OUTCOMES, same, type OutcomeWord } from './words';

/** The facts a decision states, gathered from the case, its journal and its procedure. */
export interface DecisionFacts {
  reference: string;
  procedure: { title: Bilingual };
  unit: { code: string; name: Bilingual };
  filedAt: string;
  decidedAt: string;
  outcome: OutcomeWord;
  /** The final state's label (e.g. "Permis délivré"). */
  state: Bilingual;
  /** The grounds as written by whoever decided (one language, shown on both sides). */
  grounds?: string | undefined;
  /** A decision by law: the deadline that passed without an answer. */
  tacit?: { clock: Bilingual; dueAt?: string | undefined; basis?: string | undefined } | undefined;
  /** The deciding action's filled inputs in words. */
  inputs: { label: Bilingual; text: Bilingual }[];
}

/** The content of the decision. */
export function decisionContent(f: DecisionFacts): DocumentContent {
  const rows: DocumentRow[] = [
    { label: { fr: 'Référence du dossier', ar: 'مرجع الملف' }, value: same(f.reference) },
    { label: { fr: 'Procédure', ar: 'المسطرة' }, value: f.procedure.title },
    { label: { fr: 'Autorité', ar: 'السلطة' }, value: { fr: `${f.unit.name.fr} (${f.unit.code})`, ar: `${f.unit.name.ar} (${f.unit.code})` } },
    { label: { fr: 'Demande déposée le', ar: 'تاريخ إيداع الطلب' }, value: dateTime(f.filedAt) },
    { label: { fr: 'Décision', ar: 'القرار' }, value: { fr: `${OUTCOMES[f.outcome].fr} : ${f.state.fr}`, ar: `${OUTCOMES[f.outcome].ar}: ${f.state.ar}` } },
    { label: { fr: 'Date de la décision', ar: 'تاريخ القرار' }, value: dateTime(f.decidedAt) },
  ];
  if (f.tacit) {
    const due = f.tacit.dueAt ? dateOnly(f.tacit.dueAt) : undefined;
    rows.push({
      label: { fr: 'Motifs', ar: 'الأسباب' },
      value: {
        fr: `Décision acquise par l'effet de la loi : le délai « ${f.tacit.clock.fr} » a expiré${due ? ` le ${due.fr}` : ''} sans décision notifiée.${f.tacit.basis ? ` (${f.tacit.basis})` : ''}`,
        ar: `قرار مكتسب بقوة القانون: انصرم أجل «${f.tacit.clock.ar}»${due ? ` في ${due.ar}` : ''} دون تبليغ أي قرار.${f.tacit.basis ? ` (${f.tacit.basis})` : ''}`,
      },
    });
  } else if (f.grounds) {
    rows.push({ label: { fr: 'Motifs', ar: 'الأسباب' }, value: same(f.grounds) });
  }
  for (const input of f.inputs) rows.push({ label: input.label, value: input.text });
  const notes: Bilingual[] = [];
  if (f.outcome === 'refused' || f.outcome === 'tacitly_refused') {
    notes.push({
      fr: "Cette décision peut faire l'objet d'un recours gracieux auprès de l'autorité qui l'a prise, ou d'un recours devant le tribunal administratif compétent.",
      ar: 'يمكن الطعن في هذا القرار استعطافيا لدى السلطة التي أصدرته، أو أمام المحكمة الإدارية المختصة.',
    });
  }
  return { title: { fr: 'Décision administrative', ar: 'قرار إداري' }, issuer: f.unit.name, rows, notes, subject: `decision ${f.reference}` };
}
