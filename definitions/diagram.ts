/**
 * The picture of a procedure: a graph of its states and of every way a case moves between them
 * (actions, service outcomes, waiting timeouts, clocks deciding on silence), and its Mermaid
 * `stateDiagram-v2` text. Built from the compiled procedure, so the picture shows exactly what
 * cases run. Pure: `diagram-svg.ts` draws the same graph without Mermaid.
 */
import type { CompiledClock, CompiledProcedure } from './compiled';
import { stateOutcome } from './compiled';
import { durationWords } from './duration-words';
import type { Label, Language, Level, Outcome } from './schema';

export type DiagramLanguage = Language;

/** A service as a diagram names it: `flag:<field>` by the field (its label is the applicant's input). */
function serviceName(service: string, language: 'fr' | 'ar'): string {
  if (!service.startsWith('flag:')) return service;
  return language === 'fr' ? `(${service.slice('flag:'.length)})` : '';
}

/** How a case takes an edge: someone acts, a service answers, a timeout or a clock fires. */
export const EdgeKind = {
  action: 'action',
  service: 'service',
  timeout: 'timeout',
  /** A clock expiring decides by law (tacit approval or refusal). */
  silence: 'silence',
} as const;
export type EdgeKind = (typeof EdgeKind)[keyof typeof EdgeKind];

export interface DiagramNode {
  id: string;
  kind: 'task' | 'waiting' | 'automatic' | 'final';
  label: string;
  /** Second lines: who works on it, clocks running or suspended there. */
  details: string[];
  outcome?: Outcome;
  initial: boolean;
}

export interface DiagramEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label: string;
}

export interface ProcedureGraph {
  title: string;
  /** The language of every word of the picture; Arabic is drawn right to left. */
  language: DiagramLanguage;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** One line per clock: duration, what its expiry does. */
  clocks: string[];
}

/** Words of the picture in both languages (labels of the procedure come from its YAML). */
const WORDS = {
  fr: {
    role: 'rôle',
    at: 'à',
    by: 'par',
    silence: 'silence',
    timeout: 'sans réponse après',
    service: 'service',
    suspended: 'suspendu',
    escalates: "à l'expiration : escalade",
    every: 'tous les',
    each: 'chaque palier',
    decides: "à l'expiration : décide",
    outcome: 'issue',
    extension: 'prolongeable de',
    times: 'fois',
    then: ' → ',
  },
  ar: {
    role: 'الدور',
    at: 'في',
    by: 'من طرف',
    silence: 'السكوت',
    timeout: 'بدون جواب بعد',
    service: 'خدمة',
    suspended: 'موقوف',
    escalates: 'عند انقضاء الأجل: رفع إلى',
    every: 'كل',
    each: 'لكل مستوى',
    decides: 'عند انقضاء الأجل: يقرر',
    outcome: 'النتيجة',
    extension: 'قابل للتمديد بـ',
    times: 'مرات',
    then: ' ← ',
  },
} as const;

/** Built-in roles, which procedures do not label themselves. */
const BUILTIN_ROLE_WORDS: Record<string, Label> = {
  applicant: { fr: 'demandeur', ar: 'مقدم الطلب' },
  agent: { fr: 'agent', ar: 'العون' },
  commune_president: { fr: 'président du conseil de la commune', ar: 'رئيس مجلس الجماعة' },
  supervisor: { fr: 'superviseur', ar: 'المشرف' },
  admin: { fr: 'administrateur', ar: 'المسؤول' },
};

/** Levels of the territorial hierarchy. */
const LEVEL_WORDS: Record<Level, Label> = {
  unit: { fr: 'commune', ar: 'الجماعة' },
  province: { fr: 'préfecture ou province', ar: 'العمالة أو الإقليم' },
  region: { fr: 'région', ar: 'الجهة' },
  ministry: { fr: 'ministère (DGCT)', ar: 'الوزارة (المديرية العامة للجماعات الترابية)' },
};

