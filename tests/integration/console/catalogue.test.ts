/**
 * The law 55-19 catalogue in the console (`/catalogue`), over the real API process and PostgreSQL
 * with the seven shipped procedures published: public (no sign-in), each procedure's documents,
 * fees, deadline and what silence means, with their basis, in French and Arabic; linked from the
 * menu of visitors and applicants; an applicant may go on to file; text an administrator published
 * is shown as text; hostile query strings get a 4xx saying what is wrong, never a 5xx.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { publishProcedure } from '../../../db/procedures';
import { consoleAgent } from '../../support/console';
import { compileYaml } from '../../support/procedures';
import { shippedSource, startHarness, type Harness } from '../api/api-harness';

const SHIPPED = readdirSync(path.join(__dirname, '..', '..', '..', 'definitions', 'procedures'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

let h: Harness;
beforeAll(async () => {
  // acces-information is published by the harness; the six others here.
  h = await startHarness({
    taskQueue: `console-catalogue-${Date.now()}`,
    console: true,
    procedures: SHIPPED.filter((id) => id !== 'acces-information').map(shippedSource),
  });
}, 60_000);
afterAll(async () => h?.close());

/** The section of one procedure in the page (from its anchor to the next section). */
const sectionOf = (html: string, id: string): string => {
  const start = html.indexOf(`<section id="${id}"`);
  if (start < 0) throw new Error(`no section for ${id}`);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
};

