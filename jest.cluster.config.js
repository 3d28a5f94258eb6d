/**
 * The opt-in cluster tier (`npm run test:cluster`): the same jest setup as `npm test`, but Temporal
 * is the PostgreSQL-backed server built by `npm run setup:cluster` (tests/cluster/global-setup.ts),
 * and the tests are the cluster's own (topology, kills) plus the engine's integration path, which
 * runs unchanged on either server.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/tests/cluster/**/*.test.ts',
    '<rootDir>/tests/integration/engine/*.test.ts',
    '<rootDir>/tests/integration/api/filing.test.ts',
    '<rootDir>/tests/integration/bootstrap/task-queue.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/tests/cluster/global-setup.ts',
  globalTeardown: '<rootDir>/tests/cluster/global-teardown.ts',
};
