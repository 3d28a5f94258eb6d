/**
 * The fixed wording of Masar's documents in both languages: outcomes, what silence means, dates in
 * Morocco's time zone, durations. Kept apart from the layouts so the receipt and the decision say
 * the same thing the same way.
 */
import type { Bilingual } from './layout';

/** Dates on documents are Morocco's, whatever the server's zone. */
export const TIME_ZONE = 'Africa/Casablanca';

/** An outcome a decision can carry (as `definitions/schema.ts` Outcome). */
export type OutcomeWord = 'approved' | 'refused' | 'withdrawn' | 'abandoned' | 'tacitly_approved' | 'tacitly_refused' | 'answered' | 'partially_refused' | 'redirected' | 'closed';

export const OUTCOMES: Record<OutcomeWord, Bilingual> = {
  approved: { fr: 'Favorable', ar: 'الموافقة' },
  refused: { fr: 'Défavorable (refus)', ar: 'الرفض' },
  withdrawn: { fr: 'Demande retirée', ar: 'سحب الطلب' },
  abandoned: { fr: 'Classée sans suite', ar: 'حفظ الطلب' },
  tacitly_approved: { fr: 'Accord tacite (silence valant accord)', ar: 'موافقة ضمنية (السكوت بمثابة موافقة)' },
  tacitly_refused: { fr: 'Refus implicite (silence valant refus)', ar: 'رفض ضمني (السكوت بمثابة رفض)' },
  answered: { fr: 'Réponse apportée', ar: 'تم الجواب' },
  partially_refused: { fr: 'Communication partielle, refus motivé pour le reste', ar: 'تقديم جزئي للمعلومات ورفض معلل للباقي' },
  redirected: { fr: "Réorientée vers l'administration compétente", ar: 'أحيل على الإدارة المختصة' },
  closed: { fr: 'Dossier clôturé', ar: 'ملف مغلق' },
};

/** What the administration's silence past the deadline means, when the procedure says so. */
export type Silence = 'approval' | 'refusal';

export const SILENCE: Record<Silence, Bilingual> = {
  approval: {
    fr: "Sans décision notifiée à cette date, le silence de l'administration vaut accord tacite de votre demande.",
    ar: 'في حالة عدم تبليغ أي قرار في هذا التاريخ، يعتبر سكوت الإدارة بمثابة موافقة ضمنية على طلبكم.',
  },
  refusal: {
    fr: "Sans décision notifiée à cette date, le silence de l'administration vaut refus implicite ; ce refus peut faire l'objet d'un recours.",
    ar: 'في حالة عدم تبليغ أي قرار في هذا التاريخ، يعتبر سكوت الإدارة بمثابة رفض ضمني قابل للطعن.',
  },
};

const format = (locale: string, withTime: boolean, zone: string) =>
  new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: 'long', ...(withTime ? { timeStyle: 'short' } : {}) });

/** An instant as date and time in Casablanca: "28 novembre 2026 à 10:05" / "28 نونبر 2026 في 10:05". */
export function dateTime(iso: string): Bilingual {
  const d = new Date(iso);
  return { fr: format('fr-MA', true, TIME_ZONE).format(d), ar: format('ar-MA', true, TIME_ZONE).format(d) };
}

/** A local `YYYY-MM-DD` date as that day, or an instant as its day in Casablanca. */
export function dateOnly(value: string): Bilingual {
  const local = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const d = new Date(local ? `${value}T12:00:00Z` : value);
  const zone = local ? 'UTC' : TIME_ZONE;
  return { fr: format('fr-MA', false, zone).format(d), ar: format('ar-MA', false, zone).format(d) };
}

const UNITS: Record<string, Bilingual> = {
  D: { fr: 'jour(s)', ar: 'يوم' },
  W: { fr: 'semaine(s)', ar: 'أسبوع' },
  M: { fr: 'mois', ar: 'شهر' },
  Y: { fr: 'an(s)', ar: 'سنة' },
};

/** A definition's duration in words ("2 mois" / "2 شهر", "20 jours ouvrables"); other specs as written. */
export function duration(spec: string): Bilingual {
  const iso = /^P(\d+)([DWMY])$/.exec(spec);
  if (iso) {
    const unit = UNITS[iso[2] as string] as Bilingual;
    return { fr: `${iso[1]} ${unit.fr}`, ar: `${iso[1]} ${unit.ar}` };
  }
  const days = /^(\d+) (working )?days?$/.exec(spec.trim());
  if (days) return days[2] ? { fr: `${days[1]} jours ouvrables`, ar: `${days[1]} يوم عمل` } : { fr: `${days[1]} jours`, ar: `${days[1]} يوم` };
  return { fr: spec, ar: spec };
}

/** The same text on both sides (a reference, a name, a value as typed). */
export const same = (text: string): Bilingual => ({ fr: text, ar: text });
