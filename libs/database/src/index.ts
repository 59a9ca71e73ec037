export { createPool } from './pool';
export { inTransaction, pageWithTotal } from './transaction';
export { createPrismaClient, Prisma, PrismaClient } from './prisma';
export { databaseName, dropDatabase, ensureDatabase, withDatabase } from './ensure-database';
export { migrate, MigrateResult, MigrationError, readMigrations } from './migrator';
export { DatabaseModule, PG_POOL, PRISMA } from './database.module';
