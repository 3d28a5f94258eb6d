/**
 * Lints a snippet as if it were a file of the project, with the project's own configuration (as
 * `npm run lint` does): for tests that keep lint rules honest.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** The messages of `no-restricted-imports` for `code` linted as `file` (relative to the root). */
export function restrictedImports(file: string, code: string): string[] {
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', file, '--format', 'json'],
    { cwd: ROOT, input: code, encoding: 'utf8' },
  );
  const results = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return (results[0]?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}
