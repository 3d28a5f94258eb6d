/**
 * The administrator's pages as a browser meets them (cookies kept, no JavaScript), over the real
 * API process, PostgreSQL, Temporal dev server and worker: the catalogue with its versions and the
 * cases running on each; a definition pasted with an error (shown at its line, the line marked),
 * then fixed and published (the catalogue then offers the new version to new cases); a file upload;
 * a holiday date and a closure recorded; a member added and removed; cases needing attention. Anyone
 * but an administrator gets 403 on every page and every form; hostile definitions get a page.
 */
import request from 'supertest';
import { createProcedureSimulator } from '../../../cli/simulate/simulator';
import { currentCalendar } from '../../../db/calendars';
import { religiousDateOf } from '../../../definitions/calendar';
import { addDays } from '../../../definitions/local-time';
import { consoleAgent, csrfOf, postForm, type ConsoleAgent } from '../../support/console';
import { shippedSource, startHarness, TANGER, type CallerName, type Harness } from '../api/api-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    taskQueue: `console-admin-${Date.now()}`,
    console: true,
    worker: true,
    // The simulator `npm start` gives administrators: Temporal's time-skipping test server.
    consoleOptions: { simulator: createProcedureSimulator({ testServerPath: process.env.TEMPORAL_TEST_SERVER_PATH }) },
  });
}, 120_000);
afterAll(async () => h?.close());

const V1 = shippedSource('acces-information');
/** The next version of the shipped procedure (version 2 is shipped), and the line its first action's target is on. */
const V2 = V1.replace(/^version: 2$/m, 'version: 3');
const TARGET_LINE = V2.split('\n').findIndex((l) => l === '        to: review') + 1;
/** That version with one error: the first action goes to a state that does not exist. */
const V2_BROKEN = V2.split('\n').map((l, i) => (i + 1 === TARGET_LINE ? '        to: nowhere' : l)).join('\n');

/** An administrator signed in; in Arabic, chosen with the language switch (the person's own language is French). */
async function admin(lang: 'fr' | 'ar' = 'fr'): Promise<ConsoleAgent> {
  const agent = await consoleAgent(h.app, 'admin');
  if (lang === 'ar') expect((await postForm(agent, '/login', '/lang', { lang: 'ar', next: '/' })).status).toBe(303);
  return agent;
}

describe('the procedure catalogue', () => {
  it('should list each procedure with the version new cases get and the cases running on each version, in French and Arabic', async () => {
    const filed = await request(h.app)
      .post('/api/v1/cases')
      .set('Authorization', `Bearer ${await h.token('applicant')}`)
      .send({ procedure: 'acces-information', unit: TANGER, data: { subject: 'budget', format: 'paper' } });
    expect(filed.status).toBe(201);
    const fr = await (await admin()).get('/admin/procedures').expect(200);
    expect(fr.text).toContain('Demande d&#x27;accès à l&#x27;information');
    expect(fr.text).toContain('nouveaux dossiers');
    expect(fr.text).toMatch(/1 dossier en cours/);
    expect(fr.text).toContain('aria-current="page"');
    const ar = await (await admin('ar')).get('/admin/procedures').expect(200);
    expect(ar.text).toContain('<html lang="ar" dir="rtl">');
    expect(ar.text).toContain('طلب الحصول على المعلومات');
    expect(ar.text).toContain('ملف واحد جار');
    const detail = await (await admin()).get('/admin/procedures/acces-information').expect(200);
    expect(detail.text).toContain('<svg role="img"');
    expect(detail.text).toContain('Loi 31-13');
  });

  it('should answer an unknown or impossible procedure or version with a 404 page, and a version that is not a number with a 422 page', async () => {
    const agent = await admin();
    for (const url of ['/admin/procedures/nope', '/admin/procedures/acces-information?version=99', '/admin/procedures/%00x', `/admin/procedures/${'a'.repeat(300)}`]) {
      const res = await agent.get(url);
      expect([url, res.status]).toEqual([url, 404]);
      expect(res.type).toBe('text/html');
    }
    expect((await agent.get('/admin/procedures/acces-information?version=abc')).status).toBe(422);
  });
});

