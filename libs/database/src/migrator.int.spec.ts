import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, migrate, MigrationError, readMigrations, withDatabase } from '@app/database';

const BASE_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MIGRATIONS = join(__dirname, '../../../prisma/migrations');
// Named after this run so that global-teardown drops it even if this file crashes.
const RUN = process.env.TEST_RUN_ID ?? 'ma_test_migrator';

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A database of its own, empty (not copied from the migrated template). */
async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const url = withDatabase(BASE_URL, `${RUN}_migrator_${randomBytes(4).toString('hex')}`);
  expect(await ensureDatabase(url)).toBe(true);
  return { url, drop: () => dropDatabase(url) };
}

async function query<T extends object = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const recorded = (url: string) => query<MigrationRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name');
const tables = async (url: string) =>
  (await query<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).map((r) => r.table_name);

/** A temporary copy of prisma/migrations that a test may edit. */
function copyOfMigrations(): { dir: string; add(name: string, sql: string): void; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  return {
    dir,
    add(name, sql) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'migration.sql'), sql);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('migrate (prisma/migrations, Prisma-compatible bookkeeping)', () => {
  const migrationNames = readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  it('ensureDatabase creates a database once and dropDatabase removes it', async () => {
    const db = await freshDatabase();
    try {
      expect(await ensureDatabase(db.url)).toBe(false);
    } finally {
      await db.drop();
    }
    const left = await query(BASE_URL, 'SELECT 1 FROM pg_database WHERE datname = $1', [new URL(db.url).pathname.slice(1)]);
    expect(left).toHaveLength(0);
    await expect(dropDatabase(db.url)).resolves.toBeUndefined();
  });

  it('readMigrations lists the migration directories in order with the sha256 of each file', () => {
    const migrations = readMigrations(MIGRATIONS);
    expect(migrations.map((m) => m.name)).toEqual(migrationNames);
    for (const m of migrations) {
      const sql = readFileSync(join(MIGRATIONS, m.name, 'migration.sql'), 'utf8');
      expect(m.sql).toBe(sql);
      expect(m.checksum).toBe(sha256(sql));
    }
  });

  describe('on a fresh database', () => {
    let db: { url: string; drop(): Promise<void> };
    beforeAll(async () => {
      db = await freshDatabase();
    });
    afterAll(() => db.drop());

    it('applies every migration in order and records each in _prisma_migrations with Prisma\'s columns', async () => {
      const before = new Date();
      const lines: string[] = [];
      const result = await migrate(db.url, MIGRATIONS, (line) => lines.push(line));
      expect(result).toEqual({ applied: migrationNames, alreadyApplied: 0 });
      expect(lines.some((line) => line.includes(migrationNames[0]))).toBe(true);

      const columns = await query<{ column_name: string; data_type: string; is_nullable: string; character_maximum_length: number | null }>(
        db.url,
        `SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      // The exact table `prisma migrate deploy` creates, so that it can take over.
      expect(columns).toEqual([
        { column_name: 'id', data_type: 'character varying', is_nullable: 'NO', character_maximum_length: 36 },
        { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO', character_maximum_length: 64 },
        { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES', character_maximum_length: null },
        { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO', character_maximum_length: 255 },
        { column_name: 'logs', data_type: 'text', is_nullable: 'YES', character_maximum_length: null },
        { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES', character_maximum_length: null },
        { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO', character_maximum_length: null },
        { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO', character_maximum_length: null },
      ]);

      const rows = await recorded(db.url);
      expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
      const ids = new Set<string>();
      for (const row of rows) {
        const file = readFileSync(join(MIGRATIONS, row.migration_name, 'migration.sql'), 'utf8');
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        ids.add(row.id);
        expect(row.checksum).toBe(sha256(file));
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.logs).toBeNull();
        expect(row.rolled_back_at).toBeNull();
        expect(row.applied_steps_count).toBe(1);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.started_at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 5000);
        expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime() - 1000);
      }
      expect(ids.size).toBe(rows.length);

      // What the migrations create is there.
      expect(await tables(db.url)).toEqual(
        expect.arrayContaining(['_prisma_migrations', 'events', 'streams', 'projection_checkpoints', 'model_views', 'partner_views', 'license_views', 'credential_views']),
      );
      const fn = await query(db.url, "SELECT 1 FROM pg_proc WHERE proname = 'append_to_stream'");
      expect(fn).toHaveLength(1);
    });

    it('applies nothing the second time', async () => {
      const before = await recorded(db.url);
      const lines: string[] = [];
      const result = await migrate(db.url, MIGRATIONS, (line) => lines.push(line));
      expect(result).toEqual({ applied: [], alreadyApplied: migrationNames.length });
      expect(await recorded(db.url)).toEqual(before);
      expect(lines.filter((line) => line.includes('applying'))).toEqual([]);
    });

    it('is safe when two migrators race on the same database', async () => {
      const results = await Promise.all([migrate(db.url, MIGRATIONS), migrate(db.url, MIGRATIONS)]);
      expect(results.every((r) => r.applied.length === 0)).toBe(true);
      expect((await recorded(db.url)).map((r) => r.migration_name)).toEqual(migrationNames);
    });
  });

  it('two migrators racing on a fresh database apply each migration exactly once', async () => {
    const db = await freshDatabase();
    try {
      const [a, b] = await Promise.all([migrate(db.url, MIGRATIONS), migrate(db.url, MIGRATIONS)]);
      expect([...a.applied, ...b.applied].sort()).toEqual(migrationNames);
      expect(a.alreadyApplied + b.alreadyApplied).toBe(migrationNames.length);
      expect((await recorded(db.url)).map((r) => r.migration_name)).toEqual(migrationNames);
    } finally {
      await db.drop();
    }
  });

  it('applies a new migration added later, after the ones already applied', async () => {
    const db = await freshDatabase();
    const copy = copyOfMigrations();
    try {
      await migrate(db.url, copy.dir);
      copy.add('29991231000000_add_notes', 'CREATE TABLE "notes" ("id" TEXT PRIMARY KEY);\nALTER TABLE "notes" ADD COLUMN "body" TEXT;\n');
      const result = await migrate(db.url, copy.dir);
      expect(result).toEqual({ applied: ['29991231000000_add_notes'], alreadyApplied: migrationNames.length });
      const rows = await recorded(db.url);
      expect(rows.map((r) => r.migration_name)).toEqual([...migrationNames, '29991231000000_add_notes']);
      expect(rows.at(-1)).toMatchObject({ applied_steps_count: 1, rolled_back_at: null, checksum: sha256(readFileSync(join(copy.dir, '29991231000000_add_notes', 'migration.sql'), 'utf8')) });
      expect(await tables(db.url)).toContain('notes');
    } finally {
      copy.remove();
      await db.drop();
    }
  });

  it('refuses, naming the migration, when an applied migration file was edited afterwards', async () => {
    const db = await freshDatabase();
    const copy = copyOfMigrations();
    try {
      await migrate(db.url, copy.dir);
      const before = await recorded(db.url);
      const name = migrationNames[0];
      const file = join(copy.dir, name, 'migration.sql');
      writeFileSync(file, readFileSync(file, 'utf8') + '\n-- an innocent-looking edit\n');
      // A new migration next to the edit must not be applied either.
      copy.add('29991231000000_after_edit', 'CREATE TABLE "after_edit" ("id" TEXT);');

      const error = await migrate(db.url, copy.dir).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain(name);
      expect((error as Error).message).toMatch(/edited/);
      expect(await recorded(db.url)).toEqual(before);
      expect(await tables(db.url)).not.toContain('after_edit');
    } finally {
      copy.remove();
      await db.drop();
    }
  });

  it('refuses, naming the migration, when an applied migration is missing from the directory', async () => {
    const db = await freshDatabase();
    const copy = copyOfMigrations();
    try {
      copy.add('29991231000000_later', 'CREATE TABLE "later" ("id" TEXT);');
      await migrate(db.url, copy.dir);
      rmSync(join(copy.dir, '29991231000000_later'), { recursive: true });
      const error = await migrate(db.url, copy.dir).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain('29991231000000_later');
    } finally {
      copy.remove();
      await db.drop();
    }
  });

  it('rolls back a failing new migration: no partial DDL left behind, nothing recorded, the error names it', async () => {
    const db = await freshDatabase();
    const copy = copyOfMigrations();
    try {
      await migrate(db.url, copy.dir);
      const before = await recorded(db.url);
      const failing = '29991231000000_half_done';
      copy.add(
        failing,
        [
          'CREATE TABLE "half_done" ("id" TEXT PRIMARY KEY);',
          'ALTER TABLE "model_views" ADD COLUMN "half_done_flag" BOOLEAN;',
          'CREATE INDEX "half_done_idx" ON "partner_views"("legal_name");',
          'INSERT INTO "streams" ("stream_id", "version") VALUES (\'half-done\', 0);',
          'ALTER TABLE "no_such_table" ADD COLUMN "x" TEXT;',
        ].join('\n'),
      );

      const error = await migrate(db.url, copy.dir).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain(failing);
      expect((error as Error).message).toContain('no_such_table');

      expect(await tables(db.url)).not.toContain('half_done');
      const column = await query(db.url, "SELECT 1 FROM information_schema.columns WHERE table_name = 'model_views' AND column_name = 'half_done_flag'");
      expect(column).toHaveLength(0);
      expect(await query(db.url, "SELECT 1 FROM pg_indexes WHERE indexname = 'half_done_idx'")).toHaveLength(0);
      expect(await query(db.url, "SELECT 1 FROM streams WHERE stream_id = 'half-done'")).toHaveLength(0);
      expect(await recorded(db.url)).toEqual(before);

      // Once fixed, the same migration applies cleanly.
      writeFileSync(join(copy.dir, failing, 'migration.sql'), 'CREATE TABLE "half_done" ("id" TEXT PRIMARY KEY);');
      expect(await migrate(db.url, copy.dir)).toEqual({ applied: [failing], alreadyApplied: migrationNames.length });
    } finally {
      copy.remove();
      await db.drop();
    }
  });

  it('stops at the first failing migration: earlier new ones stay applied, later ones are not attempted', async () => {
    const db = await freshDatabase();
    const copy = copyOfMigrations();
    try {
      await migrate(db.url, copy.dir);
      copy.add('29991231000001_good', 'CREATE TABLE "good" ("id" TEXT);');
      copy.add('29991231000002_bad', 'CREATE TABLE "bad" ("id" TEXT); SELECT 1/0;');
      copy.add('29991231000003_later', 'CREATE TABLE "later" ("id" TEXT);');
      const error = await migrate(db.url, copy.dir).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain('29991231000002_bad');
      const names = (await recorded(db.url)).map((r) => r.migration_name);
      expect(names).toEqual([...migrationNames, '29991231000001_good']);
      const present = await tables(db.url);
      expect(present).toContain('good');
      expect(present).not.toContain('bad');
      expect(present).not.toContain('later');
    } finally {
      copy.remove();
      await db.drop();
    }
  });

  it('refuses, naming it, a migration that `prisma migrate deploy` recorded as started but never finished', async () => {
    const db = await freshDatabase();
    const copy = copyOfMigrations();
    try {
      await migrate(db.url, copy.dir);
      const name = '29991231000000_unfinished';
      copy.add(name, 'CREATE TABLE "unfinished" ("id" TEXT);');
      await query(
        db.url,
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
         VALUES (gen_random_uuid()::text, $1, NULL, $2, 'failed', now(), 0)`,
        [sha256('CREATE TABLE "unfinished" ("id" TEXT);'), name],
      );
      const error = await migrate(db.url, copy.dir).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain(name);
      expect(await tables(db.url)).not.toContain('unfinished');
    } finally {
      copy.remove();
      await db.drop();
    }
  });

  it('a failing first migration on an empty database leaves only the bookkeeping table', async () => {
    const db = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    try {
      mkdirSync(join(dir, '20000101000000_broken'));
      writeFileSync(join(dir, '20000101000000_broken', 'migration.sql'), 'CREATE TABLE "t" ("id" TEXT);\nCREATE TABLE "t" ("id" TEXT);');
      const error = await migrate(db.url, dir).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain('20000101000000_broken');
      expect(await tables(db.url)).toEqual(['_prisma_migrations']);
      expect(await recorded(db.url)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
