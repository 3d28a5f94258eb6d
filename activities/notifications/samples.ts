/**
 * Sample notifications, one per shipped template, with every variable the template can show:
 * rendered by `masar render-templates` for review, and by the template tests.
 */
import type { NotifyInput } from '../types';
import type { TemplateName } from './render';

const base: Omit<NotifyInput, 'event' | 'template' | 'to' | 'vars' | 'occurrence'> = {
  caseId: 'c-0000-sample',
  reference: 'AI-2026-000123',
  procedure: {
    id: 'acces-information',
    version: 1,
    title: { fr: "Demande d'accès à l'information", ar: 'طلب الحصول على المعلومات' },
    legalBasis: [{ law: "Loi 31-13 relative au droit d'accès à l'information", articles: ['art. 7', 'art. 12'] }],
  },
  unit: {
    code: '141.01.01',
    name: { fr: 'Commune de Rabat-Hassan', ar: 'جماعة الرباط حسان' },
    province: '141',
    region: '04',
    ministry: 'DGCT',
  },
  applicant: { id: 'app-1', name: 'Salma Bennani', email: 'salma@example.ma', language: 'fr' },
  task: {
    state: 'review',
    role: 'information_officer',
    unit: '141.01.01',
    assignee: 'agent-1',
    title: { fr: 'Instruire la demande', ar: 'دراسة الطلب' },
  },
};

/** A complete sample input for each shipped template. */
export const SAMPLE_INPUTS: Record<TemplateName, NotifyInput> = {
  receipt: {
    ...base,
    occurrence: 'seq-1',
    event: 'case_filed',
    template: 'receipt',
    to: ['applicant'],
    vars: { filedAt: '2026-03-02T09:15:00Z', dueDate: '2026-03-30' },
  },
  'task-assigned': {
    ...base,
    occurrence: 'seq-2',
    event: 'task_assigned',
    template: 'task-assigned',
    to: ['unit_agents'],
    vars: { dueDate: '2026-03-30' },
  },
  'clock-reminder': {
    ...base,
    occurrence: 'seq-3',
    event: 'clock_reminder',
    template: 'clock-reminder',
    to: ['assignee'],
    vars: { dueDate: '2026-03-30', clock: 'answer', clockLabel: { fr: 'Délai de réponse', ar: 'أجل الرد' } },
  },
  'clock-extended': {
    ...base,
    occurrence: 'seq-4',
    event: 'clock_extended',
    template: 'clock-extended',
    to: ['applicant'],
    vars: {
      previousDueAt: '2026-03-30T22:59:59.999Z',
      dueDate: '2026-04-28',
      reason: 'Des tiers concernés par l’information doivent être consultés.',
    },
  },
  'deadline-moved': {
    ...base,
    occurrence: 'seq-9',
    event: 'deadline_moved',
    template: 'deadline-moved',
    to: ['applicant', 'assignee'],
    vars: { previousDueAt: '2026-03-30T22:59:59.999Z', dueDate: '2026-03-31' },
  },
  'information-requested': {
    ...base,
    occurrence: 'seq-5',
    event: 'information_requested',
    template: 'information-requested',
    to: ['applicant'],
    vars: {
      reason: 'Précisez la période concernée par les documents demandés.',
      // The applicant's own deadline (the waiting state's timeout), not the administration's.
      answerBy: '2026-03-20T23:59:59.999Z',
      suspendedClocks: [{ fr: 'Délai de réponse', ar: 'أجل الرد' }],
    },
  },
  escalation: {
    ...base,
    occurrence: 'seq-6',
    event: 'escalated',
    template: 'escalation',
    to: ['supervisors'],
    vars: {
      dueDate: '2026-03-30',
      escalation: { level: 'province', unit: '141', unitName: { fr: 'Préfecture de Rabat', ar: 'عمالة الرباط' } },
    },
  },
  decision: {
    ...base,
    occurrence: 'seq-7',
    event: 'decided',
    template: 'decision',
    to: ['applicant'],
    vars: {
      outcome: 'refused',
      reason: "L'information demandée relève des exceptions de l'article 7.",
      inputs: [
        {
          name: 'ground',
          label: { fr: 'Motif du refus', ar: 'سبب الرفض' },
          text: { fr: "Exception de l'article 7", ar: 'استثناء المادة 7' },
        },
      ],
    },
  },
  'case-closed': {
    ...base,
    occurrence: 'seq-8',
    event: 'case_closed',
    template: 'case-closed',
    to: ['applicant'],
    vars: { outcome: 'answered' },
  },
  'tacit-approval': {
    ...base,
    reference: 'PC-2026-000042',
    procedure: {
      id: 'permis-construire',
      version: 1,
      title: { fr: 'Permis de construire', ar: 'رخصة البناء' },
      legalBasis: [
        { law: "Loi 12-90 relative à l'urbanisme", articles: [] },
        { law: 'Loi 55-19 relative à la simplification des procédures administratives', articles: [] },
      ],
    },
    occurrence: 'seq-9',
    event: 'decided',
    template: 'tacit-approval',
    to: ['applicant'],
    vars: { outcome: 'tacitly_approved', dueDate: '2026-05-04' },
  },
  undeliverable: {
    ...base,
    occurrence: 'seq-2',
    event: 'task_assigned',
    template: 'undeliverable',
    to: ['supervisors'],
    vars: {
      undeliverable: {
        template: 'task-assigned',
        problems: [
          {
            kind: 'unit_agents',
            role: 'information_officer',
            roleLabel: { fr: "Chargé de l'information", ar: 'المكلف بالمعلومات' },
            unit: '141.01.01',
            unitName: { fr: 'Commune de Rabat-Hassan', ar: 'جماعة الرباط حسان' },
          },
        ],
      },
    },
  },
};
