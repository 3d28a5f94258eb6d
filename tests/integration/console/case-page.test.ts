/**
 * The case page and its action forms, through the console as a browser without JavaScript uses
 * them, on the real stack: what each person may see (personal data only with personal access, the
 * same 403/404 as the API), the timeline with messages sent, the diagram and clocks, every field
 * type of an action's input rendered and read back (a table over the types: a value that cannot
 * be read comes back next to its field with 422 and changes nothing), and hostile input.
 */
import request from 'supertest';
import { insertOutbox } from '../../../db/outbox';
import { consoleAgent, csrfOf, type ConsoleAgent } from '../../support/console';
import { recordUpload } from '../../support/documents';
import { CALLERS, startHarness, type CallerName, type Harness } from '../api/api-harness';
import { apiStatus, eventually, fileThroughApi, publishPermit } from './agent-procedure';

let h: Harness;
let caseId: string;
let plan: string;
let agent: ConsoleAgent;
beforeAll(async () => {
  h = await startHarness({ taskQueue: `console-case-${Date.now()}`, console: true, worker: true });
  await publishPermit(h);
  ({ caseId, plan } = await fileThroughApi(h));
  // The agent's photo of the visit: a real upload of theirs (a file field takes nothing else).
  GOOD['input.photo'] = await recordUpload(h.t.db, CALLERS.agent.sub, 'input.photo');
  agent = await consoleAgent(h.app, 'agent');
  await eventually(() => agent.get(`/cases/${caseId}`), (r) => r.status === 200 && r.text.includes('/actions/record'), 'the case page');
}, 120_000);
afterAll(async () => h?.close());

const journalKinds = async (id: string) => (await h.t.db.query<{ kind: string }>('SELECT kind FROM journal WHERE case_id = $1 ORDER BY sequence', [id])).rows.map((r) => r.kind);

/** Posts the `record` form of the case page with `fields` (a fresh key from the page, as a browser would). */
async function post(who: ConsoleAgent, action: string, fields: Record<string, string | string[]>, id = caseId) {
  const page = await who.get(`/cases/${id}`);
  const form = new RegExp(`action="/cases/${id}/actions/${action}"[\\s\\S]*?name="_idem" value="([^"]+)"`).exec(page.text);
  return who.post(`/cases/${id}/actions/${action}`).type('form').send({ _csrf: csrfOf(page.text), _idem: form?.[1] ?? 'missing-form-key', ...fields });
}

/** Good values of every field of the `record` action, as a browser posts them. */
const GOOD: Record<string, string | string[]> = {
  'input.visited': '2026-11-20',
  'input.measured': '118,5',
  'input.floors': '2',
  'input.compliant': 'true',
  'input.zone': 'c',
  'input.notes': 'Construction conforme au plan déposé.',
  'input.photo': '', // set to an upload of the agent's before the tests
  'input.lots': '12\n13',
  'input.owner.name': 'Said Alaoui',
  'input.owner.phone': '+212 600 000 000',
};

