import { createDirectory, type Directory } from '../../../db/directory';
import { seedDirectory } from '../../../db/seed/seed-directory';
import { createTestDb, type TestDb } from '../../support/db';

let testDb: TestDb;
let directory: Directory;

beforeAll(async () => {
  testDb = await createTestDb();
  directory = createDirectory(testDb.db);
  await seedDirectory(testDb.db);
});

afterAll(async () => {
  await testDb.drop();
});

async function countByKind(): Promise<Record<string, number>> {
  const { rows } = await testDb.db.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM units GROUP BY kind');
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

describe('seedDirectory', () => {
  it('should load the ministry, 12 regions, 75 prefectures and provinces, 8 prefectures of arrondissements and demo communes', async () => {
    expect(await countByKind()).toEqual({
      ministry: 1,
      region: 12,
      prefecture: 13,
      province: 62,
      arrondissements_prefecture: 8,
      commune: 14,
      arrondissement: 7,
    });
    expect(await directory.getUnit('DGCT')).toMatchObject({ kind: 'ministry', parentCode: null, active: true });
    expect(await directory.getUnit('01.511')).toMatchObject({
      kind: 'prefecture',
      name: { fr: 'Tanger-Assilah', ar: 'طنجة-أصيلة' },
      parentCode: '01',
    });
  });

  it('should change nothing when run again', async () => {
    const before = await testDb.db.query('SELECT code, updated_at FROM units ORDER BY code');
    const report = await seedDirectory(testDb.db);
    expect(report.units).toEqual({ added: 0, updated: 0, unchanged: 117 });
    const after = await testDb.db.query('SELECT code, updated_at FROM units ORDER BY code');
    expect(after.rows).toEqual(before.rows);
    expect((await testDb.db.query('SELECT id FROM unit_members')).rowCount).toBe(14);
  });
});

describe('caseUnit', () => {
  it('should resolve an arrondissement to the prefecture of its commune, and a Casablanca arrondissement to its prefecture of arrondissements', async () => {
    expect(await directory.caseUnit('01.511.01.11')).toMatchObject({ code: '01.511.01.11', name: { fr: 'Tanger-Médina' }, province: '01.511', region: '01' });
    expect(await directory.caseUnit('06.141.01.02')).toMatchObject({ code: '06.141.01.02', name: { fr: 'Maârif' }, province: '06.141.01.00', region: '06' });
    expect((await directory.getUnit('01.511.01.11'))?.kind).toBe('arrondissement');
  });

  it('should resolve a commune to its province, region and the ministry', async () => {
    expect(await directory.caseUnit('07.041.01.01')).toEqual({
      code: '07.041.01.01',
      name: { fr: 'Tahannaout', ar: 'تحناوت' },
      province: '07.041',
      region: '07',
      ministry: 'DGCT',
    });
  });

  it('should give a prefecture only the levels above it', async () => {
    expect(await directory.caseUnit('01.511')).toEqual({
      code: '01.511',
      name: { fr: 'Tanger-Assilah', ar: 'طنجة-أصيلة' },
      region: '01',
      ministry: 'DGCT',
    });
  });

  it('should refuse an unknown unit, naming it', async () => {
    await expect(directory.caseUnit('01.511.99.99')).rejects.toMatchObject({
      name: 'UnitLookupError',
      reason: 'not_found',
      message: expect.stringContaining('unit "01.511.99.99" is not in the directory'),
    });
  });

  it('should refuse an inactive unit unless asked to allow it', async () => {
    await directory.upsertUnits([
      { code: '04.421.02.09', kind: 'commune', name: { fr: 'Ancienne commune', ar: 'جماعة سابقة' }, parentCode: '04.421', active: false },
    ]);
    await expect(directory.caseUnit('04.421.02.09')).rejects.toMatchObject({ reason: 'inactive' });
    await expect(directory.caseUnit('04.421.02.09', { allowInactive: true })).resolves.toMatchObject({ province: '04.421', region: '04' });
  });
});

describe('ancestors and descendants', () => {
  it('should list the ancestors of a commune nearest first', async () => {
    expect((await directory.ancestors('01.511.01.03')).map((u) => u.code)).toEqual(['01.511', '01', 'DGCT']);
  });

  it('should list every unit below a province and a region, parents before children', async () => {
    expect((await directory.descendants('07.041')).map((u) => u.code)).toEqual([
      '07.041.01.01',
      '07.041.01.03',
      '07.041.03.05',
      '07.041.05.07',
    ]);
    const region = (await directory.descendants('07')).map((u) => u.code);
    expect(region.slice(0, 8)).toEqual(['07.041', '07.161', '07.191', '07.211', '07.351', '07.427', '07.431', '07.585']);
    expect(region.slice(8)).toEqual(['07.041.01.01', '07.041.01.03', '07.041.03.05', '07.041.05.07', '07.351.01.01', '07.351.01.03', '07.351.03.05']);
  });

  it('should put every unit but itself below the ministry', async () => {
    const total = (await testDb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM units')).rows[0]?.n;
    expect((await directory.descendants('DGCT')).length).toBe((total ?? 0) - 1);
  });
});

describe('listUnits', () => {
  it('should page through the children of a region in code order', async () => {
    const first = await directory.listUnits({ parent: '01', limit: 5 });
    expect(first.units.map((u) => u.code)).toEqual(['01.051', '01.151', '01.227', '01.331', '01.405']);
    const second = await directory.listUnits({ parent: '01', limit: 5, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) });
    expect(second.units.map((u) => u.code)).toEqual(['01.511', '01.571', '01.573']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('should find units by name without accents, by Arabic name and by kind', async () => {
    expect((await directory.listUnits({ q: 'fes', kind: 'prefecture' })).units.map((u) => u.name.fr)).toEqual(['Fès']);
    expect((await directory.listUnits({ q: 'mdiq' })).units.map((u) => u.code)).toEqual(['01.573']);
    expect((await directory.listUnits({ q: 'افران' })).units.map((u) => u.name.fr)).toEqual(['Ifrane']);
    expect((await directory.listUnits({ kind: 'arrondissements_prefecture', limit: 100 })).units).toHaveLength(8);
  });

  it('should reject a limit outside 1 to 500', async () => {
    await expect(directory.listUnits({ limit: 0 })).rejects.toThrow('limit must be an integer from 1 to 500, got 0');
  });
});

describe('members', () => {
  it('should find the commune agent by any of their roles', async () => {
    const officers = await directory.members('01.511.01.01', 'urbanism_officer');
    expect(officers).toEqual([
      {
        id: 'demo-tanger-agent',
        name: 'Karim Benali',
        email: 'agent.tanger@masar.local',
        language: 'fr',
        roles: ['agent', 'information_officer', 'urbanism_officer', 'complaints_officer', 'civil_status_officer', 'legalisation_officer', 'mail_clerk', 'service_head'],
        unit: '01.511.01.01',
      },
    ]);
    expect(await directory.members('01.511.01.01', 'supervisor')).toEqual([]);
  });

  it('should give the supervisors at each level of an escalation', async () => {
    const chain = await directory.caseUnit('01.511.01.01');
    const supervisors = await Promise.all(
      [chain.province, chain.region, chain.ministry].map(async (code) => (await directory.supervisors(code ?? '')).map((m) => m.email)),
    );
    expect(supervisors).toEqual([
      ['supervision.tanger-assilah@masar.local'],
      ['supervision.region01@masar.local'],
      ['supervision.dgct@masar.local'],
    ]);
    expect((await directory.members('07.041', 'governor_services')).map((m) => m.language)).toEqual(['ar']);
  });

  it('should update a member by id and hide a deactivated one', async () => {
    const member = { id: 'test-asni-agent', unitCode: '07.041.03.05', name: 'Amina Lahlou', email: 'agent.asni@masar.local', language: 'ar' as const, roles: ['agent'] };
    await directory.upsertMember(member);
    await directory.upsertMember({ ...member, roles: ['agent', 'complaints_officer'] });
    expect((await directory.members('07.041.03.05', 'complaints_officer')).map((m) => m.id)).toEqual(['test-asni-agent']);
    await directory.upsertMember({ ...member, active: false });
    expect(await directory.members('07.041.03.05')).toEqual([]);
  });

  it('should refuse a member of an unknown unit, naming the unit', async () => {
    await expect(
      directory.upsertMember({ id: 'x', unitCode: '09.999', name: 'X', email: 'x@masar.local', language: 'fr', roles: [] }),
    ).rejects.toThrow('upsertMember: member "x": unit "09.999" is not in the directory (import the unit first)');
  });
});
