/** Loading files and directories: all errors of all files, and one id+version defined twice. */
import path from 'node:path';
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureDirectory, loadProcedureFile, loadProcedureFiles } from '../../../definitions/load';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'definitions');
const rel = (file: string): string => path.relative(FIXTURES, file);

describe('loadProcedureDirectory', () => {
  it('should load every valid procedure of a directory, sorted by file name', async () => {
    const loaded = await loadProcedureDirectory(path.join(FIXTURES, 'good'));
    expect(loaded.errors).toEqual([]);
    expect(loaded.ok).toBe(true);
    expect(loaded.procedures.map((p) => `${p.id}@${p.version}`)).toEqual(['minimal@1', 'with-waiting@2']);
  });

  it('should report the same id and version in two files, at the second, naming the first', async () => {
    const loaded = await loadProcedureDirectory(path.join(FIXTURES, 'duplicate-id'));
    expect(loaded.ok).toBe(false);
    expect(loaded.errors.map((e) => formatDefinitionError({ ...e, file: rel(e.file) }))).toEqual([
      `duplicate-id/second.yaml:2:5: id: procedure "same-id" version 1 is already defined in ${path.join(FIXTURES, 'duplicate-id', 'first.yaml')}:2:5 (bump version, or rename the id)`,
    ]);
    // A new version of the same id is a different procedure.
    expect(loaded.procedures.map((p) => p.version)).toEqual([1, 1, 2]);
  });

  it('should return every error of every file, in the order the files were given', async () => {
    const loaded = await loadProcedureFiles([
      { path: path.join(FIXTURES, 'broken', 'unreachable-state.yaml'), file: 'a.yaml' },
      { path: path.join(FIXTURES, 'good', 'minimal.yaml'), file: 'b.yaml' },
      { path: path.join(FIXTURES, 'broken', 'automatic-outcomes.yaml'), file: 'c.yaml' },
    ]);
    expect(loaded.errors.map((e) => `${e.file}:${e.line}`)).toEqual(['a.yaml:17', 'a.yaml:30', 'c.yaml:12', 'c.yaml:12']);
    expect(loaded.procedures.map((p) => p.id)).toEqual(['minimal']);
  });
});

describe('loadProcedureFile', () => {
  it('should say when the file does not exist', async () => {
    const loaded = await loadProcedureFile(path.join(FIXTURES, 'missing.yaml'), {}, 'missing.yaml');
    expect(loaded).toEqual({
      ok: false,
      file: 'missing.yaml',
      errors: [{ file: 'missing.yaml', line: 1, column: 1, path: '', message: 'file not found' }],
    });
  });

  it('should name the file in errors as the caller gave it', async () => {
    const file = path.join(FIXTURES, 'broken', 'yaml-syntax.yaml');
    const loaded = await loadProcedureFile(file);
    expect(loaded.ok ? [] : loaded.errors.map((e) => e.file)).toEqual([file]);
  });
});
