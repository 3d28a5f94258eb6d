/**
 * Following docs/modelling.md word for word produces a procedure that validates and runs: the
 * complete file and the script are taken from the guide itself.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { masar } from './capture';

jest.setTimeout(120_000);

const GUIDE = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'modelling.md'), 'utf8');

/** The yaml block right after `<!-- masar:<marker> -->`. */
function block(marker: string): string {
  const found = new RegExp(`<!-- masar:${marker} -->\\n\`\`\`yaml\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(GUIDE);
  if (!found?.[1]) throw new Error(`docs/modelling.md has no yaml block after <!-- masar:${marker} -->`);
  return `${found[1]}\n`;
}

describe('docs/modelling.md', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'masar-guide-'));
  writeFileSync(path.join(dir, 'occupation-domaine-public.yaml'), block('procedure'));
  writeFileSync(path.join(dir, 'aot-script.yaml'), block('script'));

  it('should give a complete procedure that validates', async () => {
    const { code, out, err } = await masar(['validate', 'occupation-domaine-public.yaml'], { cwd: dir });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toEqual(['ok: 1 procedure valid']);
  });

  it('should give a script that files a case and approves it on the time-skipping server, as printed in the guide', async () => {
    const { code, out } = await masar(['simulate', 'occupation-domaine-public.yaml', '--from', '2027-04-05', '--script', 'aot-script.yaml'], { cwd: dir });
    expect(code).toBe(0);
    // Every timeline line the guide shows is printed.
    const shown = GUIDE.split('--script aot-script.yaml\n')[1]?.split('```')[0]?.split('\n').filter((l) => l.trim() !== '') ?? [];
    expect(shown.length).toBeGreaterThanOrEqual(4);
    for (const line of shown) expect(out).toContain(line);
  });

  it('should print the escalation the guide shows when nobody acts', async () => {
    const { code, out } = await masar(['simulate', 'occupation-domaine-public.yaml', '--from', '2027-04-05'], { cwd: dir });
    expect(code).toBe(0);
    const shown = GUIDE.split('occupation-domaine-public.yaml --from 2027-04-05\n')[1]?.split('...')[0]?.split('\n').filter((l) => l.trim() !== '') ?? [];
    expect(shown).toHaveLength(5);
    for (const line of shown) expect(out).toContain(line);
  });
});
