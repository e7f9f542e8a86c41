// Two projects: `unit` needs nothing but Node; `cluster` runs against the local Kubernetes
// control plane, which its global setup starts once per run and stops afterwards.
const shared = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  // A generous default: on a loaded 2-core machine real sockets and processes are slow to answer.
  // Time limits are safety nets, never assertions about speed.
  testTimeout: 30_000,
};

export default {
  testTimeout: 30_000,
  // A worker that ran dozens of ESM test files on a busy 2-core machine can take over jest's default
  // 500 ms to exit even with nothing left open (checked: no handles but stdio/IPC after the last
  // file); a real leak still shows up as a force exit after 5 s.
  workerGracefulExitTimeout: 5_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.cluster\\.test\\.ts$', '/node_modules/'],
    },
    {
      ...shared,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/**/*.cluster.test.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
      globalSetup: '<rootDir>/test/harness/global-setup.mjs',
      globalTeardown: '<rootDir>/test/harness/global-teardown.mjs',
    },
  ],
};
