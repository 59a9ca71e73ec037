import { join } from 'node:path';
import { Client } from 'pg';
// globalSetup runs outside jest's module mapper: relative imports only.
import { migrate } from '../../database/src/migrator';
import { withDatabase } from '../../database/src/ensure-database';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates this run's migrated template database; each test file copies it (see test-database.ts). */
export default async function globalSetup(): Promise<void> {
  const run = `ma_test_${Date.now().toString(36)}_${process.pid}`;
  const template = `${run}_template`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();
  await migrate(withDatabase(ADMIN_URL, template), join(__dirname, '../../../prisma/migrations'));
  process.env.TEST_RUN_ID = run;
  process.env.TEST_TEMPLATE_DATABASE = template;
}
