// Lint: TypeScript rules, plus the workflow sandbox guard: code under workflows/ runs in
// Temporal's deterministic sandbox and must not import Node built-ins, drivers or mailers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sandboxForbidden = [
  { group: ['node:*'], message: 'workflows/ runs in the Temporal sandbox: no Node built-ins (use an activity).' },
  ...['fs', 'path', 'crypto', 'http', 'https', 'net', 'child_process', 'os', 'stream', 'zlib', 'dns', 'tls', 'worker_threads'].map(
    (name) => ({ group: [name], message: `workflows/ runs in the Temporal sandbox: "${name}" is a Node built-in (use an activity).` }),
  ),
  { group: ['pg', 'pg-*'], message: 'workflows/ must not touch the database: use an activity.' },
  { group: ['nodemailer', 'nodemailer/*'], message: 'workflows/ must not send mail: use the notify activity.' },
  { group: ['express', 'handlebars', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'not sandbox-safe: keep it out of workflows/.' },
  { group: ['**/activities/*', '!**/activities/types'], message: 'workflows/ imports activities as types only (activities/types).' },
  { regex: '(^|/)activities(/index)?$', message: 'workflows/ imports activities as types only (activities/types).' },
  { group: ['**/db', '**/db/*', '**/api', '**/api/*', '**/worker', '**/worker/*'], message: 'workflows/ must not import db/, api/ or worker/.' },
  { group: ['**/definitions/calendar-file', '**/definitions/load', '**/definitions/compile'], message: 'these definitions modules read files or use node:crypto: not sandbox-safe.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '.tools/**', 'coverage/**', 'bench/results/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: sandboxForbidden }],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
