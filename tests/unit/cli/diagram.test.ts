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
    expect(lines).toContain('  commission_review --> tacit_approval : silence — accord tacite (Délai de décision, 2 mois)');
    expect(lines).toContain('  president_decision --> tacit_approval : silence — accord tacite (Délai de décision, 2 mois)');
    expect(lines).toContain('  tacit_approval : rôle Services du gouverneur (préfecture ou province) à préfecture ou province');
    expect(lines).toContain("  tacit_approval --> attestation_issued : Délivrer l'attestation (par Services du gouverneur (préfecture ou province))");
    expect(lines).toContain('  awaiting_documents --> abandoned : sans réponse après 30 jours');
    expect(lines).toContain("  awaiting_documents : Délai de décision — suspendu");
    expect(lines).toContain('  state "Permis délivré" as approved');
    expect(lines).toContain('  approved : issue — approuvé');
    expect(lines).toContain('  approved --> [*]');
    expect(lines).toContain('  class tacit_approval tacit');
  });

  it('should list every action of acces-information with its roles and note the escalation of its clocks', async () => {
    const { stdout } = await masar(['diagram', 'definitions/procedures/acces-information.yaml']);
    const arrows = stdout.split('\n').filter((l) => l.includes(' --> ') && !l.includes('[*]'));
    // Actions, the three outcomes of the urgency flag, timeouts and silence decisions (v2: recourse route).
    expect(arrows).toHaveLength(39);
    expect(stdout).toContain("  review --> review : Prolonger le délai (une fois, avec motifs) (par Personne chargée de l'information)");
    expect(stdout).toContain(
      "  note right of intake : Délai de réponse — 20 jours ouvrables, prolongeable de 20 jours ouvrables, à l'expiration — décide Refus implicite (silence), réclamation possible",
    );
    // No label may carry a character that ends a Mermaid statement early.
    for (const line of arrows) expect(line.split(' : ')[1]).not.toMatch(/[;#{}"]/);
  });

  it('should word everything in Arabic when asked: labels, roles, durations, outcomes', async () => {
    const { stdout } = await masar(['diagram', 'reclamation', '--language', 'ar']);
    expect(stdout).toContain('state "قيد المعالجة" as review');
    expect(stdout).toContain('  awaiting_information --> abandoned : بدون جواب بعد 30 يوما');
    expect(stdout).toContain('  awaiting_information --> review : تقديم المعلومات الإضافية (من طرف مقدم الطلب)');
    expect(stdout).toContain('  answered : النتيجة — تم الرد');
    // Apart from state ids and Mermaid's own words, no Latin letter is left: no "days", no role id.
    const words = stdout
      .split('\n')
      .filter((l) => !/^\s*(stateDiagram|classDef|class |%%)/.test(l))
      .map((l) => l.replace(/^\s*(state "([^"]*)" as \w+|\w+ --> (\w+|\[\*\])( : )?|\[\*\] --> \w+|\w+ : |note right of \w+ : )/, '$2'));
    for (const line of words) expect(line).not.toMatch(/[A-Za-z]{2,}/);
  });

  it('should write a standalone SVG with one box per state and dashed silence arrows', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'masar-diagram-'));
    const { code, out } = await masar(['diagram', 'permis-construire', '--format', 'svg', '--out', 'pc.svg'], { cwd: dir });
    expect(code).toBe(0);
    expect(out[0]).toBe('wrote pc.svg (svg, 9 states, 11 transitions)');
    const svg = readFileSync(path.join(dir, 'pc.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<g class="state /g)).toHaveLength(9);
    expect(svg.match(/<g class="edge /g)).toHaveLength(11);
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
