/** `masar diagram`: Mermaid, SVG and HTML pictures of the shipped procedures. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { masar } from './capture';

describe('masar diagram', () => {
  it('should draw permis-construire with the silence decision labelled and the attestation task at the province', async () => {
    const { code, stdout } = await masar(['diagram', 'permis-construire']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('  [*] --> commission_review');
    expect(lines).toContain('  commission_review --> tacit_approval : silence — tacitly approved (accord tacite) (decision, P2M)');
    expect(lines).toContain('  tacit_approval : rôle governor_services à province');
    expect(lines).toContain("  tacit_approval --> attestation_issued : Délivrer l'attestation (par governor_services)");
    expect(lines).toContain('  awaiting_documents --> abandoned : sans réponse après 30 days');
    expect(lines).toContain('  awaiting_documents : délai decision — suspendu');
    expect(lines).toContain('  state "Permis délivré [approved]" as approved');
    expect(lines).toContain('  approved --> [*]');
    expect(lines).toContain('  class tacit_approval tacit');
  });

  it('should list every action of acces-information with its roles and note the escalation of its clocks', async () => {
    const { stdout } = await masar(['diagram', 'definitions/procedures/acces-information.yaml']);
    const arrows = stdout.split('\n').filter((l) => l.includes(' --> ') && !l.includes('[*]'));
    // 11 actions and the clarification timeout.
    expect(arrows).toHaveLength(12);
    expect(stdout).toContain('  review --> review : Prolonger le délai (par information_officer)');
    expect(stdout).toContain(
      "  note right of received : answer — 20 working days, +20 working days ×1, à l'expiration — escalade province → region → ministry (tous les 10 working days)",
    );
    // No label may carry a character that ends a Mermaid statement early.
    for (const line of arrows) expect(line.split(' : ')[1]).not.toMatch(/[;#{}"]/);
  });

  it('should label in Arabic when asked', async () => {
    const { stdout } = await masar(['diagram', 'reclamation', '--language', 'ar']);
    expect(stdout).toContain('state "قيد المعالجة" as review');
  });

  it('should write a standalone SVG with one box per state and dashed silence arrows', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'masar-diagram-'));
    const { code, out } = await masar(['diagram', 'permis-construire', '--format', 'svg', '--out', 'pc.svg'], { cwd: dir });
    expect(code).toBe(0);
    expect(out[0]).toBe('wrote pc.svg (svg, 8 states, 8 transitions)');
    const svg = readFileSync(path.join(dir, 'pc.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<g class="state /g)).toHaveLength(8);
    expect(svg.match(/<g class="edge /g)).toHaveLength(8);
    expect(svg).toMatch(/<g class="edge silence"><path [^>]*stroke-dasharray="7 5"/);
    expect(svg).toContain('Accord tacite');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    // Balanced groups: every <g> closes.
    expect(svg.match(/<g[ >]/g)?.length).toBe(svg.match(/<\/g>/g)?.length);
  });

  it('should make an HTML page that needs no network and no script', async () => {
    const { code, stdout } = await masar(['diagram', 'acces-information', '--format', 'html']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^<!doctype html>/);
    expect(stdout).toContain('<svg');
    expect(stdout).toContain('stateDiagram-v2');
    expect(stdout).not.toMatch(/<script|<link|src="http/);
    // Only the SVG namespace may name a URL.
    expect(stdout.match(/https?:\/\/[^"]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('should refuse an invalid definition and point at the error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'masar-diagram-'));
    writeFileSync(path.join(dir, 'bad.yaml'), 'id: bad\nversion: 1\n');
    const { code, err } = await masar(['diagram', 'bad.yaml'], { cwd: dir });
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('bad.yaml:1:1');
    expect(err[err.length - 1]).toContain('masar validate');
  });

  it('should reject an unknown format with the list of formats', async () => {
    const { code, err } = await masar(['diagram', 'reclamation', '--format', 'png']);
    expect(code).toBe(2);
    expect(err[0]).toBe('masar diagram: --format "png": must be one of mermaid, html, svg');
  });
});
