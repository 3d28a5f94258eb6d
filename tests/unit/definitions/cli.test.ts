/** `masar validate` and `masar compile` as a user runs them: a child process, its output and exit code. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { SHIPPED_TEMPLATE_NAMES, shippedTemplateNames } from '../../../cli/commands/validate';

const ROOT = path.join(__dirname, '..', '..', '..');

function masar(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin', 'masar.js'), ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe('masar validate', () => {
  it('should exit 0 and count the valid procedures of files and directories', async () => {
    const run = await masar('validate', 'tests/fixtures/definitions/good', 'definitions/procedures/reclamation.yaml');
    // A warning (P2M is above law 55-19's 60 days and the fixture cites no basis) does not fail the check.
    expect(run).toEqual({
      code: 0,
      stdout: 'ok: 3 procedures valid\n',
      stderr: expect.stringMatching(/^warning: tests\/fixtures\/definitions\/good\/with-waiting\.yaml:49:15: clocks\.decision\.duration: .*60-day ceiling of law 55-19.*\n$/),
    });
  });

  it('should print every error of every file with a summary and exit 1', async () => {
    const run = await masar(
      'validate',
      'tests/fixtures/definitions/broken/unknown-state.yaml',
      'tests/fixtures/definitions/good/minimal.yaml',
      'tests/fixtures/definitions/broken/final-without-outcome.yaml',
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[1]).toBe(
      'tests/fixtures/definitions/broken/unknown-state.yaml:16:13: states.review.actions.approve.to: unknown state "aproved" (did you mean "approved"?)',
    );
    expect(lines[7]).toBe(
      'tests/fixtures/definitions/broken/final-without-outcome.yaml:21:3: states.refused: final state "refused" has no outcome (add outcome: refused)',
    );
    expect(lines[9]).toBe('9 errors in 2 files');
  });

  it('should report an id and version defined twice across files', async () => {
    const run = await masar('validate', 'tests/fixtures/definitions/duplicate-id');
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'tests/fixtures/definitions/duplicate-id/second.yaml:2:5: id: procedure "same-id" version 1 is already defined in ' +
        'tests/fixtures/definitions/duplicate-id/first.yaml:2:5 (bump version, or rename the id)\n1 error in 1 file\n',
    });
  });

  it('should exit 2 with the usage when given nothing to validate', async () => {
    const run = await masar('validate');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('masar validate: name at least one file or directory');
    expect(run.stderr).toContain('usage: masar validate <file-or-directory>...');
  });
});

describe('masar compile', () => {
  it('should print the compiled procedure as JSON', async () => {
    const run = await masar('compile', 'tests/fixtures/definitions/good/minimal.yaml');
    expect(run.code).toBe(0);
    const compiled = JSON.parse(run.stdout) as { id: string; hash: string; machine: { initial: string } };
    expect(compiled).toMatchObject({ id: 'minimal', machine: { initial: 'review' } });
    expect(compiled.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should print the errors and exit 1 for an invalid file', async () => {
    const run = await masar('compile', 'tests/fixtures/definitions/broken/automatic-outcomes.yaml');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n').pop()).toBe('2 errors in tests/fixtures/definitions/broken/automatic-outcomes.yaml');
  });

  it('should write the JSON Schema where --out says', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'masar-schema-'));
    try {
      const out = path.join(dir, 'schema.json');
      const run = await masar('compile', '--json-schema', '--out', out);
      expect(run.code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(path.join(ROOT, 'definitions', 'procedure.schema.json'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('shippedTemplateNames', () => {
  it('should list the template directories, leaving out partials', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'masar-templates-'));
    try {
      for (const name of ['receipt', 'decision', '_partials']) {
        mkdirSync(path.join(root, 'activities', 'notifications', 'templates', name), { recursive: true });
      }
      expect([...shippedTemplateNames(root)].sort()).toEqual(['decision', 'receipt']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('should fall back to the fixed list when there is no templates directory', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'masar-templates-'));
    try {
      expect([...shippedTemplateNames(root)]).toEqual([...SHIPPED_TEMPLATE_NAMES]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