describe('the catalogue page', () => {
  it('should show every shipped procedure to a visitor who is not signed in, in French', async () => {
    const visitor = await consoleAgent(h.app, undefined, 'fr');
    const page = await visitor.get('/catalogue').expect(200);
    expect(page.text).toContain('<html lang="fr" dir="ltr">');
    expect(page.text).toContain('<a class="nav-link active" href="/catalogue" aria-current="page">Catalogue des procédures</a>');
    for (const id of SHIPPED) expect([id, page.text.includes(`<section id="${id}"`)]).toEqual([id, true]);

    const permit = sectionOf(page.text, 'permis-construire');
    for (const words of ['Permis de construire (petits projets)', '2 mois', 'Plans architecturaux signés par', 'Selon la nature du terrain', 'vaut accord tacite', 'Taxe sur les opérations de construction', 'Tarif fixé localement, à confirmer', 'Loi 12-90']) {
      expect([words, permit.includes(words)]).toEqual([words, true]);
    }
    const access = sectionOf(page.text, 'acces-information');
    for (const words of ['20 jours ouvrables', 'Prorogeable une fois, de 20 jours ouvrables', 'vaut refus implicite', 'Gratuit', 'Loi 31-13, art. 16']) {
      expect([words, access.includes(words)]).toEqual([words, true]);
    }
    expect(sectionOf(page.text, 'legalisation-signature')).toContain('Délivré le jour même');
    expect(sectionOf(page.text, 'reclamation')).toContain("le dossier est signalé à l&#x27;autorité de contrôle");
    expect(sectionOf(page.text, 'bureau-ordre')).toContain('Aucun frais.');
    // Not signed in: nothing to file with.
    expect(page.text).not.toContain('href="/file?procedure=');
  });

  it('should say the same in Arabic, right to left', async () => {
    const visitor = await consoleAgent(h.app, undefined, 'ar');
    const page = await visitor.get('/catalogue').expect(200);
    expect(page.text).toContain('<html lang="ar" dir="rtl">');
    expect(page.text).toContain('مصنف المساطر والقرارات الإدارية (القانون رقم 55.19)');
    const permit = sectionOf(page.text, 'permis-construire');
    for (const words of ['شهران', 'التصاميم المعمارية موقعة من طرف المهندس المعماري', 'بمثابة موافقة ضمنية', 'تعريفة محددة محليا، في انتظار التأكيد']) {
      expect([words, permit.includes(words)]).toEqual([words, true]);
    }
    const access = sectionOf(page.text, 'acces-information');
    for (const words of ['طلب الحصول على المعلومات', 'قابل للتمديد مرة واحدة لمدة 20 يوم عمل', 'بمثابة رفض ضمني', 'بالمجان']) {
      expect([words, access.includes(words)]).toEqual([words, true]);
    }
    expect(sectionOf(page.text, 'legalisation-signature')).toContain('يسلم في نفس اليوم');
    // The texts' titles are French: marked so, for screen readers and the direction.
    expect(access).toMatch(/<ul lang="fr" dir="ltr">\s*<li>Loi 31-13/);
  });

  it('should be in the menu of an applicant, with a way to file each procedure, and not offer filing to staff', async () => {
    const applicant = await consoleAgent(h.app, 'applicant');
    const page = await applicant.get('/catalogue').expect(200);
    expect(page.text).toContain('href="/catalogue" aria-current="page"');
    for (const id of SHIPPED) expect(page.text).toContain(`href="/file?procedure=${id}"`);
    const home = await applicant.get('/my/cases').expect(200);
    expect(home.text).toContain('<a class="nav-link" href="/catalogue">Catalogue des procédures</a>');

    const agent = await consoleAgent(h.app, 'agent');
    const seen = await agent.get('/catalogue').expect(200);
    expect(seen.text).toContain('<section id="permis-habiter"');
    expect(seen.text).not.toContain('href="/file?procedure=');
  });

  it('should show what an administrator published as text, never as markup', async () => {
    const hostile = `
id: zz-hostile
version: 1
title: { fr: "<script>alert(1)</script>Permis", ar: "<img src=x onerror=alert(1)>رخصة" }
legalBasis: [{ law: "Loi <b>55-19</b>" }]
roles:
  officer: { fr: Agent, ar: موظف }
input:
  plans: { type: file, label: { fr: Plans, ar: تصاميم }, required: true }
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: officer }
    actions:
      approve: { label: { fr: Délivrer, ar: تسليم }, by: [officer], to: approved }
  approved: { kind: final, label: { fr: Délivré, ar: مسلم }, outcome: approved }
clocks:
  decision:
    label: { fr: "Délai <i>légal</i>", ar: أجل }
    duration: 20 working days
    runsIn: [review]
    onExpiry: { decide: approved }
catalogue:
  documents:
    plans: { label: { fr: "\\"><svg onload=alert(1)>", ar: تصاميم }, field: plans }
  fees:
    - { label: { fr: "Taxe</td><td>", ar: رسم }, amount: 20, basis: "Arrêté <a href=//evil>fiscal</a>", unconfirmed: true }
  deadline: { clock: decision }
`;
    await publishProcedure(h.t.db, compileYaml(hostile), hostile, 'system');
    for (const lang of ['fr', 'ar'] as const) {
      const page = await (await consoleAgent(h.app, undefined, lang)).get('/catalogue').expect(200);
      const section = sectionOf(page.text, 'zz-hostile');
      expect(section).not.toMatch(/<script|<img|<svg|<b>|<i>|<a href=\/\/evil|<\/td><td>/);
      expect(section).toContain(lang === 'fr' ? '&lt;script&gt;alert(1)&lt;/script&gt;Permis' : '&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;رخصة');
    }
  });

  it('should refuse a query string PostgreSQL could not store, saying where, and ignore any other', async () => {
    const visitor = await consoleAgent(h.app, undefined, 'fr');
    const nul = await visitor.get('/catalogue?q=a%00b');
    // The console's input guard (api/input-guard.ts, shared with the API) refuses it before any page runs.
    expect(nul.status).toBe(422);
    expect(nul.text).toMatch(/query string.*U\+0000|U\+0000.*query string/);
    // Unknown or over-long parameters change nothing: the catalogue has no filter to abuse.
    for (const query of [`q=${'x'.repeat(5000)}`, 'procedure[$ne]=x', 'lang=xx']) {
      const res = await visitor.get(`/catalogue?${query}`);
      expect([query, res.status]).toEqual([query, 200]);
      expect(res.text).toContain('<section id="reclamation"');
    }
  });
});
