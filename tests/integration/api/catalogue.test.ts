/**
 * The law 55-19 catalogue over HTTP (`GET /api/v1/catalogue`, public) and the bureau d'ordre's
 * registration numbers as an applicant sees them: real PostgreSQL, the Temporal dev server and a
 * worker, the seven shipped procedures published.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { publishProcedure } from '../../../db/procedures';
import { recordUpload } from '../../support/documents';
import { compileYaml } from '../../support/procedures';
import { CALLERS, shippedSource, startHarness, TANGER, type Harness } from './api-harness';

const SHIPPED = readdirSync(path.join(__dirname, '..', '..', '..', 'definitions', 'procedures'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true, taskQueue: `catalogue-${Date.now()}` });
  for (const id of SHIPPED) {
    const source = shippedSource(id);
    await publishProcedure(h.t.db, compileYaml(source, `${id}.yaml`), source, 'system');
  }
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('GET /api/v1/catalogue', () => {
  it('should publish every shipped procedure, without a token, with documents, fees and deadline in both languages', async () => {
    const res = await request(h.app).get('/api/v1/catalogue');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.undeclared).toEqual([]);
    expect(res.body.procedures.map((p: { procedure: { id: string } }) => p.procedure.id)).toEqual(SHIPPED);
    for (const entry of res.body.procedures) {
      expect(entry.title).toEqual({ fr: expect.any(String), ar: expect.any(String) });
      expect(entry.documents.length).toBeGreaterThan(0);
      for (const doc of entry.documents) expect(doc.label).toEqual({ fr: expect.stringMatching(/\S/), ar: expect.stringMatching(/[\u0600-\u06FF]/) });
      expect(entry.deadline.words).toEqual({ fr: expect.stringMatching(/\S/), ar: expect.stringMatching(/\S/) });
    }
    const byId = Object.fromEntries(res.body.procedures.map((p: { procedure: { id: string } }) => [p.procedure.id, p]));
    expect(byId['acces-information'].deadline).toEqual(
      expect.objectContaining({ clock: 'answer', counting: 'working_days', words: { fr: '20 jours ouvrables', ar: '20 يوم عمل' }, onSilence: 'decided' }),
    );
    expect(byId['acces-information'].deadline.extension).toEqual({ words: { fr: '20 jours ouvrables', ar: '20 يوم عمل' }, max: 1 });
    expect(byId['permis-construire'].deadline.words).toEqual({ fr: '2 mois', ar: 'شهران' });
    expect(byId['legalisation-signature'].deadline.sameDay).toBe(true);
    expect(byId['legalisation-signature'].fees).toEqual([expect.objectContaining({ currency: 'MAD', unconfirmed: true })]);
  });

  it('should name a procedure published without a catalogue, and refuse a query string with a problem', async () => {
    const bare = compileYaml(`
id: sans-catalogue
version: 1
title: { fr: Sans catalogue, ar: بدون لائحة }
legalBasis: [{ law: Test }]
initial: done
states:
  done: { kind: final, label: { fr: Fait, ar: تم }, outcome: closed }
`);
    await publishProcedure(h.t.db, bare, 'id: sans-catalogue', 'system');
    const res = await request(h.app).get('/api/v1/catalogue');
    expect(res.body.undeclared).toEqual(['sans-catalogue']);
    for (const query of ['lang=fr', 'procedure[$ne]=x', `q=${'x'.repeat(5000)}`]) {
      const bad = await request(h.app).get(`/api/v1/catalogue?${query}`);
      expect([query, bad.status]).toEqual([query, 400]);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });
});

describe("bureau d'ordre registration over HTTP", () => {
  it('should answer a filing with its gapless number in the unit register, and show it on the case', async () => {
    const token = await h.token('applicant');
    // Each letter is a document the filer uploaded (POST /api/v1/documents), as the store requires.
    const file = async (direction: string, document?: string) =>
      request(h.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({
          procedure: 'bureau-ordre',
          unit: TANGER,
          data: { direction, correspondent: 'Amina Benali', subject: 'Alignement', document: document ?? (await recordUpload(h.t.db, CALLERS.applicant.sub)) },
        });
    const first = await file('incoming');
    const second = await file('incoming');
    const outgoing = await file('outgoing');
    expect([first.status, second.status, outgoing.status]).toEqual([201, 201, 201]);
    const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Casablanca', year: 'numeric' }).format(new Date()));
    expect(first.body.registration).toEqual({ register: 'incoming', year, number: 1, label: `${year}/000001` });
    expect(second.body.registration).toEqual(expect.objectContaining({ register: 'incoming', number: 2 }));
    expect(outgoing.body.registration).toEqual(expect.objectContaining({ register: 'outgoing', number: 1 }));
    const read = await request(h.app).get(`/api/v1/cases/${second.body.caseId}`).set('Authorization', `Bearer ${token}`);
    expect(read.body.registration).toEqual(second.body.registration);
    // A bad direction, a file name instead of an upload's id, or another caller's upload is refused
    // before any number is taken.
    const bad = await file('sideways');
    expect(bad.status).toBe(422);
    const notAnUpload = await file('incoming', 'lettre.pdf');
    expect([notAnUpload.status, notAnUpload.body.errors?.[0]?.path]).toEqual([422, 'data.document']);
    const someoneElses = await file('incoming', await recordUpload(h.t.db, CALLERS.otherApplicant.sub));
    expect(someoneElses.status).toBe(422);
    expect((await file('incoming')).body.registration.number).toBe(3);
  });
});
