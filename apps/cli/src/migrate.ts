import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { databaseName, ensureDatabase, migrate } from '@app/database';
import { runMain } from '@app/http';

export const MIGRATIONS_DIR = join(__dirname, '../../../../prisma/migrations');

/** Creates the database if needed and applies pending migrations, with a line per step. */
export async function migrateDatabase(url: string, log: (line: string) => void = console.log): Promise<void> {
  if (await ensureDatabase(url)) log(`created database ${databaseName(url)}`);
  await migrate(url, MIGRATIONS_DIR, log);
}

if (require.main === module) {
  runMain('db:migrate', () => migrateDatabase(loadConfig().database.url));
}
