/**
 * Diagrams render whole: every text of the SVG picture, measured, lies inside the picture, state
 * texts inside their box, and no two texts overlap, for every shipped procedure, a procedure with
 * long French labels, and generated labels of any length, in French and in Arabic (mirrored).
 * Checked on the computed geometry (a browser confirmed the measures are generous: see the commit).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileProcedure } from '../../../definitions/compile';
import type { CompiledProcedure } from '../../../definitions/compiled';
import { procedureGraph, type DiagramLanguage } from '../../../definitions/diagram';
import { diagramGeometry, diagramSvg, type DiagramGeometry, type PlacedText, type Rect } from '../../../definitions/diagram-svg';
import { loadProcedureSource, procedureFilesIn } from '../../../definitions/load';
import { textWidth, wrapText } from '../../../definitions/text-measure';

const root = path.join(__dirname, '../../..');

function compiled(file: string, text = readFileSync(file, 'utf8')): CompiledProcedure {
  const loaded = loadProcedureSource(text, file);
  if (!loaded.ok) throw new Error(`${file}: ${JSON.stringify(loaded.errors)}`);
  return compileProcedure(loaded.procedure);
}

const rectOf = (t: PlacedText): Rect => ({ x: t.x, y: t.y, w: t.width, h: t.height });
const overlap = (a: Rect, b: Rect): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Every way a text can be cut off or hidden, as readable problems. */
function problems(g: DiagramGeometry): string[] {
  const out: string[] = [];
  const name = (t: PlacedText): string => `${t.role} "${t.lines.join(' ').slice(0, 40)}"`;
  for (const t of g.texts) {
    if (t.x < 0 || t.x + t.width > g.width || t.y < 0 || t.y + t.height > g.height) out.push(`${name(t)} leaves the picture`);
    if (t.box && (t.x < t.box.x + 4 || t.x + t.width > t.box.x + t.box.w - 4 || t.y < t.box.y || t.y + t.height > t.box.y + t.box.h)) {
      out.push(`${name(t)} leaves its box`);
    }
    if (t.role !== 'state') for (const b of g.boxes) if (overlap(rectOf(t), b)) out.push(`${name(t)} covers state ${b.id}`);
  }
  g.texts.forEach((a, i) =>
    g.texts.slice(i + 1).forEach((b) => {
      if (overlap(rectOf(a), rectOf(b))) out.push(`${name(a)} overlaps ${name(b)}`);
    }),
  );
  g.boxes.forEach((a, i) => g.boxes.slice(i + 1).forEach((b) => overlap(a, b) && out.push(`states ${a.id} and ${b.id} overlap`)));
  return out;
}

/** A seeded generator of labels: French words, Arabic words, some very long. */
function labels(seed: number): () => { fr: string; ar: string } {
  let s = seed;
  const next = (): number => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  const fr = ['autorisation', "d'occupation", 'temporaire', 'du', 'domaine', 'public', 'communal', 'Établissement', 'et', 'vérification', 'MMMMWWWW', 'à'];
  const ar = ['رخصة', 'الاحتلال', 'المؤقت', 'للملك', 'العمومي', 'الجماعي', 'والتحقق', 'من', 'الموقع', 'مَسَارٌ'];
  const words = (list: string[]): string => Array.from({ length: 1 + Math.floor(next() ** 2 * 30) }, () => list[Math.floor(next() * list.length)]).join(' ');
  return () => ({ fr: words(fr), ar: words(ar) });
}

describe('diagram geometry', () => {
  const languages: DiagramLanguage[] = ['fr', 'ar'];

  it('should keep every text inside the picture and its box, none overlapping, for the shipped procedures and long labels', async () => {
    const files = [...(await procedureFilesIn(path.join(root, 'definitions/procedures'))), path.join(root, 'tests/fixtures/definitions/diagram/long-labels.yaml')];
    for (const file of files) {
      for (const language of languages) {
        const g = diagramGeometry(procedureGraph(compiled(file), language));
        expect([path.basename(file), language, ...problems(g)]).toEqual([path.basename(file), language]);
      }
    }
  });

  it('should do so for generated labels of any length', () => {
    const file = path.join(root, 'tests/fixtures/definitions/diagram/long-labels.yaml');
    const source = readFileSync(file, 'utf8');
    for (let seed = 1; seed <= 12; seed++) {
      const next = labels(seed);
      // Every label and the title replaced by generated text, in both languages.
      const text = source.replace(/\{ fr: "[^"]*", ar: "[^"]*" \}/g, () => {
        const l = next();
        return `{ fr: "${l.fr}", ar: "${l.ar}" }`;
      });
      for (const language of languages) {
        const g = diagramGeometry(procedureGraph(compiled(`seed-${seed}.yaml`, text), language));
        expect([seed, language, ...problems(g)]).toEqual([seed, language]);
      }
    }
  });

  it('should lay Arabic out from the right, each text saying its direction', () => {
    const procedure = compiled(path.join(root, 'definitions/procedures/acces-information.yaml'));
    const ar = diagramGeometry(procedureGraph(procedure, 'ar'));
    const fr = diagramGeometry(procedureGraph(procedure, 'fr'));
    const title = (g: DiagramGeometry): PlacedText => g.texts.find((t) => t.role === 'title') as PlacedText;
    expect(Math.round(title(fr).x)).toBe(40);
    expect(Math.round(title(ar).x + title(ar).width)).toBe(ar.width - 40);
    // The start dot sits before the initial state in reading order: left in French, right in Arabic.
    const initial = (g: DiagramGeometry): Rect => g.boxes.find((b) => b.id === 'intake') as Rect;
    expect(fr.start?.cx).toBeLessThan(initial(fr).x);
    expect(ar.start?.cx).toBeGreaterThan(initial(ar).x + initial(ar).w);
    const svg = diagramSvg(procedureGraph(procedure, 'ar'));
    expect(svg).toMatch(/^<svg [^>]*direction="rtl"/);
    expect(svg.match(/<text /g)?.length).toBe(svg.match(/<text [^>]*direction="rtl"/g)?.length);
    expect(diagramSvg(procedureGraph(procedure, 'fr'))).toMatch(/^<svg [^>]*direction="ltr"/);
    // Numbers come before their unit in Arabic wording: "20 يوم عمل", never "days 20".
    expect(svg).toContain('20 يوم عمل');
    expect(svg).not.toMatch(/days|working/);
  });
});

describe('text measures', () => {
  it('should measure wider text wider, bold wider than regular, marks as nothing', () => {
    expect(textWidth('Délai', 12)).toBeLessThan(textWidth('Délai légal', 12));
    expect(textWidth('Délai', 12)).toBeLessThan(textWidth('Délai', 12, true));
    expect(textWidth('مسار', 12)).toBe(textWidth('مَسَار', 12));
    expect(textWidth('', 12)).toBe(0);
  });

  it('should wrap between words within the width, and give a longer word a line of its own', () => {
    const text = "Autorisation d'occupation temporaire du domaine public communal";
    const lines = wrapText(text, 120, 10);
    expect(lines.join(' ')).toBe(text);
    for (const line of lines) expect(line.includes(' ') ? textWidth(line, 10) <= 120 : true).toBe(true);
    expect(wrapText('Anticonstitutionnellement', 20, 10)).toEqual(['Anticonstitutionnellement']);
  });
});
