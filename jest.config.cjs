/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  // middy 6 and temporal-polyfill ship ESM only, so jest has to transform them like our own code.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|temporal-polyfill|temporal-utils)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  setupFiles: ['<rootDir>/tests/support/env.ts'],
  // Only a cap on a hang: tests run on injected or virtual time, and CI is twice as slow as a laptop.
  testTimeout: 90_000,
  // The suites wait on emulators and sockets more than on the CPU, so one worker per core (jest's default
  // is one fewer) roughly halves the run on a 2-core CI machine: measured 119 s → 68 s here.
  maxWorkers: '100%',
};
