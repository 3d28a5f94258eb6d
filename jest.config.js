/** @type {import('jest').Config} */
module.exports = {
  // Node's environment plus a per-test log buffer printed when the test fails (tests/support/test-logs.ts).
  testEnvironment: '<rootDir>/tests/support/test-environment.ts',
  setupFiles: ['<rootDir>/tests/support/setup-logging.ts'],
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // The cluster tier needs the server `npm run setup:cluster` builds: `npm run test:cluster` runs it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/cluster/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // jose 6, openid-client 6 and oauth4webapi ship ES modules only; jest's module system needs them compiled to CommonJS.
    '/node_modules/(jose|openid-client|oauth4webapi)/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  testTimeout: 60_000,
  // The Temporal native runtime can keep the process alive after the last test; CI must not hang.
  forceExit: true,
};
