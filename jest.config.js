// One jest configuration for every tier. Module aliases come from tsconfig.json's `paths`
// so that the two can never drift apart.
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace(/[/\\^$+?.()|[\]{}]/g, '\\$&')}$`,
    `<rootDir>/${target}`,
  ]),
);

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'],
  // Build outputs (dist/, the production-build test's dist-test-*/) are not sources of modules or tests.
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/dist-test-', '<rootDir>/libs/[^/]+/dist'],
  // NestJS 12 ships ESM only; jest's CommonJS runtime needs it transformed.
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // So do the content-disposition that the queue board's @fastify/static loads.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|content-disposition|@fastify/static/node_modules/content-disposition)/)'],
  moduleNameMapper,
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 60000,
};
