import { TEMPLATE_NAMES } from '../../../activities/notifications/render';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../cli/main';

describe('masar render-templates', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'masar-preview-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should render every template in both languages to html and text files', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), env: {}, cwd: dir };
    expect(await main(['render-templates', '--out', 'preview'], io)).toBe(0);
    const files = (await readdir(path.join(dir, 'preview'))).sort();
    expect(files).toHaveLength(TEMPLATE_NAMES.length * 2 * 2); // every template, two languages, html and text
    expect(files).toContain('receipt.ar.html');
    expect(files).toContain('tacit-approval.fr.txt');
    const receipt = await readFile(path.join(dir, 'preview', 'receipt.ar.html'), 'utf8');
    expect(receipt).toContain('<html dir="rtl" lang="ar">');
    const text = await readFile(path.join(dir, 'preview', 'decision.fr.txt'), 'utf8');
    expect(text.startsWith('Subject: Dossier AI-2026-000123 : décision rendue\n\nBonjour')).toBe(true);
    expect(lines.join('\n')).toContain(`${TEMPLATE_NAMES.length * 4} files`);
  });

  it('should refuse an unknown option with the usage', async () => {
    const errors: string[] = [];
    const io = { out: () => undefined, err: (l: string) => errors.push(l), env: {}, cwd: dir };
    expect(await main(['render-templates', '--outt', 'x'], io)).toBe(2);
    expect(errors.join('\n')).toContain('masar render-templates: unknown option "--outt"');
  });
});
