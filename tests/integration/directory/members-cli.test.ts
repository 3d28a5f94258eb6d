/**
 * `masar directory member ...` and the members CSV import, run as a user runs them (a child
 * process on a real database): roles are checked against the built-in ones and those of
 * published procedures, every refusal says why, and a bad CSV row does not stop the others.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDirectory } from '../../../db/directory';
import { publishProcedure } from '../../../db/procedures';
import { createTestDb, type TestDb } from '../../support/db';
import { shippedProcedure } from '../../support/procedures';

const ROOT = path.join(__dirname, '..', '..', '..');
const TANGER = '01.511.01.01';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function masar(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin', 'masar.js'), ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: testDb.url } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

let testDb: TestDb;
let dir: string;

beforeAll(async () => {
  testDb = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'masar-members-'));
  expect((await masar(['directory', 'seed'])).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await testDb.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('masar directory member', () => {
  it("should refuse a procedure's role until the procedure is published, then add the member with it", async () => {
    const args = ['directory', 'member', 'add', TANGER, 'salma.t', '--name', 'Salma Tazi', '--email', 'salma@tanger.ma', '--language', 'ar', '--role', 'agent', '--role', 'commission_member'];
    const before = await masar(args);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('masar directory member add: roles[1]: role "commission_member" is neither built in nor declared by a published procedure');
    const source = 'permis-construire';
    await publishProcedure(testDb.db, shippedProcedure(source), '# test', 'test');
    const after = await masar(args);
    expect(after).toEqual({ code: 0, stdout: 'salma.t\tSalma Tazi\tsalma@tanger.ma\tar\tagent,commission_member\n', stderr: '' });
    expect((await createDirectory(testDb.db).members(TANGER, 'commission_member')).map((m) => m.id)).toContain('salma.t');

    const listed = await masar(['directory', 'member', 'list', TANGER]);
    expect(listed.stdout).toContain('salma.t\tSalma Tazi');
    expect(listed.stdout).toContain('demo-tanger-agent\tKarim Benali');

    const updated = await masar(['directory', 'member', 'update', TANGER, 'salma.t', '--role', 'supervisor']);
    expect(updated.stdout).toBe('salma.t\tSalma Tazi\tsalma@tanger.ma\tar\tsupervisor\n');
    const removed = await masar(['directory', 'member', 'remove', TANGER, 'salma.t']);
    expect(removed).toEqual({ code: 0, stdout: `removed salma.t (Salma Tazi) from unit ${TANGER}\n`, stderr: '' });
    expect(await createDirectory(testDb.db).member('salma.t')).toBeUndefined();
  }, 60_000);

  it.each([
    [['add', TANGER, 'x1', '--name', 'X', '--email', 'not-an-address', '--language', 'fr', '--role', 'agent'], 1, 'email: email is not an e-mail address'],
    [['add', TANGER, 'x1', '--name', 'X', '--email', 'x@y.ma', '--language', 'en', '--role', 'agent'], 1, 'language: language must be "fr" or "ar"'],
    [['add', '99.999.99.99', 'x1', '--name', 'X', '--email', 'x@y.ma', '--language', 'fr', '--role', 'agent'], 1, 'unit "99.999.99.99" is not in the directory'],
    [['remove', TANGER, 'nobody'], 1, `no active member "nobody" at unit ${TANGER}`],
    [['add', TANGER, 'x1', '--colour', 'red'], 2, 'unknown option "--colour"'],
    [['rename', TANGER], 2, 'unknown member sub-command "rename"'],
  ])('should refuse %j, saying why', async (args, code, message) => {
    const run = await masar(['directory', 'member', ...args]);
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 30_000);

  it('should import members with roles from a CSV file, reporting each bad line and keeping the good ones', async () => {
    const file = path.join(dir, 'members.csv');
    writeFileSync(
      file,
      [
        'id,unit,name,email,language,roles',
        `amal.k,${TANGER},Amal Kettani,amal@tanger.ma,fr,agent;commission_member`,
        `bad.role,${TANGER},Bad Role,bad@tanger.ma,fr,agent;chef`,
        `nowhere,99.999.99.99,Nowhere,nowhere@x.ma,ar,agent`,
        `amal.k,${TANGER},Amal again,amal2@tanger.ma,fr,agent`,
        `sup.p,01.511,"Benjelloun, Omar",omar@tanger.ma,ar,supervisor`,
      ].join('\n'),
    );
    const run = await masar(['directory', 'import', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`directory import ${file}: 2 added, 0 updated, 0 unchanged, 3 rejected`);
    expect(run.stdout).toContain(`${file}:3: bad.role: roles: role "chef" is neither built in nor declared by a published procedure`);
    expect(run.stdout).toContain(`${file}:4: nowhere: unit: "99.999.99.99" is not in the directory`);
    expect(run.stdout).toContain(`${file}:5: amal.k: id: "amal.k" already appears on line 2`);
    expect((await createDirectory(testDb.db).member('sup.p'))?.name).toBe('Benjelloun, Omar');
    const again = await masar(['directory', 'import', file]);
    expect(again.stdout).toContain('0 added, 0 updated, 2 unchanged, 3 rejected');
  }, 60_000);
});
