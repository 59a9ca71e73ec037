import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createPool, dropDatabase, withDatabase } from '@app/database';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The migrated template database of this test run, created by global-setup. */
export function templateDatabaseName(): string {
  const name = process.env.TEST_TEMPLATE_DATABASE;
  if (!name) throw new Error('TEST_TEMPLATE_DATABASE is not set: run tests through jest (global-setup).');
  return name;
}

export interface TestDatabase {
  url: string;
  name: string;
  pool: Pool;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file (copied from the run's template),
 * so that no test depends on another's data. Dropped by `drop()`.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = templateDatabaseName();
  const name = `${template.replace(/_template$/, '')}_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: ADMIN_URL, max: 1 });
  try {
    // CREATE DATABASE ... TEMPLATE needs the template idle; retry briefly if another file is copying it.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (error) {
        if (attempt > 50 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(ADMIN_URL, name);
  const pool = createPool(url, 20);
  return {
    url,
    name,
    pool,
    async drop() {
      await pool.end().catch(() => undefined);
      await dropDatabase(url);
    },
  };
}

export { ADMIN_URL as TEST_ADMIN_URL };
