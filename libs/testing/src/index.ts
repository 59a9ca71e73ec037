export { createTestDatabase, TEST_ADMIN_URL, TestDatabase, templateDatabaseName } from './test-database';
export { testConfig, tokenFor } from './test-config';
