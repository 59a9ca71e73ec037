import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Applies prisma/migrations/<name>/migration.sql in order, keeping Prisma's own
 * `_prisma_migrations` bookkeeping (same columns, sha256 checksum of the file), so that
 * `prisma migrate deploy` can take over wherever the Prisma schema engine is available.
 */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

export function readMigrations(directory: string): Migration[] {
  return readdirSync(directory)
    .filter((name) => statSync(join(directory, name)).isDirectory())
    .sort()
    .map((name) => {
      const sql = readFileSync(join(directory, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// The same advisory lock key Prisma Migrate takes, so the two never run side by side.
const MIGRATION_LOCK = 72707369;

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(
  connectionString: string,
  directory: string,
  log: (line: string) => void = () => undefined,
): Promise<MigrateResult> {
  const migrations = readMigrations(directory);
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(BOOKKEEPING);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const recorded = new Map(rows.map((row) => [row.migration_name, row]));
    for (const row of rows) {
      if (!migrations.some((m) => m.name === row.migration_name)) {
        throw new MigrationError(`Migration ${row.migration_name} is applied to the database but missing from ${directory}.`);
      }
    }
    const applied: string[] = [];
    let alreadyApplied = 0;
    for (const [index, migration] of migrations.entries()) {
      const record = recorded.get(migration.name);
      if (record) {
        if (!record.finished_at) {
          throw new MigrationError(`Migration ${migration.name} failed earlier and was not finished; resolve it before migrating.`);
        }
        if (record.checksum !== migration.checksum) {
          throw new MigrationError(
            `Migration ${migration.name} was edited after it was applied (checksum ${migration.checksum.slice(0, 12)} != ${record.checksum.slice(0, 12)}). Add a new migration instead.`,
          );
        }
        alreadyApplied++;
        continue;
      }
      log(`[${index + 1}/${migrations.length}] applying ${migration.name}`);
      await client.query('BEGIN');
      try {
        const startedAt = new Date();
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
      }
      applied.push(migration.name);
    }
    log(`migrations: ${applied.length} applied, ${alreadyApplied} already up to date`);
    return { applied, alreadyApplied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
