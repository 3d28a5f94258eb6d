/**
 * Draws a procedure graph (`diagram.ts`) as a standalone SVG, and wraps it in a self-contained
 * HTML page: no Mermaid, no script, no network, so it opens offline and prints. The layout is
 * simple on purpose: states in ranks by distance from the initial state, forward arrows straight
 * down, arrows going back or sideways curved out to the side, silence decisions dashed.
 *
 * Text is measured (`text-measure.ts`, generous per-character widths) and wrapped, and every box,
 * label, legend entry and footer line is placed from those measures, so nothing is clipped and
 * nothing overlaps (`diagramGeometry` exposes the placement to tests). Arabic pictures are laid
 * out mirrored (rows, arrows, legend and footer run from the right) and every text element says
 * its own direction, so an SVG inside a right-to-left page is not mirrored a second time.
 */
import type { DiagramEdge, DiagramLanguage, DiagramNode, ProcedureGraph } from './diagram';
import { EdgeKind } from './diagram';
import type { Language } from './schema';
import { textWidth, wrapText } from './text-measure';

const TITLE = 16;
const FONT = 12;
const SMALL = 10;
const RANK_GAP = 120;
const NODE_GAP = 60;
const MARGIN = 40;
const PAD = 12;
/** Line height as a multiple of the font size. */
const LEADING = 1.35;
/** Widest text in a state box and on an arrow, before wrapping. */
const MAX_BOX_TEXT = 240;
const MAX_EDGE_TEXT = 190;

