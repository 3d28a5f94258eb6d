/**
 * A Mermaid state diagram of a compiled procedure, generated from its xstate machine so the
 * picture cannot drift from what cases run.
 */
import type { CompiledProcedure } from '../definitions/compiled';

/** Mermaid breaks on some characters in labels; keep them readable and inert. */
function clean(text: string): string {
  return text.replace(/[:;#<>{}"`\n\r]/g, ' ').replace(/\s+/g, ' ').trim();
}

export function mermaidDiagram(procedure: CompiledProcedure, language: 'fr' | 'ar' = 'fr'): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${procedure.machine.initial}`];
  const prefix = `#${procedure.machine.id}.`;
  for (const [name, state] of Object.entries(procedure.machine.states)) {
    const label = procedure.states[name]?.label[language];
    if (label) lines.push(`  ${name} : ${clean(label)}`);
    for (const [event, transition] of Object.entries(state.on)) {
      const target = transition.target.startsWith(prefix) ? transition.target.slice(prefix.length) : transition.target;
      lines.push(`  ${name} --> ${target} : ${clean(event)}`);
    }
    if (state.type === 'final') lines.push(`  ${name} --> [*]`);
  }
  return `${lines.join('\n')}\n`;
}
