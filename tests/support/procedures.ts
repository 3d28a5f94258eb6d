/** Tiny inline procedures for tests, compiled the way the registry compiles them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileProcedure } from '../../definitions/compile';
import type { CompiledProcedure } from '../../definitions/compiled';
import { formatDefinitionError } from '../../definitions/errors';
import { loadProcedureSource } from '../../definitions/load';
import type { CaseInput } from '../../workflows/messages';

export function compileYaml(text: string, file = 'inline.yaml'): CompiledProcedure {
  const loaded = loadProcedureSource(text, file);
  if (!loaded.ok) throw new Error(loaded.errors.map(formatDefinitionError).join('\n'));
  return compileProcedure(loaded.procedure);
}

/**
 * Version 1 of acces-information, whose answer clock escalates: the engine's fixture for
 * escalation, take-over and reassignment (the shipped version 2 decides an implicit refusal).
 */
export function escalatingAccessProcedure(): CompiledProcedure {
  const file = path.join(__dirname, '..', 'fixtures', 'definitions', 'engine', 'acces-information-v1.yaml');
  return compileYaml(readFileSync(file, 'utf8'), file);
}

export function shippedProcedure(id: string): CompiledProcedure {
  const file = path.join(__dirname, '..', '..', 'definitions', 'procedures', `${id}.yaml`);
  return compileYaml(readFileSync(file, 'utf8'), file);
}

/** A commune of Tanger-Assilah with its supervising levels. */
export const COMMUNE = {
  code: '01.511.01.01',
  name: { fr: 'Tanger', ar: 'طنجة' },
  province: '01.511',
  region: '01',
  ministry: 'DGCT',
} as const;

export const AGENT = { id: 'agent-1', roles: ['agent', 'information_officer', 'reviewer'], unit: COMMUNE.code };
export const APPLICANT = { id: 'citizen-1', name: 'Amina Benali', email: 'amina@example.ma', language: 'fr' as const };

let counter = 0;
export function caseInput(procedure: CompiledProcedure, overrides: Partial<CaseInput> = {}): CaseInput {
  counter += 1;
  const caseId = `t${Date.now().toString(36)}${counter}`;
  return {
    caseId,
    reference: `T-${caseId}`,
    procedure,
    unit: { ...COMMUNE },
    applicant: APPLICANT,
    data: {},
    filedBy: { id: APPLICANT.id, roles: ['applicant'] },
    calendarId: 'ma-administration',
    ...overrides,
  };
}

/** A three-step procedure: review by a reviewer, decision, final. */
export const SIMPLE = `
id: simple-permit
version: 1
title: { fr: Permis simple, ar: رخصة بسيطة }
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
      approve:
        label: { fr: Approuver, ar: موافقة }
        by: [reviewer]
        to: approved
      refuse:
        label: { fr: Refuser, ar: رفض }
        by: [reviewer]
        to: refused
        input:
          ground:
            type: choice
            label: { fr: Motif, ar: السبب }
            required: true
            options:
              - { value: incomplete, label: { fr: Incomplet, ar: ناقص } }
              - { value: out_of_scope, label: { fr: Hors compétence, ar: خارج الاختصاص } }
          details: { type: text, label: { fr: Détails, ar: التفاصيل }, required: true }
      ask_documents:
        label: { fr: Demander des pièces, ar: طلب وثائق }
        by: [reviewer]
        to: waiting_documents
  waiting_documents:
    kind: waiting
    label: { fr: En attente de pièces, ar: في انتظار الوثائق }
    actions:
      provide:
        label: { fr: Fournir, ar: تقديم }
        by: [applicant]
        to: review
  approved: { kind: final, label: { fr: Approuvé, ar: مقبول }, outcome: approved }
  refused: { kind: final, label: { fr: Refusé, ar: مرفوض }, outcome: refused }
clocks:
  decision:
    label: { fr: Délai, ar: الأجل }
    duration: 10 working days
    runsIn: [review]
    suspendedIn: [waiting_documents]
    # Tests go back and forth with the applicant many times (continue-as-new).
    suspensions: { max: 10 }
    onExpiry: { escalate: true }
escalation:
  levels: [province, region, ministry]
  interval: 5 working days
notifications:
  - { on: case_filed, to: [applicant], template: receipt }
  - { on: decided, to: [applicant], template: decision }
`;
