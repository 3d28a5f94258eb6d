/** `masar deadline` run as a user runs it: a child process of bin/masar.js. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

function masar(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin/masar.js'), 'deadline', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('masar deadline', () => {
  it('should print exactly one JSON line with the due instant, date and skipped days', () => {
    const { code, stdout } = masar('--from', '2025-03-27T12:00:00+00:00', '--duration', '5 working days', '--json');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0] ?? '');
    expect(Object.keys(parsed)).toEqual(['due', 'dueDate', 'skipped']);
    expect(parsed.due).toBe('2025-04-07T22:59:59.999Z');
    expect(parsed.dueDate).toBe('2025-04-07');
    expect(parsed.skipped.map((s: { date: string }) => s.date)).toEqual(['2025-03-29', '2025-03-30', '2025-03-31', '2025-04-01', '2025-04-05', '2025-04-06']);
    expect(parsed.skipped[2].reason).toEqual(expect.objectContaining({ kind: 'holiday', holiday: 'eid_al_fitr', status: 'official' }));
  });

  it('should print the due date and each skipped day with its reason for a person', () => {
    const { code, stdout } = masar('--from', '2025-06-05T10:00:00+01:00', '--duration', '2 working days');
    expect(code).toBe(0);
    expect(stdout).toContain('due:      2025-06-10T22:59:59.999Z');
    expect(stdout).toContain('local:    2025-06-10 23:59:59.999 (+01:00 Africa/Casablanca)');
    expect(stdout).toContain('due date: 2025-06-10 (tuesday)');
    expect(stdout).toContain('2025-06-07 saturday  Aïd al-Adha / عيد الأضحى, day 1 of 2 [official]');
    expect(stdout).toContain('2025-06-09 monday    exceptional closure: ');
  });

  it('should add each --extend from the due date before it', () => {
    const { code, stdout } = masar('--from', '2025-01-06T10:00:00+01:00', '--duration', '20 working days', '--extend', '20 working days', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).dueDate).toBe('2025-03-04');
  });

  it('should count working days when --counting says so', () => {
    const { stdout } = masar('--from', '2025-10-06T10:00:00+01:00', '--duration', 'P20D', '--counting', 'working_days', '--json');
    expect(JSON.parse(stdout).dueDate).toBe('2025-11-03');
  });

  it('should use a calendar file given by path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'masar-cli-'));
    try {
      const shipped = readFileSync(join(root, 'definitions/calendars/ma-administration.yaml'), 'utf8');
      const path = join(dir, 'ma-administration.yaml');
      writeFileSync(path, shipped.replace('closures:\n', 'closures:\n  - date: 2025-10-13\n    name: { fr: Test, ar: اختبار }\n'));
      const { code, stdout } = masar('--from', '2025-10-10T10:00:00+01:00', '--duration', '1 working day', '--calendar', path, '--json');
      expect(code).toBe(0);
      expect(JSON.parse(stdout).dueDate).toBe('2025-10-14');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--duration', '20 working days'], '--from is required'],
    [['--from', '2025-10-10', '--duration', '1 day'], '--from "2025-10-10": not an ISO 8601 instant with a zone'],
    [['--from', '2025-10-10T10:00:00Z', '--duration', '20 workdays'], 'duration "20 workdays": not understood'],
    [['--from', '2025-10-10T10:00:00Z', '--duration', 'PT30S', '--counting', 'working_days'], 'cannot be counted in working days'],
    [['--from', '2025-10-10T10:00:00Z', '--duration', '1 day', '--calendar', 'ma-nowhere'], 'ma-nowhere.yaml: cannot read calendar file (ENOENT)'],
    [['--from', '2025-10-10T10:00:00Z', '--duration', '1 day', '--bogus'], 'masar deadline: unknown option "--bogus"'],
  ])('should exit 2 with a clear message for %j', (args, message) => {
    const { code, stdout, stderr } = masar(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });
});
