/**
 * Draws a procedure graph (`diagram.ts`) as a standalone SVG, and wraps it in a self-contained
 * HTML page: no Mermaid, no script, no network, so it opens offline and prints. The layout is
 * simple on purpose: states in ranks by distance from the initial state, forward arrows straight
 * down, arrows going back or sideways curved out to the right, silence decisions dashed.
 */
import type { DiagramEdge, DiagramNode, ProcedureGraph } from './diagram';
import { EdgeKind } from './diagram';
import type { Language } from './schema';

const FONT = 12;
const SMALL = 10;
/** Rough glyph width: good enough to size boxes without measuring text. */
const CHAR = 6.6;
const RANK_GAP = 120;
const NODE_GAP = 60;
const MARGIN = 40;
const LINE = 15;

interface Box {
  node: DiagramNode;
  rank: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Distance (in edges) from the initial state; states no edge reaches go last. */
function ranks(graph: ProcedureGraph): Map<string, number> {
  const rank = new Map<string, number>();
  const start = graph.nodes.find((n) => n.initial) ?? graph.nodes[0];
  if (!start) return rank;
  rank.set(start.id, 0);
  const queue = [start.id];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const edge of graph.edges) {
      if (edge.from !== id || rank.has(edge.to)) continue;
      rank.set(edge.to, (rank.get(id) ?? 0) + 1);
      queue.push(edge.to);
    }
  }
  const last = Math.max(0, ...rank.values()) + 1;
  for (const node of graph.nodes) if (!rank.has(node.id)) rank.set(node.id, last);
  return rank;
}

function layout(graph: ProcedureGraph): { boxes: Map<string, Box>; width: number; height: number } {
  const rankOf = ranks(graph);
  const rows: DiagramNode[][] = [];
  for (const node of graph.nodes) (rows[rankOf.get(node.id) ?? 0] ??= []).push(node);
  const boxes = new Map<string, Box>();
  const sized = (node: DiagramNode, rank: number): Box => {
    const lines = [node.label, ...node.details];
    const w = Math.max(90, ...lines.map((l) => l.length * CHAR)) + 24;
    return { node, rank, x: 0, y: 0, w, h: 14 + lines.length * LINE };
  };
  let y = MARGIN + 30;
  let width = 0;
  const rowBoxes: Box[][] = [];
  rows.forEach((row, rank) => {
    // Place a state under the states leading to it (fewer crossings).
    const order = (node: DiagramNode): number => {
      const from = graph.edges.filter((e) => e.to === node.id).map((e) => boxes.get(e.from)).filter((b): b is Box => !!b && b.rank < rank);
      return from.length ? from.reduce((sum, b) => sum + b.x, 0) / from.length : Number.MAX_SAFE_INTEGER;
    };
    const sorted = rank === 0 ? row : [...row].sort((a, b) => order(a) - order(b));
    let x = MARGIN;
    const line = sorted.map((node) => {
      const box = sized(node, rank);
      box.x = x;
      box.y = y;
      x += box.w + NODE_GAP;
      boxes.set(node.id, box);
      return box;
    });
    width = Math.max(width, x - NODE_GAP + MARGIN);
    y += Math.max(...line.map((b) => b.h)) + RANK_GAP;
    rowBoxes.push(line);
  });
  // Centre each row on the widest one.
  for (const line of rowBoxes) {
    const last = line[line.length - 1];
    if (!last) continue;
    const shift = (width - MARGIN - (last.x + last.w)) / 2;
    for (const box of line) box.x += shift;
  }
  return { boxes, width: width + 220, height: y - RANK_GAP + MARGIN };
}

const STYLE: Record<EdgeKind, { stroke: string; dash?: string }> = {
  action: { stroke: '#37474f' },
  service: { stroke: '#6a1b9a' },
  timeout: { stroke: '#ef6c00', dash: '2 4' },
  silence: { stroke: '#1565c0', dash: '7 5' },
};

function nodeSvg(box: Box): string {
  const { node } = box;
  const fill = node.kind === 'final' ? '#e8f5e9' : node.kind === 'waiting' ? '#fff8e1' : node.kind === 'automatic' ? '#f3e5f5' : '#ffffff';
  const stroke = node.kind === 'final' ? '#2e7d32' : node.kind === 'waiting' ? '#f9a825' : '#37474f';
  const cx = box.x + box.w / 2;
  const text = [
    `<text x="${cx}" y="${box.y + 18}" font-size="${FONT}" font-weight="bold" text-anchor="middle">${escapeXml(node.label)}</text>`,
    ...node.details.map(
      (d, i) => `<text x="${cx}" y="${box.y + 18 + (i + 1) * LINE}" font-size="${SMALL}" text-anchor="middle" fill="#455a64">${escapeXml(d)}</text>`,
    ),
  ];
  const border = node.kind === 'final' ? ` stroke-width="2.5"` : '';
  return [
    `<g class="state ${node.kind}" id="state-${escapeXml(node.id)}">`,
    `<title>${escapeXml(node.id)}</title>`,
    `<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="10" fill="${fill}" stroke="${stroke}"${border}/>`,
    ...text,
    '</g>',
  ].join('');
}

