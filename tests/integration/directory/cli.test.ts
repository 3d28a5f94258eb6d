import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDirectory } from '../../../db/directory';
import { createTestDb, type TestDb } from '../../support/db';

const ROOT = path.join(__dirname, '..', '..', '..');
const PROVINCES = path.join(ROOT, 'tests', 'fixtures', 'directory', 'provinces.csv');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `masar` as a user would, in a child process. */
function masar(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin', 'masar.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let testDb: TestDb;
let dir: string;

beforeAll(async () => {
  testDb = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'masar-directory-'));
});

afterAll(async () => {
  await testDb.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('masar directory', () => {
  it('should seed the directory and say so', async () => {
    const run = await masar(['directory', 'seed'], { DATABASE_URL: testDb.url });
    expect(run).toEqual({ code: 0, stdout: 'directory seed: units 116 added, 0 updated, 1 unchanged; 14 demo members\n', stderr: '' });
    expect(await createDirectory(testDb.db).caseUnit('01.511.01.01')).toMatchObject({ province: '01.511', region: '01' });
  });

  it('should import an unchanged reference file and exit 0', async () => {
    const run = await masar(['directory', 'import', PROVINCES], { DATABASE_URL: testDb.url });
    expect(run.stdout).toBe(`directory import ${PROVINCES}: 0 added, 0 updated, 5 unchanged, 0 rejected\n`);
    expect(run.code).toBe(0);
  });

  it('should print every rejected line with its reasons and exit 1, writing nothing on a dry run', async () => {
    const file = path.join(dir, 'communes.csv');
    writeFileSync(
      file,
      ['code,name_fr,name_ar,province_code', '01.511.04.01,"Sebt, Zinate",سبت الزينات,01.511', '01.511.04.02,Sans arabe,,01.999'].join('\n'),
    );
    const run = await masar(['directory', 'import', file, '--dry-run'], { DATABASE_URL: testDb.url });
    expect(run.stdout.split('\n')).toEqual([
      `directory import ${file} (dry run, nothing written): 1 added, 0 updated, 0 unchanged, 1 rejected`,
      `${file}:3: 01.511.04.02: name_ar: missing (fill the Arabic name, in Arabic script)`,
      '',
    ]);
    expect(run.code).toBe(1);
    expect(await createDirectory(testDb.db).getUnit('01.511.04.01')).toBeUndefined();
  });

  it('should name the missing setting when DATABASE_URL is not a postgres URL', async () => {
    const run = await masar(['directory', 'seed'], { DATABASE_URL: 'mysql://localhost/masar' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('masar directory: DATABASE_URL must be a postgres:// URL');
  });

  it('should name the file and the missing columns of a bad header', async () => {
    const file = path.join(dir, 'bad-header.csv');
    writeFileSync(file, 'code,nom\n01,Tanger\n');
    const run = await masar(['directory', 'import', file], { DATABASE_URL: testDb.url });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `masar directory import: ${file}:1: header lacks column "name_fr" and "name_ar" (found code,nom; see docs/directory.md for the accepted columns)\n`,
    );
  });
});