/** How a decided outcome reads (final states, silence edges). */
const OUTCOME_WORDS: Record<Outcome, Label> = {
  approved: { fr: 'approuvé', ar: 'مقبول' },
  refused: { fr: 'refusé', ar: 'مرفوض' },
  withdrawn: { fr: 'retiré', ar: 'مسحوب' },
  abandoned: { fr: 'abandonné', ar: 'متخلى عنه' },
  tacitly_approved: { fr: 'accord tacite', ar: 'موافقة ضمنية' },
  tacitly_refused: { fr: 'refus tacite', ar: 'رفض ضمني' },
  answered: { fr: 'répondu', ar: 'تم الرد' },
  partially_refused: { fr: 'refus partiel', ar: 'رفض جزئي' },
  redirected: { fr: 'réorienté', ar: 'تم التوجيه' },
  closed: { fr: 'classé', ar: 'محفوظ' },
};

/** Service outcomes every automatic state has. */
const SERVICE_OUTCOME_WORDS: Record<string, Label> = {
  /** `flag:<field>`: what the applicant declared holds. */
  set: { fr: 'déclaré', ar: 'مصرح به' },
  done: { fr: 'abouti', ar: 'تم' },
  failed: { fr: 'échec', ar: 'فشل' },
};

/** A role as people know it: the procedure's label, or the built-in role's name; the id as a last resort. */
export function roleWords(procedure: CompiledProcedure, role: string, language: DiagramLanguage): string {
  return procedure.roles[role]?.[language] ?? BUILTIN_ROLE_WORDS[role]?.[language] ?? role;
}

function stateWords(procedure: CompiledProcedure, state: string, language: DiagramLanguage): string {
  return procedure.states[state]?.label[language] || state;
}

function clockSummary(clock: CompiledClock, procedure: CompiledProcedure, language: DiagramLanguage): string {
  const w = WORDS[language];
  const escalation = procedure.escalation;
  const expiry =
    'decide' in clock.onExpiry
      ? `${w.decides} ${stateWords(procedure, clock.onExpiry.decide, language)}`
      : `${w.escalates} ${(escalation?.levels ?? []).map((l) => LEVEL_WORDS[l][language]).join(w.then)}${escalation ? ` (${w.each} ${durationWords(escalation.interval, undefined, language)})` : ''}`;
  const extension = clock.extension
    ? `, ${w.extension} ${durationWords(clock.extension.by, clock.counting, language)}${clock.extension.max > 1 ? ` (${clock.extension.max} ${w.times})` : ''}`
    : '';
  return `${clock.label[language]}: ${durationWords(clock.duration, clock.counting, language)}${extension}, ${expiry}`;
}

/** The graph of a compiled procedure, in one language (labels fall back to the state name). */
export function procedureGraph(procedure: CompiledProcedure, language: DiagramLanguage = 'fr'): ProcedureGraph {
  const w = WORDS[language];
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const roles = (list: readonly string[]): string => list.map((r) => roleWords(procedure, r, language)).join(', ');
  for (const [id, state] of Object.entries(procedure.states)) {
    const details: string[] = [];
    if (state.kind === 'task') {
      details.push(`${w.role} ${roleWords(procedure, state.task.role, language)}${state.task.level !== 'unit' ? ` ${w.at} ${LEVEL_WORDS[state.task.level][language]}` : ''}`);
    }
    for (const clock of Object.values(procedure.clocks)) {
      // Clock labels name themselves ("Délai d'instruction"): no prefix.
      if (clock.runsIn.includes(id)) details.push(`${clock.label[language]} (${durationWords(clock.duration, clock.counting, language)})`);
      else if (clock.suspendedIn.includes(id)) details.push(`${clock.label[language]}: ${w.suspended}`);
    }
    const outcome = stateOutcome(state);
    if (outcome) details.push(`${w.outcome}: ${OUTCOME_WORDS[outcome][language]}`);
    nodes.push({
      id,
      kind: state.kind,
      label: state.label[language] || id,
      details,
      ...(outcome ? { outcome } : {}),
      initial: id === procedure.initial,
    });
    for (const [name, action] of Object.entries(state.actions)) {
      edges.push({ from: id, to: action.to, kind: EdgeKind.action, label: `${action.label[language] || name} (${w.by} ${roles(action.by)})` });
    }
    if (state.kind === 'automatic') {
      // The service's outcomes are only in the machine: `service.<outcome>` events.
      const prefix = `#${procedure.machine.id}.`;
      for (const [event, transition] of Object.entries(procedure.machine.states[id]?.on ?? {})) {
        if (!event.startsWith('service.')) continue;
        const to = transition.target.startsWith(prefix) ? transition.target.slice(prefix.length) : transition.target;
        const outcome = event.slice('service.'.length);
        edges.push({ from: id, to, kind: EdgeKind.service, label: `${w.service} ${serviceName(state.service ?? '', language)}: ${SERVICE_OUTCOME_WORDS[outcome]?.[language] ?? outcome}` });
      }
    }
    if (state.kind === 'waiting' && state.timeout) {
      edges.push({ from: id, to: state.timeout.to, kind: EdgeKind.timeout, label: `${w.timeout} ${durationWords(state.timeout.after, undefined, language)}` });
    }
  }
  for (const clock of Object.values(procedure.clocks)) {
    if (!('decide' in clock.onExpiry)) continue;
    const target = clock.onExpiry.decide;
    const targetState = procedure.states[target];
    const outcome = targetState && stateOutcome(targetState);
    const decided = outcome ? OUTCOME_WORDS[outcome][language] : stateWords(procedure, target, language);
    for (const from of clock.runsIn) {
      edges.push({ from, to: target, kind: EdgeKind.silence, label: `${w.silence}: ${decided} (${clock.label[language]}, ${durationWords(clock.duration, clock.counting, language)})` });
    }
  }
  return {
    title: procedure.title[language],
    language,
    nodes,
    edges,
    clocks: Object.values(procedure.clocks).map((clock) => clockSummary(clock, procedure, language)),
  };
}