function edgeSvg(edge: DiagramEdge, from: Box, to: Box, index: number, spread: number): string {
  const style = STYLE[edge.kind];
  const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
  const offset = (index - (spread - 1) / 2) * 14;
  let path: string;
  let lx: number;
  let ly: number;
  if (edge.from === edge.to) {
    const x = from.x + from.w;
    const y = from.y + from.h / 2;
    path = `M${x} ${y - 8} C${x + 60} ${y - 40}, ${x + 60} ${y + 40}, ${x} ${y + 8}`;
    lx = x + 50;
    ly = y - 22 - index * 12;
  } else if (to.rank > from.rank) {
    const x1 = from.x + from.w / 2 + offset;
    const y1 = from.y + from.h;
    const x2 = to.x + to.w / 2 + offset / 2;
    const y2 = to.y;
    path = `M${x1} ${y1} L${x2} ${y2}`;
    const t = 0.3 + ((index % 3) * 0.2);
    lx = x1 + (x2 - x1) * t + 4;
    ly = y1 + (y2 - y1) * t;
  } else {
    // Back or sideways: out of the right side of the source, into the right side of the target.
    const x1 = from.x + from.w;
    const y1 = from.y + from.h / 2 + offset / 2;
    const x2 = to.x + to.w;
    const y2 = to.y + to.h / 2 + offset / 2;
    const bulge = Math.max(x1, x2) + 70 + index * 25;
    path = `M${x1} ${y1} C${bulge} ${y1}, ${bulge} ${y2}, ${x2 + 2} ${y2}`;
    lx = bulge - 10;
    ly = (y1 + y2) / 2;
  }
  return [
    `<g class="edge ${edge.kind}">`,
    `<path d="${path}" fill="none" stroke="${style.stroke}" stroke-width="1.4"${dash} marker-end="url(#arrow-${edge.kind})"/>`,
    `<text x="${lx}" y="${ly}" font-size="${SMALL}" fill="${style.stroke}">${escapeXml(edge.label)}</text>`,
    '</g>',
  ].join('');
}

/** A standalone SVG picture of the graph. */
export function diagramSvg(graph: ProcedureGraph): string {
  const { boxes, width, height: graphHeight } = layout(graph);
  const legendTop = graphHeight + 10;
  const height = legendTop + 40 + graph.clocks.length * LINE + MARGIN;
  const markers = Object.entries(STYLE).map(
    ([kind, s]) =>
      `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${s.stroke}"/></marker>`,
  );
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<defs>${markers.join('')}</defs>`,
    `<rect width="100%" height="100%" fill="#fafafa"/>`,
    `<text x="${MARGIN}" y="${MARGIN}" font-size="16" font-weight="bold">${escapeXml(graph.title)}</text>`,
  ];
  const initial = graph.nodes.find((n) => n.initial);
  const start = initial && boxes.get(initial.id);
  if (start) parts.push(`<circle cx="${start.x - 16}" cy="${start.y + start.h / 2}" r="6" fill="#263238"><title>start</title></circle>`);
  for (const box of boxes.values()) parts.push(nodeSvg(box));
  const seen = new Map<string, number>();
  const spreadOf = new Map<string, number>();
  for (const e of graph.edges) spreadOf.set(e.from, (spreadOf.get(e.from) ?? 0) + 1);
  for (const edge of graph.edges) {
    const from = boxes.get(edge.from);
    const to = boxes.get(edge.to);
    if (!from || !to) continue;
    const index = seen.get(edge.from) ?? 0;
    seen.set(edge.from, index + 1);
    parts.push(edgeSvg(edge, from, to, index, spreadOf.get(edge.from) ?? 1));
  }
  const legend = [
    ['action', 'action'],
    ['timeout', 'timeout'],
    ['silence', 'silence (tacit decision)'],
    ['service', 'service'],
  ] as const;
  legend.forEach(([kind, text], i) => {
    const x = MARGIN + i * 190;
    const s = STYLE[kind];
    parts.push(
      `<line x1="${x}" y1="${legendTop}" x2="${x + 40}" y2="${legendTop}" stroke="${s.stroke}" stroke-width="1.4"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      `<text x="${x + 48}" y="${legendTop + 4}" font-size="${SMALL}">${escapeXml(text)}</text>`,
    );
  });
  graph.clocks.forEach((clock, i) => {
    parts.push(`<text x="${MARGIN}" y="${legendTop + 28 + i * LINE}" font-size="${SMALL}" fill="#455a64">${escapeXml(clock)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** A self-contained HTML page: the SVG picture, the clocks, and the Mermaid source to copy. */
export function diagramHtml(graph: ProcedureGraph, mermaid: string, language: Language = 'fr'): string {
  return [
    '<!doctype html>',
    `<html lang="${language}"${language === 'ar' ? ' dir="rtl"' : ''}>`,
    '<head><meta charset="utf-8">',
    `<title>${escapeXml(graph.title)}</title>`,
    '<style>body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;color:#263238}svg{max-width:100%;height:auto;border:1px solid #cfd8dc}pre{background:#eceff1;padding:12px;overflow:auto}</style>',
    '</head><body>',
    `<h1>${escapeXml(graph.title)}</h1>`,
    diagramSvg(graph),
    '<details><summary>Mermaid (stateDiagram-v2)</summary>',
    `<pre>${escapeXml(mermaid)}</pre>`,
    '</details>',
    '</body></html>',
    '',
  ].join('\n');
}
