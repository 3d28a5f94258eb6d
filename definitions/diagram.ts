/**
 * The picture of a procedure: a graph of its states and of every way a case moves between them
 * (actions, service outcomes, waiting timeouts, clocks deciding on silence), and its Mermaid
 * `stateDiagram-v2` text. Built from the compiled procedure, so the picture shows exactly what
 * cases run. Pure: `diagram-svg.ts` draws the same graph without Mermaid.
 */
import type { CompiledClock, CompiledProcedure } from './compiled';
import type { Label, Language, Outcome } from './schema';

export type DiagramLanguage = Language;

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
    runs: 'délai',
    suspended: 'suspendu',
    escalates: "à l'expiration : escalade",
    every: 'tous les',
    decides: "à l'expiration : décide",
    outcome: 'issue',
  },
  ar: {
    role: 'الدور',
    at: 'في',
    by: 'من طرف',
    silence: 'السكوت',
    timeout: 'بدون جواب بعد',
    service: 'خدمة',
    runs: 'أجل',
    suspended: 'موقوف',
    escalates: 'عند انقضاء الأجل: رفع إلى',
    every: 'كل',
    decides: 'عند انقضاء الأجل: يقرر',
    outcome: 'النتيجة',
  },
} as const;

/** How a decided outcome reads on a silence edge ("silence: tacitly approved"). */
const OUTCOME_WORDS: Record<Outcome, Label> = {
  approved: { fr: 'approuvé', ar: 'مقبول' },
  refused: { fr: 'refusé', ar: 'مرفوض' },
  withdrawn: { fr: 'retiré', ar: 'مسحوب' },
  abandoned: { fr: 'abandonné', ar: 'متخلى عنه' },
  tacitly_approved: { fr: 'tacitly approved (accord tacite)', ar: 'موافقة ضمنية' },
  tacitly_refused: { fr: 'tacitly refused (refus tacite)', ar: 'رفض ضمني' },
  answered: { fr: 'répondu', ar: 'تم الرد' },
  redirected: { fr: 'réorienté', ar: 'تم التوجيه' },
  closed: { fr: 'classé', ar: 'محفوظ' },
};

function clockSummary(name: string, clock: CompiledClock, procedure: CompiledProcedure, language: DiagramLanguage): string {
  const w = WORDS[language];
  const expiry =
    'decide' in clock.onExpiry
      ? `${w.decides} ${clock.onExpiry.decide}`
      : `${w.escalates} ${(procedure.escalation?.levels ?? []).join(' → ')}${procedure.escalation ? ` (${w.every} ${procedure.escalation.interval})` : ''}`;
  const extension = clock.extension ? `, +${clock.extension.by} ×${clock.extension.max}` : '';
  return `${name}: ${clock.duration}${extension}, ${expiry}`;
}

/** The graph of a compiled procedure, in one language (labels fall back to the state name). */
export function procedureGraph(procedure: CompiledProcedure, language: DiagramLanguage = 'fr'): ProcedureGraph {
  const w = WORDS[language];
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  for (const [id, state] of Object.entries(procedure.states)) {
    const details: string[] = [];
    if (state.task) details.push(`${w.role} ${state.task.role}${state.task.level !== 'unit' ? ` ${w.at} ${state.task.level}` : ''}`);
    for (const [name, clock] of Object.entries(procedure.clocks)) {
      if (clock.runsIn.includes(id)) details.push(`${w.runs} ${name} (${clock.duration})`);
      else if (clock.suspendedIn.includes(id)) details.push(`${w.runs} ${name}: ${w.suspended}`);
    }
    if (state.outcome) details.push(`${w.outcome}: ${state.outcome}`);
    nodes.push({
      id,
      kind: state.kind,
      label: state.label[language] || id,
      details,
      ...(state.outcome ? { outcome: state.outcome } : {}),
      initial: id === procedure.initial,
    });
    for (const [name, action] of Object.entries(state.actions)) {
      edges.push({ from: id, to: action.to, kind: EdgeKind.action, label: `${action.label[language] || name} (${w.by} ${action.by.join(', ')})` });
    }
    if (state.kind === 'automatic') {
      // The service's outcomes are only in the machine: `service.<outcome>` events.
      const prefix = `#${procedure.machine.id}.`;
      for (const [event, transition] of Object.entries(procedure.machine.states[id]?.on ?? {})) {
        if (!event.startsWith('service.')) continue;
        const to = transition.target.startsWith(prefix) ? transition.target.slice(prefix.length) : transition.target;
        edges.push({ from: id, to, kind: EdgeKind.service, label: `${w.service} ${state.service ?? ''}: ${event.slice('service.'.length)}` });
      }
    }
    if (state.timeout) edges.push({ from: id, to: state.timeout.to, kind: EdgeKind.timeout, label: `${w.timeout} ${state.timeout.after}` });
  }
  for (const [name, clock] of Object.entries(procedure.clocks)) {
    if (!('decide' in clock.onExpiry)) continue;
    const target = clock.onExpiry.decide;
    const outcome = procedure.states[target]?.outcome;
    const decided = outcome ? OUTCOME_WORDS[outcome][language] : target;
    for (const from of clock.runsIn) {
      edges.push({ from, to: target, kind: EdgeKind.silence, label: `${w.silence}: ${decided} (${name}, ${clock.duration})` });
    }
  }
  return {
    title: procedure.title[language],
    nodes,
    edges,
    clocks: Object.entries(procedure.clocks).map(([name, clock]) => clockSummary(name, clock, procedure, language)),
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
    const title = node.kind === 'final' && node.outcome ? `${node.label} [${node.outcome}]` : node.label;
    lines.push(`  state "${mermaidText(title)}" as ${node.id}`);
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
