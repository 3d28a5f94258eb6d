/**
 * A procedure written only for the console's agent and case-page tests (never shipped): the
 * applicant's input and the actions' inputs use every field type; the agent may ask for documents
 * (the decision clock is suspended while the applicant answers), record findings (every field type
 * again, staying in review), approve or refuse with a reason; silence decides tacitly.
 */
import request from 'supertest';
import { publishProcedure } from '../../../db/procedures';
import { recordUpload } from '../../support/documents';
import { compileYaml } from '../../support/procedures';
import { CALLERS, TANGER, type CallerName, type Harness } from '../api/api-harness';

export const PERMIT = 'console-permit';

export function permitYaml(options: { id?: string; deadline?: string } = {}): string {
  return `
id: ${options.id ?? PERMIT}
version: 1
title: { fr: Autorisation d'essai, ar: ترخيص تجريبي }
legalBasis: [{ law: Loi d'essai }]
input:
  subject: { type: text, label: { fr: Objet de la demande, ar: موضوع الطلب }, required: true, maxLength: 200 }
  area: { type: number, label: { fr: Surface (m²), ar: المساحة (م²) }, required: true, min: 1 }
  since: { type: date, label: { fr: Occupant depuis, ar: شاغل منذ } }
  urgent: { type: boolean, label: { fr: Urgent, ar: مستعجل } }
  channel:
    type: choice
    label: { fr: Mode de réponse, ar: طريقة الجواب }
    options:
      - { value: email, label: { fr: Courriel, ar: البريد الإلكتروني } }
      - { value: counter, label: { fr: Au guichet, ar: بالشباك } }
  plan: { type: file, label: { fr: Plan de situation, ar: تصميم الموقع } }
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: الدراسة }
    task: { role: agent, title: { fr: Instruire la demande, ar: دراسة الطلب } }
    actions:
      request_documents:
        label: { fr: Demander des pièces, ar: طلب وثائق }
        by: [agent]
        to: awaiting_documents
        input:
          missing:
            type: list
            label: { fr: Pièces manquantes, ar: الوثائق الناقصة }
            required: true
            minItems: 1
            of:
              type: choice
              label: { fr: Pièce, ar: وثيقة }
              options:
                - { value: cin, label: { fr: Carte d'identité, ar: البطاقة الوطنية } }
                - { value: title, label: { fr: Titre foncier, ar: الرسم العقاري } }
                - { value: plan, label: { fr: Plan coté, ar: تصميم مفصل } }
      record:
        label: { fr: Consigner la visite, ar: تسجيل المعاينة }
        by: [agent]
        to: review
        input:
          visited: { type: date, label: { fr: Date de visite, ar: تاريخ المعاينة }, required: true }
          measured: { type: number, label: { fr: Surface mesurée, ar: المساحة المقيسة }, required: true, min: 1, max: 100000 }
          floors: { type: number, label: { fr: Étages, ar: الطوابق }, integer: true }
          compliant: { type: boolean, label: { fr: Conforme, ar: مطابق }, required: true }
          zone:
            type: choice
            label: { fr: Zone, ar: المنطقة }
            required: true
            options:
              - { value: a, label: { fr: Zone A, ar: المنطقة أ } }
              - { value: b, label: { fr: Zone B, ar: المنطقة ب } }
              - { value: c, label: { fr: Zone C, ar: المنطقة ج } }
              - { value: d, label: { fr: Zone D, ar: المنطقة د } }
              - { value: e, label: { fr: Zone E, ar: المنطقة هـ } }
          notes: { type: text, label: { fr: Observations, ar: ملاحظات }, maxLength: 1000, help: { fr: Ce que vous avez constaté, ar: ما تمت معاينته } }
          photo: { type: file, label: { fr: Photo, ar: صورة } }
          lots: { type: list, label: { fr: Lots, ar: البقع }, of: { type: number, label: { fr: Lot, ar: بقعة } } }
          owner:
            type: group
            label: { fr: Propriétaire rencontré, ar: المالك الذي تم لقاؤه }
            fields:
              name: { type: text, label: { fr: Nom, ar: الاسم }, required: true }
              phone: { type: text, label: { fr: Téléphone, ar: الهاتف }, pattern: "^[0-9+ ]{6,20}$" }
      approve:
        label: { fr: Accorder, ar: منح الترخيص }
        by: [agent]
        to: approved
        input:
          fee: { type: number, label: { fr: Redevance (DH), ar: الإتاوة (درهم) }, required: true, min: 0 }
      refuse:
        label: { fr: Refuser, ar: رفض }
        by: [agent]
        to: refused
        reasonRequired: true
  awaiting_documents:
    kind: waiting
    label: { fr: En attente de pièces, ar: في انتظار الوثائق }
    actions:
      answer:
        label: { fr: Envoyer les pièces, ar: إرسال الوثائق }
        by: [applicant]
        to: review
        input:
          documents: { type: list, label: { fr: Références des pièces, ar: مراجع الوثائق }, required: true, minItems: 1, of: { type: file, label: { fr: Pièce, ar: وثيقة } } }
  approved: { kind: final, label: { fr: Accordée, ar: مقبولة }, outcome: approved }
  refused: { kind: final, label: { fr: Refusée, ar: مرفوضة }, outcome: refused }
  tacit: { kind: final, label: { fr: Accord tacite, ar: موافقة ضمنية }, outcome: tacitly_approved }
clocks:
  decision:
    label: { fr: Délai de décision, ar: أجل البت }
    basis: Loi d'essai, art. 5
    duration: ${options.deadline ?? '10 working days'}
    runsIn: [review]
    suspendedIn: [awaiting_documents]
    onExpiry: { decide: tacit }
notifications:
  - { on: case_filed, to: [applicant], template: receipt }
  - { on: decided, to: [applicant], template: decision }
`;
}

