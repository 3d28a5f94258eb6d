/**
 * Administrators manage the members of a unit and their roles over HTTP; publishing a procedure
 * warns about roles that no member holds where the procedure needs them.
 */
import request from 'supertest';
import { shippedSource, startHarness, TANGER, type CallerName, type Harness } from './api-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ taskQueue: `members-${Date.now()}` });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const auth = async (who: CallerName) => `Bearer ${await h.token(who)}`;
const KARIM = { id: 'karim.b', name: 'Karim Benali', email: 'karim@tanger.ma', language: 'fr', roles: ['agent', 'information_officer'] };

describe('members of a unit', () => {
  it('should let an administrator add, list, update and remove a member with roles', async () => {
    const admin = await auth('admin');
    const added = await request(h.app).post(`/api/v1/units/${TANGER}/members`).set('Authorization', admin).send(KARIM);
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ ...KARIM, unit: TANGER });
    expect(added.headers.location).toBe(`/api/v1/units/${TANGER}/members/karim.b`);

    const listed = await request(h.app).get(`/api/v1/units/${TANGER}/members`).set('Authorization', admin);
    expect(listed.body.items).toEqual([{ ...KARIM, unit: TANGER }]);

    const updated = await request(h.app)
      .patch(`/api/v1/units/${TANGER}/members/karim.b`)
      .set('Authorization', admin)
      .send({ roles: ['supervisor'], language: 'ar' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual(expect.objectContaining({ roles: ['supervisor'], language: 'ar', email: KARIM.email }));

    const removed = await request(h.app).delete(`/api/v1/units/${TANGER}/members/karim.b`).set('Authorization', admin);
    expect(removed.status).toBe(200);
    expect((await request(h.app).get(`/api/v1/units/${TANGER}/members`).set('Authorization', admin)).body.items).toEqual([]);
    // Removed twice: nothing to remove.
    const again = await request(h.app).delete(`/api/v1/units/${TANGER}/members/karim.b`).set('Authorization', admin);
    expect(again.status).toBe(404);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    // A removed member can be added back.
    expect((await request(h.app).post(`/api/v1/units/${TANGER}/members`).set('Authorization', admin).send(KARIM)).status).toBe(201);
  });

  it.each<CallerName>(['agent', 'supervisorProvince', 'applicant'])('should refuse anyone but an administrator (%s)', async (who) => {
    const res = await request(h.app).post(`/api/v1/units/${TANGER}/members`).set('Authorization', await auth(who)).send({ ...KARIM, id: `x-${who}` });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await request(h.app).get(`/api/v1/units/${TANGER}/members`).set('Authorization', await auth(who))).status).toBe(403);
  });

  it('should refuse a role that is neither built in nor declared by a published procedure, naming the known ones', async () => {
    const res = await request(h.app)
      .post(`/api/v1/units/${TANGER}/members`)
      .set('Authorization', await auth('admin'))
      .send({ ...KARIM, id: 'typo', roles: ['agent', 'information_oficer'] });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'roles[1]' })]);
    expect(res.body.detail).toContain('did you mean "information_officer"');
    expect(res.body.detail).toContain('known roles: admin, agent, commune_president, information_officer, supervisor');
    const roles = await request(h.app).get('/api/v1/roles').set('Authorization', await auth('admin'));
    expect(roles.body.items).toEqual(['admin', 'agent', 'commune_president', 'information_officer', 'supervisor']);
  });

  it('should give the council president role at a commune, and refuse it at a prefecture, naming the unit and its kind', async () => {
    const admin = await auth('admin');
    const president = { id: 'president.tanger', name: 'Président Tanger', email: 'president@tanger.ma', language: 'ar', roles: ['commune_president'] };
    const added = await request(h.app).post(`/api/v1/units/${TANGER}/members`).set('Authorization', admin).send(president);
    expect(added.status).toBe(201);
    for (const [unit, roles, where] of [
      ['01.511', ['commune_president'], 'roles[0]'],
      ['01.511', ['agent', 'commune_president'], 'roles[1]'],
      ['01', ['commune_president'], 'roles[0]'],
    ] as const) {
      const res = await request(h.app).post(`/api/v1/units/${unit}/members`).set('Authorization', admin).send({ ...president, id: `p-${unit}-${roles.length}`, roles });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: where })]);
      expect(res.body.detail).toContain(`role "commune_president" belongs at a commune or arrondissement, and unit ${unit} is a ${unit === '01' ? 'region' : 'province'}`);
    }
    const moved = await request(h.app).patch(`/api/v1/units/${TANGER}/members/president.tanger`).set('Authorization', admin).send({ roles: ['agent'] });
    expect(moved.status).toBe(200);
  });

  it.each([
    ['an e-mail that is no address', { email: 'karim at tanger' }, 'email'],
    ['a language other than fr or ar', { language: 'en' }, 'language'],
    ['no role', { roles: [] }, 'roles'],
    ['a role that is not an identifier', { roles: ['Agent Principal'] }, 'roles.0'],
    ['a NUL in the name', { name: 'Karim\u0000' }, 'name'],
    ['an id with spaces', { id: 'karim b' }, 'id'],
    ['an unknown field', { unit: '01' }, ''],
  ])('should answer 422 naming the field for %s', async (_what, change, path) => {
    const res = await request(h.app)
      .post(`/api/v1/units/${TANGER}/members`)
      .set('Authorization', await auth('admin'))
      .send({ ...KARIM, id: 'bad-input', ...change });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('should answer 404 for an unknown unit and 409 for a member already at another unit', async () => {
    const admin = await auth('admin');
    const unknown = await request(h.app).post('/api/v1/units/99.999.99.99/members').set('Authorization', admin).send({ ...KARIM, id: 'nowhere' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('unit "99.999.99.99" is not in the directory');
    await request(h.app).post(`/api/v1/units/${TANGER}/members`).set('Authorization', admin).send({ ...KARIM, id: 'twice' });
    const twice = await request(h.app).post('/api/v1/units/01.511/members').set('Authorization', admin).send({ ...KARIM, id: 'twice' });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toContain(`already exists at unit ${TANGER}`);
    const elsewhere = await request(h.app).patch('/api/v1/units/01.511/members/twice').set('Authorization', admin).send({ name: 'X' });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.detail).toContain(`it belongs to unit ${TANGER}`);
    const empty = await request(h.app).patch(`/api/v1/units/${TANGER}/members/twice`).set('Authorization', admin).send({});
    expect(empty.status).toBe(422);
  });
});

describe('publishing a procedure', () => {
  it('should warn about roles no member holds where the procedure needs them, and still publish', async () => {
    const admin = await auth('admin');
    const source = shippedSource('permis-construire');
    const published = await request(h.app).post('/api/v1/procedures').set('Authorization', admin).set('Content-Type', 'application/yaml').send(source);
    expect(published.status).toBe(201);
    const warnings = published.body.warnings as { role: string; level: string; missing: number; units: number; examples: string[]; message: string }[];
    const commission = warnings.find((w) => w.role === 'commission_member');
    // Three communes in the harness directory, none with a commission member.
    expect(commission).toEqual(expect.objectContaining({ level: 'unit', missing: 3, units: 3, examples: ['01.511.01.01', '01.511.01.02', '01.521.01.01'] }));
    expect(commission?.message).toContain('masar directory member add');
    // The president decides and the governor's services supervise (issue 15): nobody holds either here.
    expect(warnings.map((w) => w.role)).toEqual(expect.arrayContaining(['commune_president', 'governor_services']));

    // Now that the procedure declares it, the role can be given; the warning shrinks by one unit.
    const added = await request(h.app)
      .post(`/api/v1/units/${TANGER}/members`)
      .set('Authorization', admin)
      .send({ ...KARIM, id: 'commission-1', roles: ['commission_member'] });
    expect(added.status).toBe(201);
    const again = await request(h.app).post('/api/v1/procedures').set('Authorization', admin).set('Content-Type', 'application/yaml').send(source);
    expect(again.status).toBe(200);
    expect(again.body.warnings.find((w: { role: string }) => w.role === 'commission_member')).toEqual(expect.objectContaining({ missing: 2, units: 3 }));
  });
});
