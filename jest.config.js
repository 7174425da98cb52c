/** Unit tests live in test/, mirroring src/ path for path. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
  testMatch: ['**/*.test.ts'],
  testTimeout: 30000,
};