/** Publishes the test procedure (and variants) in the harness's registry. */
export async function publishPermit(h: Harness, options: { id?: string; deadline?: string } = {}): Promise<void> {
  const source = permitYaml(options);
  await publishProcedure(h.t.db, compileYaml(source, `${options.id ?? PERMIT}.yaml`), source, 'system');
}

/** Stands for a document the filer uploads just before filing (`fileThroughApi` records it). */
export const UPLOADED = 'upload:plan';

/** The applicant's input, every field type filled. */
export const PERMIT_DATA = { subject: 'Extension de la maison familiale', area: 120, since: '2019-05-01', urgent: false, channel: 'email', plan: UPLOADED };

/** Files a case through the API as `who`; returns its id and reference. */
export async function fileThroughApi(
  h: Harness,
  data: Record<string, unknown> = PERMIT_DATA,
  procedure = PERMIT,
  who: CallerName = 'applicant',
): Promise<{ caseId: string; reference: string; plan: string }> {
  // The plan is a real upload of the filer's (the filing refuses anything else as a file).
  const plan = data.plan === UPLOADED ? await recordUpload(h.t.db, CALLERS[who].sub, 'input.plan') : '';
  const res = await request(h.app)
    .post('/api/v1/cases')
    .set('Authorization', `Bearer ${await h.token(who)}`)
    .send({ procedure, unit: TANGER, data: plan ? { ...data, plan } : data });
  if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { caseId: res.body.caseId as string, reference: res.body.reference as string, plan };
}

/** The status the API answers `who` for the case (the console must answer the same). */
export async function apiStatus(h: Harness, who: CallerName, caseId: string): Promise<number> {
  const res = await request(h.app).get(`/api/v1/cases/${caseId}`).set('Authorization', `Bearer ${await h.token(who)}`);
  return res.status;
}

/** Waits until `check` passes on the page at `url` (the read model is projected asynchronously). */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
