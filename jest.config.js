/**
 * `npm test` runs the unit tests (test/, mirroring src/) and the compat tests whose clients come
 * from npm (compat-tests/kafkajs, compat-tests/platformatic). The wider compat suite (kcat,
 * Python, Java, the real Apache Kafka) runs from compat-tests/run-wider.sh; the differential
 * runner's pure functions are unit-tested here too.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/compat-tests'],
  testPathIgnorePatterns: ['/node_modules/', '/fixtures/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
  testMatch: [
    '<rootDir>/test/**/*.test.ts',
    '<rootDir>/compat-tests/kafkajs/**/*.test.ts',
    '<rootDir>/compat-tests/platformatic/**/*.test.ts',
    '<rootDir>/compat-tests/differential/**/*.test.ts',
    '<rootDir>/compat-tests/*.test.ts',
  ],
  testTimeout: 60000,
};
