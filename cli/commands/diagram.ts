/**
 * `masar diagram <file.yaml | procedure id> [--format mermaid|html|svg] [--language fr|ar] [--out file]`:
 * draws a procedure as a state diagram: Mermaid text (paste it in a Markdown file or the Mermaid
 * live editor), or an SVG / a self-contained HTML page drawn without Mermaid (works offline).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mermaidDiagram, procedureGraph, type DiagramLanguage } from '../../definitions/diagram';
import { diagramHtml, diagramSvg } from '../../definitions/diagram-svg';
import { oneOf, parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { loadCompiledProcedure } from '../simulate/procedure-source';

const FORMATS = ['mermaid', 'html', 'svg'] as const;
type Format = (typeof FORMATS)[number];

const usage = `usage: masar diagram <file.yaml | procedure id> [--format mermaid|html|svg] [--language fr|ar] [--out file]

  --format    mermaid (default): stateDiagram-v2 text; svg: a picture; html: a page holding the
              picture and the Mermaid text, self-contained (no script, no network)
  --language  labels in fr (default) or ar
  --out       write to this file instead of printing

Arrows: actions (label and roles), service outcomes, waiting timeouts, and clocks deciding on
silence ("silence: accord tacite (Délai d'instruction, 2 mois)", dashed in svg/html). Every word
is in the chosen language; Arabic pictures are laid out right to left.`;

async function run(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      format: { type: 'string', default: 'mermaid' },
      language: { type: 'string', default: 'fr' },
      out: { type: 'string' },
    },
    { name: 'one procedure file (or shipped procedure id)', min: 1 },
  );
  const format: Format = oneOf('format', values.format, FORMATS);
  const language: DiagramLanguage = oneOf('language', values.language, ['fr', 'ar'] as const);

  const source = await loadCompiledProcedure(positionals[0] as string, io.cwd);
  if (!source.ok) {
    for (const line of source.errors) io.err(line);
    io.err('the procedure is not valid: fix it first (masar validate <file>)');
    return 1;
  }
  const mermaid = mermaidDiagram(source.procedure, language);
  const graph = procedureGraph(source.procedure, language);
  const text = format === 'mermaid' ? mermaid : format === 'svg' ? diagramSvg(graph) : diagramHtml(graph, mermaid, language);
  if (values.out) {
    const out = resolve(io.cwd, values.out);
    writeFileSync(out, text, 'utf8');
    io.out(`wrote ${values.out} (${format}, ${graph.nodes.length} states, ${graph.edges.length} transitions)`);
  } else {
    io.out(text.replace(/\n$/, ''));
  }
  return 0;
}

export const diagramCommand: Command = {
  name: 'diagram',
  summary: 'draw a procedure as a state diagram (Mermaid, SVG or HTML)',
  usage,
  run,
};
