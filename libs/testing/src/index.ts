export { createTestDatabase, TestDatabase, templateDatabaseName } from './test-database';
