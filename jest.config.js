/** One jest run over every workspace; SWC strips types (tsc -b type-checks first in `npm test`). */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Tests import the shared package from source, so one copy of its decorators' metadata exists.
  moduleNameMapper: {
    '^@huishang/schema$': '<rootDir>/schema/src/index.ts',
    '^@huishang/schema/stubs$': '<rootDir>/schema/src/stubs.ts',
    '^@huishang/schema/testing$': '<rootDir>/schema/src/testing/index.ts',
    '^@huishang/schema/identity$': '<rootDir>/schema/src/kit/identity.ts',
    '^@huishang/schema/core$': '<rootDir>/schema/src/core.ts',
    '^@huishang/schema/database$': '<rootDir>/schema/src/database.ts',
  },
  // End-to-end suites start real processes; they need more than the default 5 s. One setting,
  // E2E_TIMEOUT_MS (default 600 000), for every test and hook; the harness (test/support/system.ts)
  // gives a start a minute less, so it fails with a reason and stops its processes before jest gives up.
  testTimeout: Number(process.env.E2E_TIMEOUT_MS || 600_000),
  // Seeded databases shared by the end-to-end files of one run (test/support/templates.ts).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  maxWorkers: 2,
};