describe('an action form with every field type', () => {
  it('should render each type as a labelled control with its required mark and hint', async () => {
    const page = await agent.get(`/cases/${caseId}`).expect(200);
    const form = /<form method="post" action="\/cases\/[^/]+\/actions\/record"[\s\S]*?<\/form>/.exec(page.text)?.[0] ?? '';
    expect(form).toMatch(/<input[^>]+type="date"[^>]+name="input.visited"[^>]+required/);
    expect(form).toMatch(/<input[^>]+inputmode="decimal"[^>]+name="input.measured"/);
    expect(form).toMatch(/type="radio" name="input.compliant"[^>]+value="true"/);
    expect(form).toMatch(/<select[^>]+name="input.zone"[^>]+required/);
    expect(form).toMatch(/<textarea[^>]+name="input.notes"[^>]+maxlength="1000"/);
    expect(form).toContain('Ce que vous avez constaté');
    expect(form).toMatch(/name="input.photo"/);
    expect(form).toMatch(/<textarea[^>]+name="input.lots"/);
    expect(form).toMatch(/<legend[^>]*>Propriétaire rencontré/);
    expect(form).toMatch(/name="input.owner.name"[^>]+required/);
    for (const m of form.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*id="([^"]+)"/g)) expect(form).toContain(`for="${m[1]}"`);
  });

  it.each([
    ['date', 'input.visited', '31/02/2026', 'Saisissez une date valide'],
    ['date left empty', 'input.visited', '', 'Ce champ est obligatoire.'],
    ['number', 'input.measured', 'cent', 'Saisissez un nombre'],
    ['number out of range', 'input.measured', '0', 'La valeur est trop petite.'],
    ['whole number', 'input.floors', '2,5', 'Saisissez un nombre entier.'],
    ['yes/no', 'input.compliant', 'peut-être', 'Répondez par oui ou non.'],
    ['choice', 'input.zone', 'z', "Choisissez l&#x27;une des options proposées."],
    ['long text', 'input.notes', 'x'.repeat(1001), 'Le texte est trop long.'],
    ['list of numbers', 'input.lots', '12\ntreize', 'Saisissez un nombre'],
    ['text in a group', 'input.owner.name', '', 'Ce champ est obligatoire.'],
    ['text with a pattern in a group', 'input.owner.phone', 'appelez-moi', "Le format n&#x27;est pas celui attendu."],
  ])('should refuse a bad %s with 422 next to its field, keep what was typed, and change nothing', async (_type, name, value, words) => {
    const before = await journalKinds(caseId);
    const res = await post(agent, 'record', { ...GOOD, [name]: value });
    expect(res.status).toBe(422);
    const id = `action-record-${name.replace(/\./g, '-')}`;
    expect(res.text).toMatch(new RegExp(`id="${id}-error"[^>]*>${words.replace(/[.()]/g, '\\$&')}`));
    expect(res.text).toMatch(new RegExp(`class="[^"]*is-invalid"[^>]*name="${name.replace(/\./g, '\\.')}"`));
    // The other fields keep what was typed.
    if (name !== 'input.owner.name') expect(res.text).toContain('Said Alaoui');
    if (name !== 'input.notes') expect(res.text).toContain('Construction conforme au plan déposé.');
    expect(await journalKinds(caseId)).toEqual(before);
  });

  it('should read every type back into the input the workflow accepts', async () => {
    const res = await post(agent, 'record', GOOD);
    expect(res.status).toBe(303);
    await eventually(() => journalKinds(caseId), (k) => k.includes('record'), 'the record entry');
  });

  it('should ask for the reason an action requires, next to the reason field, in Arabic too', async () => {
    const res = await post(agent, 'refuse', { comment: '   ' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="action-refuse-comment-error"[^>]*>Ce champ est obligatoire\./);
    const ar = await consoleAgent(h.app, 'agent');
    const page = await ar.get('/login');
    await ar.post('/lang').type('form').send({ _csrf: csrfOf(page.text), lang: 'ar', next: '/' }).expect(303);
    const inArabic = await post(ar, 'refuse', { comment: '' });
    expect(inArabic.status).toBe(422);
    expect(inArabic.text).toContain('<html lang="ar" dir="rtl">');
    expect(inArabic.text).toMatch(/id="action-refuse-comment-error"[^>]*>هذه الخانة إلزامية\./);
    expect(inArabic.text).toContain('تسجيل المعاينة');
    expect(inArabic.text).toContain('المالك الذي تم لقاؤه');
    expect(await journalKinds(caseId)).not.toContain('refuse');
  });
});