describe('publishing a new version', () => {
  it('should show an error at its line with the line marked, then publish the fixed definition so that new cases get it', async () => {
    const agent = await admin();
    const broken = await postForm(agent, '/admin/procedures/new', '/admin/procedures/new', { source: V2_BROKEN, intent: 'publish' });
    expect(broken.status).toBe(422);
    expect(broken.text).toContain(`href="#L${TARGET_LINE}"`);
    expect(broken.text).toContain(`Ligne ${TARGET_LINE}`);
    expect(broken.text).toContain(`<li id="L${TARGET_LINE}" value="${TARGET_LINE}" class="masar-source-marked">`);
    expect(broken.text).toContain('nowhere');
    // The text typed is kept in the form.
    expect(broken.text).toContain('        to: nowhere</textarea>'.slice(0, 20));
    // Nothing was published.
    expect((await agent.get('/admin/procedures/acces-information?version=3')).status).toBe(404);

    const checked = await postForm(agent, '/admin/procedures/new', '/admin/procedures/new', { source: V2, intent: 'validate' });
    expect(checked.status).toBe(200);
    expect(checked.text).toContain('acces-information version 3 est valide');
    expect(checked.text).toContain('<svg role="img"');
    expect(checked.text).toContain('name="intent" value="publish"');

    const published = await postForm(agent, '/admin/procedures/new', '/admin/procedures/new', { source: V2, intent: 'publish' });
    expect(published.status).toBe(303);
    expect(published.headers.location).toBe('/admin/procedures/acces-information?version=3&published=1');
    const shown = await agent.get(published.headers.location as string).expect(200);
    expect(shown.text).toContain('La version 3 est publiée');
    const catalogue = await agent.get('/admin/procedures').expect(200);
    expect(catalogue.text).toMatch(/<td>version 3<\/td>/);
    expect(catalogue.text).toMatch(/\?version=3">version 3<\/a>\s*<span class="badge text-bg-success">nouveaux dossiers/);
    // Publishing other content under the same version is refused, next to the form.
    const conflict = await postForm(agent, '/admin/procedures/new', '/admin/procedures/new', { source: V2.replace('Demande d', 'Requête d'), intent: 'publish' });
    expect(conflict.status).toBe(409);
    expect(conflict.text).toContain('already published with different content');
  });

  it('should play one case of a valid definition on the simulator and show its timeline, and refuse a wait that is not a duration', async () => {
    const agent = await admin();
    const bad = await postForm(agent, '/admin/procedures/new', '/admin/procedures/new', { source: V2, intent: 'simulate', wait: 'a while' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('write an ISO 8601 duration');
    expect(bad.text).toContain('Durée simulée');
    const played = await postForm(agent, '/admin/procedures/new', '/admin/procedures/new', { source: V2, intent: 'simulate', wait: 'P30D' });
    expect(played.status).toBe(200);
    expect(played.text).toContain('Simulation d&#x27;un dossier');
    expect(played.text).toMatch(/<pre class="border rounded p-2 masar-timeline"[^>]*>[\s\S]*\d{4}-\d{2}-\d{2}/);
    expect(played.text).toContain('<code><bdi>script</bdi></code>');
  }, 240_000);

  it('should validate an uploaded file, and refuse one that is not UTF-8 text', async () => {
    const agent = await admin();
    const token = csrfOf((await agent.get('/admin/procedures/new')).text);
    const ok = await agent.post('/admin/procedures/new').field('_csrf', token).field('intent', 'validate').field('source', '').attach('file', Buffer.from(V2_BROKEN), 'acces-information.yaml');
    expect(ok.status).toBe(422);
    expect(ok.text).toContain(`Ligne ${TARGET_LINE}`);
    const latin1 = await agent.post('/admin/procedures/new').field('_csrf', token).field('intent', 'validate').attach('file', Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xe9, 0x0a]), 'x.yaml');
    expect(latin1.status).toBe(400);
    expect(latin1.text).toContain('not UTF-8');
    // A multipart form without the session's token is refused like any other.
    const forged = await agent.post('/admin/procedures/new').field('intent', 'publish').attach('file', Buffer.from(V2), 'x.yaml');
    expect(forged.status).toBe(403);
  });

  it('should refuse hostile definitions with a page: an alias bomb, a NUL, 2 MB, an empty text', async () => {
    const agent = await admin();
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    const cases: [string, string, number, string][] = [
      ['alias bomb', bomb, 422, 'alias'],
      ['NUL', `${V2}\u0000`, 422, 'NUL'],
      ['2 MB', `${V2}\n#${'x'.repeat(2 * 1024 * 1024)}`, 413, 'dépasse la taille permise'],
      ['empty', '   \n', 422, 'paste a definition'],
    ];
    for (const [what, source, status, words] of cases) {
      const res = await postForm(agent, '/admin/procedures/new', '/admin/procedures/new', { source, intent: 'publish' });
      expect([what, res.status, res.type]).toEqual([what, status, 'text/html']);
      expect([what, res.text.includes(words)]).toEqual([what, true]);
    }
    const upload = await agent
      .post('/admin/procedures/new')
      .field('_csrf', csrfOf((await agent.get('/admin/procedures/new')).text))
      .field('intent', 'validate')
      .attach('file', Buffer.from(`${V2}\n#${'x'.repeat(2 * 1024 * 1024)}`), 'big.yaml');
    expect(upload.status).toBe(413);
    expect(upload.type).toBe('text/html');
    expect((await agent.get('/admin/procedures/acces-information?version=4')).status).toBe(404);
  });
});

describe('the calendar', () => {
  it('should record an announced religious date as official, and a closure, and refuse a date far from the expected one next to its field', async () => {
    const agent = await admin();
    const calendar = await currentCalendar(h.t.db, 'ma-administration');
    if (!calendar) throw new Error('no calendar ma-administration');
    const hijriYear = 1449;
    const expected = religiousDateOf(calendar, 'eid_al_fitr', hijriYear);
    const year = expected.start.slice(0, 4);
    const before = await agent.get(`/admin/calendar?year=${year}`).expect(200);
    expect(before.text).toContain('Aïd al-Fitr');
    expect(before.text).toContain('provisoire');

    const far = await postForm(agent, '/admin/calendar', '/admin/calendar/holidays', { holiday: 'eid_al_fitr', hijriYear: String(hijriYear), start: addDays(expected.start, 20), status: 'official', source: 'communiqué' });
    expect(far.status).toBe(422);
    expect(far.text).toMatch(/id="start-error"[^>]*>[^<]*too far from the expected/);
    expect(far.text).toContain(`value="${addDays(expected.start, 20)}"`);
    const typo = await postForm(agent, '/admin/calendar', '/admin/calendar/holidays', { holiday: 'eid_al_fitr', hijriYear: 'mille', start: 'tomorrow', status: 'official' });
    expect(typo.status).toBe(422);
    expect(typo.text).toContain('id="hijriYear-error"');
    expect(typo.text).toContain('id="start-error"');

    const announced = addDays(expected.start, 1);
    const recorded = await postForm(agent, '/admin/calendar', '/admin/calendar/holidays', { holiday: 'eid_al_fitr', hijriYear: String(hijriYear), start: announced, status: 'official', source: 'Communiqué du ministère des Habous' });
    expect(recorded.status).toBe(303);
    expect(recorded.headers.location).toBe(`/admin/calendar?year=${announced.slice(0, 4)}&recorded=holiday`);
    const after = await agent.get(recorded.headers.location as string).expect(200);
    expect(after.text).toContain('La date est enregistrée');
    const row = new RegExp(`Aïd al-Fitr <small[^>]*>\\(année de l'hégire ${hijriYear}\\)</small></th>\\s*<td>[^<]*</td>\\s*<td><span class="badge text-bg-success">officielle`);
    expect(after.text.replace(/&#x27;/g, "'")).toMatch(row);

    const closure = addDays(announced, 40);
    const closed = await postForm(agent, '/admin/calendar', '/admin/calendar/closures', { date: closure, nameFr: 'Fermeture exceptionnelle', nameAr: 'عطلة استثنائية', source: '' });
    expect(closed.status).toBe(303);
    const withClosure = await agent.get(`/admin/calendar?year=${closure.slice(0, 4)}`).expect(200);
    expect(withClosure.text).toContain('Fermeture exceptionnelle');
    const ar = await (await admin('ar')).get(`/admin/calendar?year=${closure.slice(0, 4)}`).expect(200);
    expect(ar.text).toContain('عطلة استثنائية');
    expect(ar.text).toContain('رسمي');
  });
});

describe('the directory', () => {
  it('should show the tree, search units, add a member with roles and remove them', async () => {
    const agent = await admin();
    const top = await agent.get('/admin/directory').expect(200);
    expect(top.text).toContain('?unit=DGCT');
    const found = await agent.get('/admin/directory?q=assil').expect(200);
    expect(found.text).toContain('?unit=01.511.01.02');
    const province = await agent.get('/admin/directory?unit=01.511').expect(200);
    expect(province.text).toContain('?unit=01.511.01.01');

    const bad = await postForm(agent, `/admin/directory?unit=${TANGER}`, `/admin/directory/${TANGER}/members`, { id: 'new-agent', name: 'Nadia Idrissi', email: 'not-an-email', language: 'ar', roles: 'agent' });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/id="member-email-error"[^>]*>email is not an e-mail address/);
    expect(bad.text).toContain('value="Nadia Idrissi"');
    expect(bad.text).toMatch(/value="agent" checked/);

    const added = await agent
      .post(`/admin/directory/${TANGER}/members`)
      .type('form')
      .send(`_csrf=${csrfOf((await agent.get(`/admin/directory?unit=${TANGER}`)).text)}&id=new-agent&name=Nadia+Idrissi&email=nadia%40tanger.ma&language=ar&roles=agent&roles=information_officer`);
    expect(added.status).toBe(303);
    const unit = await agent.get(added.headers.location as string).expect(200);
    expect(unit.text).toContain('Le membre est ajouté.');
    expect(unit.text).toContain('Nadia Idrissi');
    expect(unit.text).toContain('information_officer');
    const again = await postForm(agent, `/admin/directory?unit=${TANGER}`, `/admin/directory/${TANGER}/members`, { id: 'new-agent', name: 'Nadia', email: 'nadia@tanger.ma', language: 'fr', roles: 'agent' });
    expect(again.status).toBe(409);
    const unknownRole = await postForm(agent, `/admin/directory?unit=${TANGER}`, `/admin/directory/${TANGER}/members`, { id: 'other', name: 'X', email: 'x@tanger.ma', language: 'fr', roles: 'king' });
    expect(unknownRole.status).toBe(422);

    const removed = await postForm(agent, `/admin/directory?unit=${TANGER}`, `/admin/directory/${TANGER}/members/new-agent/remove`, {});
    expect(removed.status).toBe(303);
    expect((await agent.get(`/admin/directory?unit=${TANGER}`)).text).not.toContain('Nadia Idrissi');
    expect((await postForm(agent, `/admin/directory?unit=${TANGER}`, `/admin/directory/${TANGER}/members/new-agent/remove`, {})).status).toBe(404);
    expect((await agent.get('/admin/directory?unit=99.999')).status).toBe(404);
  });
});

describe('cases needing attention', () => {
  it('should list none, and answer a retry of a case that needs none with a 404 page', async () => {
    const agent = await admin('ar');
    const page = await agent.get('/admin/attention').expect(200);
    expect(page.text).toContain('لا يوجد أي ملف متعثر');
    const retry = await postForm(agent, '/admin/attention', '/admin/attention/abc123/retry', {});
    expect(retry.status).toBe(404);
    expect(retry.type).toBe('text/html');
  });
});

describe('who may', () => {
  const PAGES = ['/admin/procedures', '/admin/procedures/new', '/admin/procedures/acces-information', '/admin/calendar', '/admin/directory', `/admin/directory?unit=${TANGER}`, '/admin/attention'];
  const POSTS: [string, Record<string, string>][] = [
    ['/admin/procedures/new', { source: V2, intent: 'publish' }],
    ['/admin/calendar/holidays', { holiday: 'eid_al_fitr', hijriYear: '1449', start: '2028-01-01', status: 'official' }],
    ['/admin/calendar/closures', { date: '2030-01-02', nameFr: 'x', nameAr: 'x' }],
    [`/admin/directory/${TANGER}/members`, { id: 'intruder', name: 'X', email: 'x@x.ma', language: 'fr', roles: 'admin' }],
    [`/admin/directory/${TANGER}/members/agent-tanger/remove`, {}],
    ['/admin/attention/abc123/retry', {}],
  ];
  const others: CallerName[] = ['applicant', 'agent', 'supervisorProvince', 'supervisorRegion'];

  it.each(others)('should refuse %s every administrator page and form with a 403 page', async (who) => {
    const agent = await consoleAgent(h.app, who);
    for (const url of PAGES) {
      const res = await agent.get(url);
      expect([url, res.status, res.type]).toEqual([url, 403, 'text/html']);
    }
    for (const [url, fields] of POSTS) {
      const res = await postForm(agent, '/login', url, fields);
      expect([url, res.status]).toEqual([url, 403]);
    }
  });

  it('should send an anonymous visitor to the login page, and change nothing', async () => {
    for (const url of PAGES) {
      const res = await request(h.app).get(url);
      expect([url, res.status, res.headers.location]).toEqual([url, 303, `/login?next=${encodeURIComponent(url)}`]);
    }
    const anonymous = await consoleAgent(h.app);
    const res = await postForm(anonymous, '/login', `/admin/directory/${TANGER}/members`, { id: 'intruder', name: 'X', email: 'x@x.ma', language: 'fr', roles: 'agent' });
    expect(res.status).toBe(303);
    const members = await request(h.app).get(`/api/v1/units/${TANGER}/members`).set('Authorization', `Bearer ${await h.token('admin')}`);
    expect(members.body.items.map((m: { id: string }) => m.id)).not.toContain('intruder');
  });
});
