export { createTestDatabase, TEST_ADMIN_URL, TestDatabase, templateDatabaseName } from './test-database';
export { testConfig, tokenFor } from './test-config';
export { deleteRedisKeys, testRedisPrefix } from './test-redis';
