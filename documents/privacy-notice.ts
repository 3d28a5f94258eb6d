/**
 * The processing notice of law 09-08 (art. 5), written once: every place Masar collects or
 * acknowledges personal data shows these words (the receipt sent by mail, the console's filing
 * forms). What it says: who controls the data, for what purpose and on which basis, who sees it,
 * how long it is kept, the person's rights and where to exercise them, and the CNDP authorisation
 * or declaration number. The deployment's own values come from configuration.
 *
 * Hazard: the text says "the legal basis cited above": whatever shows it shows the procedure's
 * legal basis first.
 */

/** What each deployment states in its notice (configuration: MASAR_CONTROLLER, MASAR_CNDP_NUMBER, MASAR_PRIVACY_CONTACT). */
export interface PrivacyNotice {
  /** The controller (responsable du traitement), e.g. "Commune de Tanger". */
  controller: string;
  /** The CNDP authorisation or declaration number. */
  cndpNumber: string;
  /** Where a person exercises access, rectification and opposition (an address, a page). */
  contact: string;
}

/** What a deployment that configured nothing says: true, and visibly incomplete. */
export const DEFAULT_PRIVACY_NOTICE: PrivacyNotice = {
  controller: 'la collectivité territoriale auprès de laquelle la demande est déposée',
  cndpNumber: 'à configurer (MASAR_CNDP_NUMBER)',
  contact: 'le bureau d\'ordre de cette collectivité',
};

/** The notice's languages (those of the receipt and the console). */
export type NoticeLanguage = 'fr' | 'ar';

const WORDS: Record<NoticeLanguage, { heading: string; body: (n: PrivacyNotice) => string }> = {
  fr: {
    heading: 'Protection des données personnelles (loi 09-08) :',
    body: (n) =>
      `les données de cette demande sont traitées par ${n.controller} pour l'instruire et y répondre, sur la base légale citée ci-dessus. ` +
      `Elles sont accessibles aux seuls agents chargés du dossier, chaque consultation est enregistrée, et elles sont conservées pendant la durée de la procédure puis le temps fixé par la réglementation des archives. ` +
      `Vous pouvez y accéder, les télécharger, en demander la rectification et vous opposer à leur traitement pour des motifs légitimes auprès de ${n.contact}. ` +
      `Traitement autorisé ou déclaré auprès de la CNDP sous le n° ${n.cndpNumber}.`,
  },
  ar: {
    heading: 'حماية المعطيات الشخصية (القانون 09.08):',
    body: (n) =>
      `تعالج ${n.controller} معطيات هذا الطلب من أجل دراسته والرد عليه، على أساس السند القانوني المذكور أعلاه. ` +
      `لا يطلع عليها إلا الأعوان المكلفون بالملف، ويسجل كل اطلاع، وتحفظ طيلة مدة المسطرة ثم المدة المحددة في نصوص الأرشيف. ` +
      `يمكنكم الولوج إليها وتحميلها وطلب تصحيحها والتعرض على معالجتها لأسباب مشروعة لدى ${n.contact}. ` +
      `معالجة مرخص بها أو مصرح بها لدى اللجنة الوطنية لمراقبة حماية المعطيات ذات الطابع الشخصي تحت رقم ${n.cndpNumber}.`,
  },
};

/** The notice in `lang`: its heading and its text, with the deployment's values (plain text: escape it where it goes). */
export function privacyNoticeText(lang: NoticeLanguage, notice: PrivacyNotice = DEFAULT_PRIVACY_NOTICE): { heading: string; body: string } {
  const words = WORDS[lang];
  return { heading: words.heading, body: words.body(notice) };
}
