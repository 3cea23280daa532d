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
  },
  // End-to-end suites start real processes; they need more than the default 5 s.
  testTimeout: 120_000,
  maxWorkers: 2,
};
