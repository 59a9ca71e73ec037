export { createTestDatabase, TestDatabase, templateDatabaseName } from './test-database';
export { testConfig, tokenFor } from './test-config';