/** A text as placed, in final coordinates: `x` is its left edge whatever the direction. */
export interface PlacedText {
  role: 'title' | 'state' | 'edge' | 'legend' | 'clock';
  lines: string[];
  /** Left edge of the widest line, top of the first line's em box. */
  x: number;
  y: number;
  width: number;
  height: number;
  size: number;
  bold: boolean;
  fill: string;
  /** How lines align within [x, x + width]. */
  align: 'start' | 'middle' | 'end';
  /** The state box holding it, for state texts. */
  box?: Rect;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Box extends Rect {
  node: DiagramNode;
  rank: number;
  label: string[];
  details: string[];
}

/** Everything the SVG draws, measured and placed. */
export interface DiagramGeometry {
  width: number;
  height: number;
  rtl: boolean;
  boxes: (Rect & { id: string; kind: DiagramNode['kind'] })[];
  texts: PlacedText[];
  paths: { kind: EdgeKind; d: string }[];
  legendLines: { kind: EdgeKind; x1: number; x2: number; y: number }[];
  /** Numbered badges of edges whose label would collide, their label in the footnotes. */
  badges: { kind: EdgeKind; number: number; cx: number; cy: number }[];
  start?: { cx: number; cy: number };
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const lineHeight = (size: number): number => Math.ceil(size * LEADING);

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

function sizedBox(node: DiagramNode, rank: number): Box {
  const label = wrapText(node.label, MAX_BOX_TEXT, FONT, true);
  const details = node.details.flatMap((d) => wrapText(d, MAX_BOX_TEXT, SMALL, false));
  const widest = Math.max(...label.map((l) => textWidth(l, FONT, true)), ...details.map((d) => textWidth(d, SMALL, false)));
  const w = Math.ceil(Math.max(90, widest) + 2 * PAD);
  const h = PAD + label.length * lineHeight(FONT) + details.length * lineHeight(SMALL) + PAD;
  return { node, rank, x: 0, y: 0, w, h, label, details };
}

function layoutBoxes(graph: ProcedureGraph, top: number): { boxes: Map<string, Box>; width: number; bottom: number } {
  const rankOf = ranks(graph);
  const rows: DiagramNode[][] = [];
  for (const node of graph.nodes) (rows[rankOf.get(node.id) ?? 0] ??= []).push(node);
  const boxes = new Map<string, Box>();
  let y = top;
  let width = 0;
  const rowBoxes: Box[][] = [];
  rows.forEach((row, rank) => {
    // Place a state under the states leading to it (fewer crossings).
    const order = (node: DiagramNode): number => {
      const from = graph.edges.filter((e) => e.to === node.id).map((e) => boxes.get(e.from)).filter((b): b is Box => !!b && b.rank < rank);
      return from.length ? from.reduce((sum, b) => sum + b.x, 0) / from.length : Number.MAX_SAFE_INTEGER;
    };
    const sorted = rank === 0 ? row : [...row].sort((a, b) => order(a) - order(b));
    let x = MARGIN + 30; // room for the start dot
    const line = sorted.map((node) => {
      const box = sizedBox(node, rank);
      box.x = x;
      box.y = y;
      x += box.w + NODE_GAP;
      boxes.set(node.id, box);
      return box;
    });
    width = Math.max(width, x - NODE_GAP);
    y += Math.max(...line.map((b) => b.h)) + RANK_GAP;
    rowBoxes.push(line);
  });
  // Centre each row on the widest one.
  for (const line of rowBoxes) {
    const last = line[line.length - 1];
    const first = line[0];
    if (!last || !first) continue;
    const shift = (width - (last.x + last.w) - (first.x - MARGIN - 30)) / 2;
    for (const box of line) box.x += shift;
  }
  return { boxes, width, bottom: y - RANK_GAP };
}

const STYLE: Record<EdgeKind, { stroke: string; dash?: string }> = {
  action: { stroke: '#37474f' },
  service: { stroke: '#6a1b9a' },
  timeout: { stroke: '#ef6c00', dash: '2 4' },
  silence: { stroke: '#1565c0', dash: '7 5' },
};

const LEGEND: Record<DiagramLanguage, Record<EdgeKind, string>> = {
  fr: { action: 'action', timeout: 'sans réponse dans le délai', silence: 'silence (décision tacite)', service: 'service' },
  ar: { action: 'إجراء', timeout: 'بدون جواب داخل الأجل', silence: 'السكوت (قرار ضمني)', service: 'خدمة' },
};

/** A text block of `lines` whose left edge is `x`, top `y` (logical, left-to-right coordinates). */
function block(role: PlacedText['role'], lines: string[], x: number, y: number, size: number, bold: boolean, fill: string, align: PlacedText['align'] = 'start'): PlacedText {
  const width = Math.max(0, ...lines.map((l) => textWidth(l, size, bold)));
  return { role, lines, x, y, width, height: lines.length * lineHeight(size), size, bold, fill, align };
}

interface EdgePath {
  d: string;
  /** The point at `t` (0 to 1) along the path. */
  at: (t: number) => [number, number];
  /** Where a label may go first: a self-loop's label sits beside the loop. */
  preferred?: [number, number];
}

const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;
const cubic = (p0: number, p1: number, p2: number, p3: number, t: number): number =>
  (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t ** 2 * p2 + t ** 3 * p3;

function edgePath(edge: DiagramEdge, from: Box, to: Box, index: number, spread: number): EdgePath {
  const offset = (index - (spread - 1) / 2) * 14;
  if (edge.from === edge.to) {
    const x = from.x + from.w;
    const y = from.y + from.h / 2;
    return {
      d: `M${x} ${y - 8} C${x + 60} ${y - 40}, ${x + 60} ${y + 40}, ${x} ${y + 8}`,
      at: (t) => [cubic(x, x + 60, x + 60, x, t), cubic(y - 8, y - 40, y + 40, y + 8, t)],
      preferred: [x + 50, y],
    };
  }
  if (to.rank > from.rank) {
    const x1 = from.x + from.w / 2 + offset;
    const y1 = from.y + from.h;
    const x2 = to.x + to.w / 2 + offset / 2;
    const y2 = to.y;
    return { d: `M${x1} ${y1} L${x2} ${y2}`, at: (t) => [lerp(x1, x2, t), lerp(y1, y2, t)] };
  }
  // Back or sideways: out of the outer side of the source, into the outer side of the target.
  const x1 = from.x + from.w;
  const y1 = from.y + from.h / 2 + offset / 2;
  const x2 = to.x + to.w;
  const y2 = to.y + to.h / 2 + offset / 2;
  const bulge = Math.max(x1, x2) + 70 + index * 25;
  return {
    d: `M${x1} ${y1} C${bulge} ${y1}, ${bulge} ${y2}, ${x2 + 2} ${y2}`,
    at: (t) => [cubic(x1, bulge, bulge, x2 + 2, t), cubic(y1, y1, y2, y2, t)],
  };
}

const overlaps = (a: Rect, b: Rect, gap = 3): boolean =>
  a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;

/**
 * A label for an edge where it collides with no state box and no label already placed: beside
 * points along the edge, right then left of it. `undefined` when every spot is taken (the edge
 * then gets a numbered badge and its label goes to the footnotes).
 */
function freeLabel(lines: string[], fill: string, path: EdgePath, taken: Rect[]): PlacedText | undefined {
  const probe = block('edge', lines, 0, 0, SMALL, false, fill);
  const spots: [number, number][] = [];
  if (path.preferred) spots.push([path.preferred[0], path.preferred[1] - probe.height / 2]);
  for (const t of [0.5, 0.35, 0.65, 0.22, 0.78]) {
    const [x, y] = path.at(t);
    spots.push([x + 6, y - probe.height / 2], [x - 6 - probe.width, y - probe.height / 2], [x + 6, y - probe.height - 2], [x + 6, y + 2]);
  }
  for (const [x, y] of spots) {
    const rect = { x, y, w: probe.width, h: probe.height };
    if (x >= MARGIN && !taken.some((r) => overlaps(rect, r))) return { ...probe, x, y };
  }
  return undefined;
}

/** Mirrors an SVG path's x coordinates (`M`, `L`, `C` with absolute pairs). */
function mirrorPath(d: string, width: number): string {
  return d.replace(/(-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)/g, (_m, x: string, y: string) => `${round(width - Number(x))} ${y}`);
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** Measures and places everything the picture draws. */
export function diagramGeometry(graph: ProcedureGraph): DiagramGeometry {
  const rtl = graph.language === 'ar';
  const texts: PlacedText[] = [];
  // The title may wrap; the graph starts below it.
  const titleLines = wrapText(graph.title, 640, TITLE, true);
  const title = block('title', titleLines, MARGIN, MARGIN - TITLE, TITLE, true, '#263238');
  texts.push(title);
  const { boxes, width: graphWidth, bottom } = layoutBoxes(graph, title.y + title.height + 30);

  const paths: DiagramGeometry['paths'] = [];
  const badges: DiagramGeometry['badges'] = [];
  const footnotes: { number: number; kind: EdgeKind; lines: string[] }[] = [];
  const taken: Rect[] = [title, ...[...boxes.values()]].map((r) => ('width' in r ? { x: r.x, y: r.y, w: r.width, h: r.height } : r));
  const seen = new Map<string, number>();
  const spreadOf = new Map<string, number>();
  for (const e of graph.edges) spreadOf.set(e.from, (spreadOf.get(e.from) ?? 0) + 1);
  for (const edge of graph.edges) {
    const from = boxes.get(edge.from);
    const to = boxes.get(edge.to);
    if (!from || !to) continue;
    const index = seen.get(edge.from) ?? 0;
    seen.set(edge.from, index + 1);
    const path = edgePath(edge, from, to, index, spreadOf.get(edge.from) ?? 1);
    paths.push({ kind: edge.kind, d: path.d });
    const fill = STYLE[edge.kind].stroke;
    const label = freeLabel(wrapText(edge.label, MAX_EDGE_TEXT, SMALL, false), fill, path, taken);
    if (label) {
      texts.push(label);
      taken.push({ x: label.x, y: label.y, w: label.width, h: label.height });
      continue;
    }
    // No free spot: a numbered badge on the edge, the label in the footnotes under the picture.
    const number = footnotes.length + 1;
    const [cx, cy] = path.at(0.5);
    badges.push({ kind: edge.kind, number, cx, cy });
    footnotes.push({ number, kind: edge.kind, lines: [edge.label] });
  }
  for (const box of boxes.values()) {
    let y = box.y + PAD;
    const inner = { x: box.x, y: box.y, w: box.w, h: box.h };
    for (const [lines, size, bold, fill] of [
      [box.label, FONT, true, '#263238'],
      [box.details, SMALL, false, '#455a64'],
    ] as const) {
      if (lines.length === 0) continue;
      const t = block('state', [...lines], box.x + box.w / 2, y, size, bold, fill, 'middle');
      t.x -= t.width / 2;
      t.box = inner;
      texts.push(t);
      y += t.height;
    }
  }

  // Everything drawn so far decides the width; the legend and the clocks wrap inside it.
  const contentRight = Math.max(graphWidth, ...texts.map((t) => t.x + t.width), ...[...boxes.values()].map((b) => b.x + b.w + 70));
  const width = Math.ceil(Math.max(contentRight + MARGIN, 480));
  const usable = width - 2 * MARGIN;

  let y = bottom + 36;
  const legendLines: DiagramGeometry['legendLines'] = [];
  let x = MARGIN;
  for (const kind of [EdgeKind.action, EdgeKind.timeout, EdgeKind.silence, EdgeKind.service]) {
    const text = LEGEND[graph.language][kind];
    const itemWidth = 40 + 8 + textWidth(text, SMALL, false);
    if (x > MARGIN && x + itemWidth > MARGIN + usable) {
      x = MARGIN;
      y += lineHeight(SMALL) + 8;
    }
    legendLines.push({ kind, x1: x, x2: x + 40, y: y + lineHeight(SMALL) / 2 });
    texts.push(block('legend', [text], x + 48, y, SMALL, false, '#263238'));
    x += itemWidth + 28;
  }
  y += lineHeight(SMALL) + 14;
  for (const note of footnotes) {
    const t = block('edge', wrapText(`${note.number}. ${note.lines.join(' ')}`, usable, SMALL, false), MARGIN, y, SMALL, false, STYLE[note.kind].stroke);
    texts.push(t);
    y += t.height + 2;
  }
  if (footnotes.length) y += 10;
  for (const clock of graph.clocks) {
    const t = block('clock', wrapText(clock, usable, SMALL, false), MARGIN, y, SMALL, false, '#455a64');
    texts.push(t);
    y += t.height + 4;
  }
  const height = Math.ceil(y + MARGIN);

  const initial = graph.nodes.find((n) => n.initial);
  const startBox = initial && boxes.get(initial.id);
  const start = startBox ? { cx: startBox.x - 16, cy: startBox.y + startBox.h / 2 } : undefined;
  const geometry: DiagramGeometry = {
    width,
    height,
    rtl,
    boxes: [...boxes.values()].map((b) => ({ id: b.node.id, kind: b.node.kind, x: b.x, y: b.y, w: b.w, h: b.h })),
    texts,
    paths,
    legendLines,
    badges,
    ...(start ? { start } : {}),
  };
  return rtl ? mirrored(geometry) : geometry;
}

/** The same picture for a right-to-left reader: every x reflected. */
function mirrored(g: DiagramGeometry): DiagramGeometry {
  const W = g.width;
  const flip = <R extends Rect>(r: R): R => ({ ...r, x: W - r.x - r.w });
  return {
    ...g,
    boxes: g.boxes.map(flip),
    texts: g.texts.map((t) => ({
      ...t,
      x: W - t.x - t.width,
      align: t.align === 'start' ? 'end' : t.align === 'end' ? 'start' : 'middle',
      ...(t.box ? { box: flip(t.box) } : {}),
    })),
    paths: g.paths.map((p) => ({ ...p, d: mirrorPath(p.d, W) })),
    legendLines: g.legendLines.map((l) => ({ ...l, x1: W - l.x2, x2: W - l.x1 })),
    badges: g.badges.map((b) => ({ ...b, cx: W - b.cx })),
    ...(g.start ? { start: { cx: W - g.start.cx, cy: g.start.cy } } : {}),
  };
}

function textSvg(t: PlacedText, rtl: boolean): string {
  // Anchor in the text's own direction: with direction="rtl", "start" is the right edge.
  const anchorX = t.align === 'middle' ? t.x + t.width / 2 : t.align === 'start' ? t.x : t.x + t.width;
  const anchor = t.align === 'middle' ? 'middle' : (t.align === 'start') !== rtl ? 'start' : 'end';
  const lh = lineHeight(t.size);
  const spans = t.lines
    .map((line, i) => `<tspan x="${round(anchorX)}" y="${round(t.y + i * lh + t.size)}">${escapeXml(line)}</tspan>`)
    .join('');
  const weight = t.bold ? ' font-weight="bold"' : '';
  return `<text class="${t.role}" font-size="${t.size}"${weight} fill="${t.fill}" text-anchor="${anchor}" direction="${rtl ? 'rtl' : 'ltr'}">${spans}</text>`;
}

/** A standalone SVG picture of the graph. */
export function diagramSvg(graph: ProcedureGraph): string {
  const g = diagramGeometry(graph);
  const markers = Object.entries(STYLE).map(
    ([kind, s]) =>
      `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${s.stroke}"/></marker>`,
  );
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" direction="${g.rtl ? 'rtl' : 'ltr'}" font-family="DejaVu Sans, 'Noto Sans', 'Noto Sans Arabic', Arial, sans-serif">`,
    `<defs>${markers.join('')}</defs>`,
    `<rect width="100%" height="100%" fill="#fafafa"/>`,
  ];
  const byRole = (role: PlacedText['role']) => g.texts.filter((t) => t.role === role);
  for (const t of byRole('title')) parts.push(textSvg(t, g.rtl));
  if (g.start) parts.push(`<circle cx="${round(g.start.cx)}" cy="${round(g.start.cy)}" r="6" fill="#263238"><title>start</title></circle>`);
  const stateTexts = byRole('state');
  for (const box of g.boxes) {
    const fill = box.kind === 'final' ? '#e8f5e9' : box.kind === 'waiting' ? '#fff8e1' : box.kind === 'automatic' ? '#f3e5f5' : '#ffffff';
    const stroke = box.kind === 'final' ? '#2e7d32' : box.kind === 'waiting' ? '#f9a825' : '#37474f';
    const border = box.kind === 'final' ? ` stroke-width="2.5"` : '';
    const own = stateTexts.filter((t) => t.box && t.box.x === box.x && t.box.y === box.y);
    parts.push(
      [
        `<g class="state ${box.kind}" id="state-${escapeXml(box.id)}">`,
        `<title>${escapeXml(box.id)}</title>`,
        `<rect x="${round(box.x)}" y="${round(box.y)}" width="${box.w}" height="${box.h}" rx="10" fill="${fill}" stroke="${stroke}"${border}/>`,
        ...own.map((t) => textSvg(t, g.rtl)),
        '</g>',
      ].join(''),
    );
  }
  for (const p of g.paths) {
    const style = STYLE[p.kind];
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    parts.push(`<g class="edge ${p.kind}"><path d="${p.d}" fill="none" stroke="${style.stroke}" stroke-width="1.4"${dash} marker-end="url(#arrow-${p.kind})"/></g>`);
  }
  // Labels over every arrow, on a light ground so a crossing arrow does not strike them through.
  for (const t of byRole('edge')) {
    parts.push(`<rect class="label-ground" x="${round(t.x - 2)}" y="${round(t.y)}" width="${round(t.width + 4)}" height="${t.height}" fill="#fafafa" fill-opacity="0.85"/>`, textSvg(t, g.rtl));
  }
  for (const b of g.badges) {
    const s = STYLE[b.kind].stroke;
    parts.push(
      `<g class="badge"><circle cx="${round(b.cx)}" cy="${round(b.cy)}" r="8" fill="#ffffff" stroke="${s}"/><text x="${round(b.cx)}" y="${round(b.cy + 3.5)}" font-size="${SMALL}" text-anchor="middle" fill="${s}" direction="${g.rtl ? 'rtl' : 'ltr'}">${b.number}</text></g>`,
    );
  }
  for (const l of g.legendLines) {
    const s = STYLE[l.kind];
    parts.push(`<line x1="${round(l.x1)}" y1="${round(l.y)}" x2="${round(l.x2)}" y2="${round(l.y)}" stroke="${s.stroke}" stroke-width="1.4"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
  }
  for (const t of [...byRole('legend'), ...byRole('clock')]) parts.push(textSvg(t, g.rtl));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** A self-contained HTML page: the SVG picture, the clocks, and the Mermaid source to copy. */
export function diagramHtml(graph: ProcedureGraph, mermaid: string, language: Language = graph.language): string {
  return [
    '<!doctype html>',
    `<html lang="${language}"${language === 'ar' ? ' dir="rtl"' : ''}>`,
    '<head><meta charset="utf-8">',
    `<title>${escapeXml(graph.title)}</title>`,
    // The picture lays itself out (direction set on the svg); the Mermaid source is code, left to right.
    '<style>body{font-family:DejaVu Sans,Noto Sans,Noto Sans Arabic,Arial,sans-serif;margin:24px;color:#263238}svg{max-width:100%;height:auto;border:1px solid #cfd8dc}pre{background:#eceff1;padding:12px;overflow:auto;direction:ltr;text-align:left}</style>',
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
