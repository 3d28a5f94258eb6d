import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDirectory } from '../../../db/directory';
import { importUnitsCsv } from '../../../db/directory-import';
import { createTestDb, type TestDb } from '../../support/db';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'directory');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

let testDb: TestDb;

beforeAll(async () => {
  testDb = await createTestDb();
});

afterAll(async () => {
  await testDb.drop();
});

const codes = async (): Promise<string[]> =>
  (await testDb.db.query<{ code: string }>('SELECT code FROM units ORDER BY code')).rows.map((r) => r.code);

describe('importUnitsCsv', () => {
  it('should write nothing on a dry run but report what it would do', async () => {
    const report = await importUnitsCsv(testDb.db, fixture('regions.csv'), { dryRun: true });
    expect(report).toEqual({ added: 3, updated: 0, unchanged: 0, rejected: [] });
    expect(await codes()).toEqual(['DGCT']);
  });

  it('should add the regions and the prefectures and provinces of the HCP reference files', async () => {
    expect(await importUnitsCsv(testDb.db, fixture('regions.csv'))).toEqual({ added: 3, updated: 0, unchanged: 0, rejected: [] });
    expect(await importUnitsCsv(testDb.db, fixture('provinces.csv'))).toEqual({ added: 5, updated: 0, unchanged: 0, rejected: [] });
    expect(await codes()).toEqual(['01', '01.511', '01.573', '06', '06.141', '06.141.01.00', '07', '07.041', 'DGCT']);
    const directory = createDirectory(testDb.db);
    expect(await directory.getUnit('06.141.01.00')).toMatchObject({
      kind: 'arrondissements_prefecture',
      name: { fr: 'Casablanca-Anfa', ar: 'الدار البيضاء-أنفا' },
      parentCode: '06',
    });
    expect(await directory.getUnit('01.573')).toMatchObject({ kind: 'prefecture', name: { fr: "M'diq-Fnideq" } });
  });

  it('should update a renamed unit and leave the identical ones alone', async () => {
    const renamed = fixture('provinces.csv').replace('Al Haouz,الحوز', 'Al-Haouz,إقليم الحوز');
    expect(await importUnitsCsv(testDb.db, renamed)).toEqual({ added: 0, updated: 1, unchanged: 4, rejected: [] });
    expect((await createDirectory(testDb.db).getUnit('07.041'))?.name).toEqual({ fr: 'Al-Haouz', ar: 'إقليم الحوز' });
  });

  it('should import communes that name their province, with parents listed after children', async () => {
    const csv = [
      'code,name_fr,name_ar,province_code',
      '07.041.01.11,Tahannaout,تحناوت,07.041',
      '"01.511.01.11","Dar Chaoui, centre","دار الشاوي",01.511',
    ].join('\n');
    expect(await importUnitsCsv(testDb.db, csv)).toEqual({ added: 2, updated: 0, unchanged: 0, rejected: [] });
    expect(await createDirectory(testDb.db).caseUnit('01.511.01.11')).toEqual({
      code: '01.511.01.11',
      name: { fr: 'Dar Chaoui, centre', ar: 'دار الشاوي' },
      province: '01.511',
      region: '01',
      ministry: 'DGCT',
    });
  });

  it('should report each broken row with its line and reasons and import the others', async () => {
    const csv = [
      '# Demo: a broken communes file',
      'code,name_fr,name_ar,type,parent_code',
      '01.511.02.01,"Sebt, Zinate",سبت الزينات,commune,01.511',
      '01.511.02.02,Ghost,شبح,commune,01.999',
      '1.511.02.03,Bad code,رمز,commune,01.511',
      '01.511.02.04,Sans arabe,,commune,01.511',
      '01.511.02.05,Dar Chaoui, centre,دار الشاوي,commune,01.511',
      '07.041.02.06,Misplaced,خطأ,commune,01.511',
      '01.511.02.07,Under a commune,تحت,commune,01.511.01.11',
      '01.511.02.08,Typo,خطأ مطبعي,communne,01.511',
      '01.511.02.01,Twice,مرتين,commune,01.511',
    ].join('\n');
    const report = await importUnitsCsv(testDb.db, csv);
    expect(report).toEqual({
      added: 1,
      updated: 0,
      unchanged: 0,
      rejected: [
        { line: 4, code: '01.511.02.02', errors: ['parent_code: unknown parent "01.999", neither in the directory nor in this file (import the parent first or fix the code)'] },
        { line: 5, code: '1.511.02.03', errors: ['code: "1.511.02.03" is not a commune code (expected the form 01.511.01.03)'] },
        { line: 6, code: '01.511.02.04', errors: ['name_ar: missing (fill the Arabic name, in Arabic script)'] },
        { line: 7, code: '01.511.02.05', errors: ['has 6 fields, the header has 5 (quote a field that contains a comma: "Tanger, Asilah")'] },
        { line: 8, code: '07.041.02.06', errors: ['code: "07.041.02.06" does not start with "01.511." as every unit below 01.511 does (fix the code or the parent)'] },
        { line: 9, code: '01.511.02.07', errors: ['parent_code: "01.511.01.11" is a commune; a commune belongs to a province, prefecture or arrondissements_prefecture'] },
        { line: 10, code: '01.511.02.08', errors: ['type: unknown type "communne" (did you mean "commune"?; use region, province, prefecture, prefecture_of_arrondissements, commune, arrondissement, pachalik, caidat or annexe)'] },
        { line: 11, code: '01.511.02.01', errors: ['code: "01.511.02.01" already appears on line 3 (keep one row per unit)'] },
      ],
    });
    expect((await createDirectory(testDb.db).getUnit('01.511.02.01'))?.name.fr).toBe('Sebt, Zinate');
    expect(await createDirectory(testDb.db).getUnit('01.511.02.02')).toBeUndefined();
  });

  it('should reject a child whose parent row is rejected in the same file', async () => {
    const csv = ['code,name_fr,name_ar,type,parent_code', '07.999,Nouvelle,,province,07', '07.999.01.01,Enfant,طفل,commune,07.999'].join('\n');
    expect((await importUnitsCsv(testDb.db, csv)).rejected).toEqual([
      { line: 2, code: '07.999', errors: ['name_ar: missing (fill the Arabic name, in Arabic script)'] },
      { line: 3, code: '07.999.01.01', errors: ['parent_code: parent "07.999" is rejected on line 2 (fix that row first)'] },
    ]);
  });

  it('should reject Arabic names that were not read as UTF-8', async () => {
    const mojibake = Buffer.from('تحناوت', 'utf8').toString('latin1');
    const csv = ['code,name_fr,name_ar,province_code', `07.041.09.01,Tahannaout,${mojibake},07.041`, '07.041.09.02,Asni,\uFFFD\uFFFD,07.041'].join('\n');
    expect((await importUnitsCsv(testDb.db, csv)).rejected).toEqual([
      { line: 2, code: '07.041.09.01', errors: [`name_ar: "${mojibake}" has no Arabic letter (write the name in Arabic script, save the file as UTF-8)`] },
      {
        line: 3,
        code: '07.041.09.02',
        errors: [
          'name_ar: "\uFFFD\uFFFD" has no Arabic letter (write the name in Arabic script, save the file as UTF-8)',
          'name_ar: not valid UTF-8 (save the file as UTF-8)',
        ],
      },
    ]);
  });

  it('should retire a unit imported with active set to false', async () => {
    const csv = ['code,name_fr,name_ar,province_code,active', '07.041.01.11,Tahannaout,تحناوت,07.041,false'].join('\n');
    expect(await importUnitsCsv(testDb.db, csv)).toEqual({ added: 0, updated: 1, unchanged: 0, rejected: [] });
    expect((await createDirectory(testDb.db).getUnit('07.041.01.11'))?.active).toBe(false);
  });

  it('should refuse a file whose header lacks a required column', async () => {
    await expect(importUnitsCsv(testDb.db, 'code,name\n01,Tanger')).rejects.toThrow(
      'header lacks column "name_fr" and "name_ar" (found code,name; see docs/directory.md for the accepted columns)',
    );
  });
});
