/**
 * The workflow sandbox guard: the lint configuration refuses, in workflows/, the imports that
 * would break determinism or the bundle (Node built-ins, the database driver, the mailer).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Lints `code` as if it were `file`, with the project's own configuration (as `npm run lint` does). */
async function lintAs(file: string, code: string): Promise<string[]> {
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', file, '--format', 'json'],
    { cwd: ROOT, input: code, encoding: 'utf8' },
  );
  const results = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return (results[0]?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('workflow sandbox lint', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';", 'no Node built-ins'],
    ["import fs from 'fs';", '"fs" is a Node built-in'],
    ["import { Pool } from 'pg';", 'must not touch the database'],
    ["import nodemailer from 'nodemailer';", 'must not send mail'],
    ["import { createActivities } from '../activities';", 'activities as types only'],
    ["import { createDb } from '../db/pool';", 'must not import db/'],
  ])('should refuse `%s` in workflows/', async (code, message) => {
    const messages = await lintAs('workflows/example.ts', `${code}\nexport const x = 1;\n`);
    expect(messages.join('\n')).toContain(message);
  });

  it('should allow the same imports outside workflows/', async () => {
    expect(await lintAs('activities/example.ts', "import { Pool } from 'pg';\nexport const x = Pool;\n")).toEqual([]);
  });

  it('should allow the sandbox-safe imports the workflow uses', async () => {
    const code = "import type { MasarActivities } from '../activities/types';\nimport { proxyActivities } from '@temporalio/workflow';\nexport const a = proxyActivities<MasarActivities>({ startToCloseTimeout: '1s' });\n";
    expect(await lintAs('workflows/example.ts', code)).toEqual([]);
  });
});
