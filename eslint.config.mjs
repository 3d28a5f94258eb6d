// Lint: TypeScript rules, plus the workflow sandbox guard: code under workflows/ runs in
// Temporal's deterministic sandbox and must not import Node built-ins, drivers or mailers; and the
// layers of DESIGN.md: definitions/ imports nothing else of Masar; workflows/messages.ts is the
// contract every layer may import; db/ imports only definitions/ and the contract; use cases import
// db/, definitions/ and the contract; nothing imports api/, worker/ or console/ except the entry
// points (cli/, scripts/, bench/, tests/), which compose the processes. `npm run cycles` (madge)
// keeps the import graph free of cycles.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Patterns matching an import of a top-level folder of Masar (`../db`, `../../db/pool`...). */
const folder = (name) => [`**/${name}`, `**/${name}/**`];

/** A `no-restricted-imports` pattern refusing the given folders, naming the layer and the fix. */
const refuse = (names, message) => ({ group: names.flatMap(folder), message });

/** workflows/ but its contract (`workflows/messages`); a folder pattern would forbid re-including it. */
const workflowsButContract = (layer) => {
  const message = `${layer} imports only the contract of workflows/ (workflows/messages), never workflow code.`;
  return [
    { group: ['**/workflows/*', '!**/workflows/messages'], message },
    { regex: '(^|/)workflows(/index)?$', message },
  ];
};

const transports = ['api', 'worker', 'console', 'cli', 'scripts', 'bench', 'tests'];

const layers = {
  definitions: [
    refuse(
      ['workflows', 'activities', 'db', 'usecases', 'config', ...transports],
      'definitions/ is the procedure language: it imports nothing else of Masar (pass what it needs as arguments).',
    ),
  ],
  db: [
    refuse(['activities', 'usecases', 'config', ...transports], 'db/ imports only definitions/ and the contract (workflows/messages).'),
    ...workflowsButContract('db/'),
  ],
  usecases: [
    refuse(['activities', 'config', ...transports], 'usecases/ imports db/, definitions/ and the contract (workflows/messages); transports call it, not the reverse.'),
    ...workflowsButContract('usecases/'),
  ],
  activities: [
    refuse(['usecases', 'config', ...transports], 'activities/ are side effects of the engine: they import db/, definitions/ and the contract, never a transport.'),
    ...workflowsButContract('activities/'),
  ],
  api: [
    refuse(['worker', 'console', 'cli', 'scripts', 'bench', 'tests'], 'api/ is a transport: it calls use cases; it never imports another transport or the worker.'),
    ...workflowsButContract('api/'),
  ],
  config: [
    refuse(['definitions', 'activities', 'usecases', ...transports], 'config/ parses the environment: it imports nothing of Masar but the contract and the journal keys\' settings.'),
    // The journal keys' settings live beside the keyring that reads them (db/journal-keys).
    { group: ['**/db/*', '!**/db/journal-keys'], message: 'config/ parses the environment: of db/ it imports only the journal keys\' settings.' },
    ...workflowsButContract('config/'),
  ],
  // The document store, rendering and sealing: below the use cases, beside the activities (both use it).
  documents: [
    refuse(['usecases', ...transports], 'documents/ stores, renders and seals: it imports db/, definitions/, config/ and pure workflow helpers; use cases and activities call it.'),
  ],
  worker: [refuse(['api', 'console', 'usecases', 'cli', 'scripts', 'bench', 'tests'], 'worker/ runs the engine: it never imports a transport or the use cases.')],
  console: [
    refuse(['activities', 'worker', 'cli', 'scripts', 'bench', 'tests'], 'console/ is a transport: it calls use cases, never the engine\'s side effects or another entry point.'),
    // The same rules as the API: the console reaches the read model and Temporal only through use cases.
    { ...refuse(['db'], 'console/ never reaches the database but through use cases (types are fine: `import type`).'), allowTypeImports: true },
    // The API's HTTP plumbing it shares (the input guard, the app's dependency types); never its routes.
    { group: ['**/api/*', '!**/api/input-guard', '!**/api/context'], message: 'console/ shares only api/input-guard and api/context with the API, never its routes.' },
    ...workflowsButContract('console/'),
  ],
};

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
  refuse(['usecases', 'config', 'console', 'cli', 'scripts', 'bench', 'tests'], 'workflows/ imports only sandbox-safe definitions/ code and activity types.'),
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
  ...Object.entries(layers).map(([layer, patterns]) => ({
    files: [`${layer}/**/*.ts`],
    // typescript-eslint's version of the rule: it knows `import type` (allowed where a pattern says so).
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  })),
  {
    // The API's entry point composes its process: the API and the console at `/`.
    files: ['api/main.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [refuse(['worker', 'cli', 'scripts', 'bench', 'tests'], 'api/main.ts composes the API and the console, nothing else.'), ...workflowsButContract('api/')] },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