describe('what each person sees of a case', () => {
  it('should show the applicant data of every type, documents, clocks, the diagram and the timeline to the agent of the unit', async () => {
    await insertOutbox(h.t.db, [
      { id: `m-${caseId}`, caseId, occurrence: 'filed', event: 'case_filed', template: 'receipt', recipient: 'applicant', recipientName: 'Amina Benali', address: 'amina@example.ma', language: 'fr', subject: 'Accusé de dépôt CP', text: 'Bonjour', html: null },
    ]);
    const page = await agent.get(`/cases/${caseId}`).expect(200);
    for (const shown of ['Extension de la maison familiale', '120', '1 mai 2019', 'Non', 'Courriel', plan, 'Amina Benali', 'amina@example.ma']) expect([shown, page.text.includes(shown)]).toEqual([shown, true]);
    expect(page.text).toContain('Délai de décision');
    expect(page.text).toMatch(/masar-countdown-(due|soon)">\d+ jours? ouvrés? restants?/);
    expect(page.text).toContain('Décision tacite : Accord tacite');
    expect(page.text).toMatch(/<svg role="img" aria-labelledby="diagram-caption"/);
    expect(page.text).toContain('id="state-review">');
    expect(page.text).toMatch(/class="state task masar-current" id="state-review"/);
    expect(page.text).toContain('Demande déposée');
    expect(page.text).toContain('Délai démarré');
    expect(page.text).toContain('Accusé de dépôt CP');
  });

  it('should show a supervisor of the province the case without personal data, as the API does', async () => {
    expect(await apiStatus(h, 'supervisorProvince', caseId)).toBe(200);
    const sup = await consoleAgent(h.app, 'supervisorProvince');
    const page = await sup.get(`/cases/${caseId}`).expect(200);
    expect(page.text).toContain('Les données personnelles du demandeur ne sont visibles');
    for (const hidden of ['Extension de la maison familiale', plan, 'amina@example.ma', 'Accusé de dépôt CP']) expect([hidden, page.text.includes(hidden)]).toEqual([hidden, false]);
    expect(page.text).toContain('Accusé de dépôt');
  });

  it.each<CallerName>(['agentAssilah', 'supervisorOtherProvince', 'otherApplicant'])('should refuse %s the page and its actions exactly as the API does', async (who) => {
    const expected = await apiStatus(h, who, caseId);
    expect([403, 404]).toContain(expected);
    const them = await consoleAgent(h.app, who);
    const page = await them.get(`/cases/${caseId}`);
    expect(page.status).toBe(expected);
    expect(page.text).not.toContain('Extension de la maison familiale');
    const login = await them.get('/login');
    const res = await them.post(`/cases/${caseId}/actions/approve`).type('form').send({ _csrf: csrfOf(login.text), _idem: 'someone-else-0001', 'input.fee': '0' });
    expect(res.status).toBe(expected);
  });
});

describe('hostile input on the case page', () => {
  it('should answer 404 for a case that does not exist and 422 for an id that cannot be one, never a 5xx', async () => {
    expect((await agent.get('/cases/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    for (const bad of [`/cases/${'x'.repeat(101)}`, '/cases/a%20b', '/cases/%E2%80%AE', `/cases/${caseId}?done=${'x'.repeat(200)}`]) {
      const res = await agent.get(bad);
      expect([bad, res.status]).toEqual([bad, 422]);
    }
  });

  it('should refuse forged, oversized or unknown action posts with a 4xx page and change nothing', async () => {
    const before = await journalKinds(caseId);
    const page = await agent.get(`/cases/${caseId}`);
    const csrf = csrfOf(page.text);
    const send = (action: string, fields: Record<string, string>) => agent.post(`/cases/${caseId}/actions/${action}`).type('form').send({ _csrf: csrf, ...fields });
    const answers = await Promise.all([
      send('record', { ...(GOOD as Record<string, string>), 'input.lots': '1', 'input.notes': 'a\u0000b', _idem: 'nul-in-a-value-01' }),
      send('record', { ...(GOOD as Record<string, string>), 'input.lots': '1', comment: 'x'.repeat(5001), _idem: 'long-comment-0001' }),
      send('record', { ...(GOOD as Record<string, string>), 'input.lots': '1', _idem: 'bad key with spaces' }),
      send('fly', { _idem: 'unknown-action-01' }),
      send('constructor', { _idem: 'proto-action-0001' }),
      send('Approve', { _idem: 'capital-action-01' }),
      agent.post(`/cases/${caseId}/actions/approve`).type('form').send({ 'input.fee': '1', _idem: 'no-csrf-token-001' }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([422, 422, 422, 409, 409, 422, 403]);
    // The API shares the use case: an action named after an Object property is refused there too.
    for (const action of ['constructor', 'hasownproperty', 'tostring']) {
      const api = await request(h.app).post(`/api/v1/cases/${caseId}/actions`).set('Authorization', `Bearer ${await h.token('agent')}`).send({ action });
      expect([action, api.status]).toEqual([action, 409]);
    }
    expect(await journalKinds(caseId)).toEqual(before);
  });
});