/** Mermaid breaks on some characters in labels; keep them readable and inert. */
export function mermaidText(text: string): string {
  return text.replace(/:/g, ' —').replace(/[;#<>{}"`\n\r|]/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * A Mermaid `stateDiagram-v2` of the procedure: one box per state (label, role, clocks), one
 * arrow per action, service outcome, timeout and silence decision, final states to `[*]`.
 * Mermaid has no dashed transitions: silence edges say `silence (...)` and their targets are
 * styled `tacit`.
 */
export function mermaidDiagram(procedure: CompiledProcedure, language: DiagramLanguage = 'fr'): string {
  const graph = procedureGraph(procedure, language);
  const lines = ['stateDiagram-v2', `  %% ${mermaidText(graph.title)} (${procedure.id} v${procedure.version})`];
  for (const node of graph.nodes) {
    lines.push(`  state "${mermaidText(node.label)}" as ${node.id}`);
    for (const detail of node.details) lines.push(`  ${node.id} : ${mermaidText(detail)}`);
  }
  const initial = graph.nodes.find((n) => n.initial);
  if (initial) lines.push(`  [*] --> ${initial.id}`);
  for (const edge of graph.edges) lines.push(`  ${edge.from} --> ${edge.to} : ${mermaidText(edge.label)}`);
  for (const node of graph.nodes) if (node.kind === 'final') lines.push(`  ${node.id} --> [*]`);
  for (const [i, clock] of graph.clocks.entries()) {
    const runsIn = Object.values(procedure.clocks)[i]?.runsIn[0];
    if (runsIn) lines.push(`  note right of ${runsIn} : ${mermaidText(clock)}`);
  }
  lines.push('  classDef final fill:#e8f5e9,stroke:#2e7d32');
  lines.push('  classDef waiting fill:#fff8e1,stroke:#f9a825');
  lines.push('  classDef tacit fill:#e3f2fd,stroke:#1565c0,stroke-dasharray:5 5');
  const finals = graph.nodes.filter((n) => n.kind === 'final').map((n) => n.id);
  const waiting = graph.nodes.filter((n) => n.kind === 'waiting').map((n) => n.id);
  const tacit = [...new Set(graph.edges.filter((e) => e.kind === EdgeKind.silence).map((e) => e.to))];
  // One `class` line per state: the comma form is not accepted by every Mermaid version.
  for (const id of finals) lines.push(`  class ${id} final`);
  for (const id of waiting) lines.push(`  class ${id} waiting`);
  for (const id of tacit) lines.push(`  class ${id} tacit`);
  return `${lines.join('\n')}\n`;
}
