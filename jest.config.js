// ESM throughout: @actions/core 3 and @actions/github 9 ship only ES modules, so the
// project is "type": "module", ts-jest compiles with useESM and jest runs with
// --experimental-vm-modules (set in the npm script). ncc bundles the same ESM sources.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testTimeout: 60000,
  // Most suites wait on child processes and local servers, not the CPU: three workers on a
  // 2-core machine halve the run (jest's default there is one).
  maxWorkers: 3,
  reporters: ['default', '<rootDir>/scripts/jest-closing-line.js'],
  verbose: true
}
