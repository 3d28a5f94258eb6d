/**
 * A procedure written only for the supervision tests (never shipped): one reviewer task, a second
 * review step, a short decision deadline that escalates to the province then the region.
 */
export function lateProcedureYaml(options: { id?: string; deadline: string; interval: string }): string {
  return `
id: ${options.id ?? 'test-late-permit'}
version: 1
title: { fr: Autorisation de test, ar: ترخيص تجريبي }
legalBasis: [{ law: Test }]
roles:
  reviewer: { fr: Instructeur, ar: مدرس }
input:
  subject: { type: text, label: { fr: Objet, ar: الموضوع }, required: true }
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: reviewer }
    actions:
      check: { label: { fr: Vérifier sur place, ar: معاينة }, by: [reviewer], to: site_visit }
      approve: { label: { fr: Approuver, ar: موافقة }, by: [reviewer], to: approved }
      refuse: { label: { fr: Refuser, ar: رفض }, by: [reviewer], to: refused, reasonRequired: true }
  site_visit:
    kind: task
    label: { fr: Visite, ar: زيارة }
    task: { role: reviewer }
    actions:
      approve: { label: { fr: Approuver, ar: موافقة }, by: [reviewer], to: approved }
      refuse: { label: { fr: Refuser, ar: رفض }, by: [reviewer], to: refused, reasonRequired: true }
  approved: { kind: final, label: { fr: Approuvé, ar: مقبول }, outcome: approved }
  refused: { kind: final, label: { fr: Refusé, ar: مرفوض }, outcome: refused }
clocks:
  decision:
    label: { fr: Délai de décision, ar: أجل البت }
    duration: ${options.deadline}
    runsIn: [review, site_visit]
    onExpiry: { escalate: true }
escalation:
  levels: [province, region]
  interval: ${options.interval}
notifications:
  - { on: case_filed, to: [applicant], template: receipt }
  - { on: decided, to: [applicant], template: decision }
`;
}
