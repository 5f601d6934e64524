/**
 * Jest 30 in ESM mode with ts-jest, as the NestJS 12 starter runs it (`node --experimental-vm-modules`).
 * Type checking is `npm run lint`'s job (tsc --noEmit); ts-jest only transpiles (isolatedModules).
 */
export default {
  testEnvironment: 'node',
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 60_000,
};
