import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrismaClient, Prisma, PrismaClient } from '@app/database';
import { createTestDatabase, TestDatabase } from '@app/testing';

/**
 * prisma/schema.prisma and prisma/migrations/*.sql must describe the same database. The generated
 * client is the schema's side (its runtime data model, and the schema it was generated from);
 * a migrated test database is the migrations' side.
 */

// ---------------------------------------------------------------------------------------------
// The generated client's view of the schema.

interface RuntimeField {
  name: string;
  kind: string;
  type: string;
  dbName?: string | null;
}
interface RuntimeModel {
  fields: RuntimeField[];
  dbName: string | null;
}

/** What the schema says about one field, beyond the runtime data model. */
interface SchemaField {
  name: string;
  type: string;
  list: boolean;
  optional: boolean;
  id: boolean;
  unique: boolean;
  hasDefault: boolean;
  autoincrement: boolean;
  updatedAt: boolean;
  dbName: string;
  nativeType: { name: string; args: string[] } | null;
}

interface SchemaModel {
  name: string;
  table: string;
  fields: SchemaField[];
  /** Field names. */
  primaryKey: string[];
  indexes: Array<{ fields: string[]; unique: boolean }>;
}

/** The schema text the client was generated from (kept in the client's config). */
function inlineSchemaOf(client: PrismaClient): string {
  const schema = (client as unknown as { _engineConfig?: { inlineSchema?: string } })._engineConfig?.inlineSchema;
  if (typeof schema !== 'string' || !schema.includes('model ')) throw new Error('The generated client no longer exposes its inline schema: update this test.');
  return schema;
}

function runtimeDataModelOf(client: PrismaClient): Record<string, RuntimeModel> {
  const model = (client as unknown as { _runtimeDataModel?: { models?: Record<string, RuntimeModel> } })._runtimeDataModel?.models;
  if (!model || typeof model !== 'object') throw new Error('The generated client no longer exposes its runtime data model: update this test.');
  return model;
}

/** A small reader of Prisma schema models: enough for the scalar fields and block attributes used here. */
function parseSchemaModels(schema: string): Map<string, SchemaModel> {
  const models = new Map<string, SchemaModel>();
  const blocks = schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm);
  for (const [, name, body] of blocks) {
    const model: SchemaModel = { name, table: name, fields: [], primaryKey: [], indexes: [] };
    for (const raw of body.split('\n')) {
      const line = raw.replace(/\/\/.*$/, '').trim();
      if (!line) continue;
      if (line.startsWith('@@')) {
        const attribute = /^@@(\w+)\((.*)\)$/.exec(line);
        if (!attribute) throw new Error(`Unreadable block attribute in model ${name}: ${line}`);
        const [, kind, args] = attribute;
        const fields = (/\[([^\]]*)\]/.exec(args)?.[1] ?? '').split(',').map((f) => f.trim().replace(/\(.*$/, '')).filter(Boolean);
        if (kind === 'map') model.table = /"([^"]+)"/.exec(args)![1];
        else if (kind === 'id') model.primaryKey = fields;
        else if (kind === 'unique') model.indexes.push({ fields, unique: true });
        else if (kind === 'index') model.indexes.push({ fields, unique: false });
        else throw new Error(`Block attribute @@${kind} in model ${name} is not understood by this test: extend it.`);
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!field) throw new Error(`Unreadable field line in model ${name}: ${line}`);
      const [, fieldName, type, list, optional, attributes] = field;
      const native = /@db\.(\w+)(?:\(([^)]*)\))?/.exec(attributes);
      const parsed: SchemaField = {
        name: fieldName,
        type,
        list: Boolean(list),
        optional: Boolean(optional),
        id: /(^|\s)@id(\s|$)/.test(attributes),
        unique: /(^|\s)@unique(\s|\(|$)/.test(attributes),
        hasDefault: /@default\(/.test(attributes),
        autoincrement: /@default\(autoincrement\(\)\)/.test(attributes),
        updatedAt: /@updatedAt/.test(attributes),
        dbName: /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? fieldName,
        nativeType: native ? { name: native[1], args: native[2] ? native[2].split(',').map((a) => a.trim()) : [] } : null,
      };
      model.fields.push(parsed);
      if (parsed.id) model.primaryKey = [fieldName];
      if (parsed.unique) model.indexes.push({ fields: [fieldName], unique: true });
    }
    models.set(name, model);
  }
  return models;
}

/** The PostgreSQL type (udt_name) and timestamp precision Prisma migrate creates for a field. */
function expectedColumnType(field: SchemaField): { udt: string; precision: number | null } {
  const native = field.nativeType;
  const NATIVE: Record<string, string> = {
    Uuid: 'uuid', Text: 'text', VarChar: 'varchar', Char: 'bpchar', Timestamptz: 'timestamptz', Timestamp: 'timestamp',
    Date: 'date', Integer: 'int4', SmallInt: 'int2', BigInt: 'int8', Boolean: 'bool', JsonB: 'jsonb', Json: 'json',
    DoublePrecision: 'float8', Real: 'float4', Decimal: 'numeric', ByteA: 'bytea',
  };
  const DEFAULT: Record<string, string> = {
    String: 'text', Int: 'int4', BigInt: 'int8', Boolean: 'bool', DateTime: 'timestamp', Json: 'jsonb', Float: 'float8', Decimal: 'numeric', Bytes: 'bytea',
  };
  let udt: string;
  if (native) {
    udt = NATIVE[native.name];
    if (!udt) throw new Error(`Native type @db.${native.name} of ${field.name} is not understood by this test: extend it.`);
  } else {
    udt = DEFAULT[field.type];
    if (!udt) throw new Error(`Type ${field.type} of ${field.name} is not understood by this test: extend it.`);
  }
  let precision: number | null = null;
  if (udt === 'timestamp' || udt === 'timestamptz') precision = native?.args[0] !== undefined ? Number(native.args[0]) : 3;
  return { udt: field.list ? `_${udt}` : udt, precision };
}

// ---------------------------------------------------------------------------------------------
// The migrated database's view.

interface Column {
  table_name: string;
  column_name: string;
  is_nullable: 'YES' | 'NO';
  udt_name: string;
  datetime_precision: number | null;
  column_default: string | null;
}

async function columnsOf(db: TestDatabase): Promise<Column[]> {
  const { rows } = await db.pool.query<Column>(
    `SELECT table_name, column_name, is_nullable, udt_name, datetime_precision, column_default
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  return rows;
}

async function indexesOf(db: TestDatabase): Promise<Array<{ table: string; columns: string[]; unique: boolean; primary: boolean }>> {
  const { rows } = await db.pool.query<{ table: string; columns: string[]; unique: boolean; primary: boolean }>(
    `SELECT t.relname AS table, i.indisunique AS unique, i.indisprimary AS primary,
            array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      GROUP BY t.relname, i.indexrelid, i.indisunique, i.indisprimary`,
  );
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Generic values for the round trip.

let counter = 0;

function valueFor(field: SchemaField): unknown {
  const n = ++counter;
  const scalar = (): unknown => {
    switch (field.type) {
      case 'String':
        return field.nativeType?.name === 'Uuid' ? randomUUID() : `${field.name}-${n}-ü✓'"\\`;
      case 'Int':
        return 1000 + n;
      case 'BigInt':
        return 2n ** 40n + BigInt(n);
      case 'Boolean':
        return n % 2 === 0;
      case 'DateTime':
        // Millisecond precision survives every timestamp precision Prisma uses (3 and 6).
        return new Date(Date.UTC(2026, 0, 1, 12, 0, 0, 0) + n * 1001 + 123);
      case 'Json':
        return { n, text: 'ü✓', nested: { list: [1, 'two', true, null, { deep: [] }], empty: {} } };
      case 'Float':
        return n + 0.5;
      case 'Bytes':
        // Every byte value, NUL and high bytes included.
        return new Uint8Array(Array.from({ length: 256 + n }, (_, i) => (i + n) % 256));
      default:
        throw new Error(`No generic value for ${field.type} (${field.name}): extend this test.`);
    }
  };
  return field.list ? [scalar(), scalar(), scalar()] : scalar();
}

/** Compares what was written with what was read, by the field's type. */
function expectSameValue(model: string, field: SchemaField, written: unknown, read: unknown): void {
  const label = `${model}.${field.name}`;
  const norm = (value: unknown): unknown => {
    if (value instanceof Date) return { date: value.toISOString() };
    if (typeof value === 'bigint') return { bigint: value.toString() };
    if (Array.isArray(value)) return value.map(norm);
    return value;
  };
  expect({ [label]: norm(read) }).toEqual({ [label]: norm(written) });
  if (written instanceof Date) expect(read).toBeInstanceOf(Date);
  if (typeof written === 'bigint') expect(typeof read).toBe('bigint');
}

const delegateOf = (client: PrismaClient, model: string) =>
  (client as unknown as Record<string, { create(args: unknown): Promise<Record<string, unknown>>; findUnique(args: unknown): Promise<Record<string, unknown> | null> }>)[
    model[0].toLowerCase() + model.slice(1)
  ];

function whereOf(model: SchemaModel, row: Record<string, unknown>): Record<string, unknown> {
  if (model.primaryKey.length === 1) return { [model.primaryKey[0]]: row[model.primaryKey[0]] };
  return { [model.primaryKey.join('_')]: Object.fromEntries(model.primaryKey.map((f) => [f, row[f]])) };
}

// ---------------------------------------------------------------------------------------------

describe('schema drift: prisma/schema.prisma and the SQL migrations describe the same database', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let runtime: Record<string, RuntimeModel>;
  let schema: Map<string, SchemaModel>;
  let columns: Column[];
  const modelNames = Object.values(Prisma.ModelName) as string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.pool);
    runtime = runtimeDataModelOf(prisma);
    schema = parseSchemaModels(inlineSchemaOf(prisma));
    columns = await columnsOf(db);
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  describe('the generated client', () => {
    it('was generated from the current prisma/schema.prisma (otherwise run `npm run db:generate`)', () => {
      const onDisk = readFileSync(join(__dirname, '../../prisma/schema.prisma'), 'utf8');
      // Same models, fields and attributes; column alignment (prisma format) does not matter.
      const normalize = (text: string) => text.split('\n').map((line) => line.trim().replace(/[ \t]+/g, ' ')).join('\n').trim();
      expect(normalize(inlineSchemaOf(prisma))).toBe(normalize(onDisk));
      expect(parseSchemaModels(inlineSchemaOf(prisma))).toEqual(parseSchemaModels(onDisk));
    });

    it('has a runtime data model, and a parsed schema, for every model of Prisma.ModelName and no other', () => {
      expect(modelNames.length).toBeGreaterThan(0);
      expect(Object.keys(runtime).sort()).toEqual([...modelNames].sort());
      expect([...schema.keys()].sort()).toEqual([...modelNames].sort());
    });

    it('agrees field by field with the schema it was generated from (names, types, db names)', () => {
      for (const name of modelNames) {
        const model = schema.get(name)!;
        expect({ model: name, table: runtime[name].dbName ?? name }).toEqual({ model: name, table: model.table });
        const fromRuntime = runtime[name].fields.filter((f) => f.kind === 'scalar').map((f) => ({ name: f.name, type: f.type, dbName: f.dbName ?? f.name }));
        const fromSchema = model.fields.map((f) => ({ name: f.name, type: f.type, dbName: f.dbName }));
        expect({ model: name, fields: fromRuntime }).toEqual({ model: name, fields: fromSchema });
        // Relations would need their own handling here.
        expect(runtime[name].fields.filter((f) => f.kind !== 'scalar')).toEqual([]);
        expect(model.primaryKey.length).toBeGreaterThan(0);
      }
    });
  });

  describe('the migrated database', () => {
    it('has exactly one table per model (plus _prisma_migrations)', async () => {
      const { rows } = await db.pool.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
      );
      const expected = [...modelNames.map((m) => schema.get(m)!.table), '_prisma_migrations'].sort();
      expect(rows.map((r) => r.table_name).sort()).toEqual(expected);
    });

    it('has the same columns as each model, and no others', () => {
      for (const name of modelNames) {
        const model = schema.get(name)!;
        const inDatabase = columns.filter((c) => c.table_name === model.table).map((c) => c.column_name).sort();
        const inSchema = model.fields.map((f) => f.dbName).sort();
        expect({ table: model.table, columns: inDatabase }).toEqual({ table: model.table, columns: inSchema });
      }
    });

    it('has the same nullability as each model (optional fields nullable; scalar lists nullable, as Prisma migrate creates them)', () => {
      for (const name of modelNames) {
        const model = schema.get(name)!;
        for (const field of model.fields) {
          const column = columns.find((c) => c.table_name === model.table && c.column_name === field.dbName);
          const expectedNullable = field.optional || field.list ? 'YES' : 'NO';
          expect({ column: `${model.table}.${field.dbName}`, nullable: column?.is_nullable }).toEqual({
            column: `${model.table}.${field.dbName}`,
            nullable: expectedNullable,
          });
        }
      }
    });

    it('has the column types Prisma maps each field to (including @db native types and timestamp precision)', () => {
      for (const name of modelNames) {
        const model = schema.get(name)!;
        for (const field of model.fields) {
          const column = columns.find((c) => c.table_name === model.table && c.column_name === field.dbName)!;
          const { udt, precision } = expectedColumnType(field);
          const label = `${model.table}.${field.dbName} (${name}.${field.name} ${field.type}${field.list ? '[]' : ''})`;
          expect({ [label]: { udt: column.udt_name, precision: precision === null ? null : column.datetime_precision } }).toEqual({ [label]: { udt, precision } });
        }
      }
    });

    it('has a column default exactly where the model has @default (and none for @updatedAt)', () => {
      for (const name of modelNames) {
        const model = schema.get(name)!;
        for (const field of model.fields) {
          const column = columns.find((c) => c.table_name === model.table && c.column_name === field.dbName)!;
          const label = `${model.table}.${field.dbName}`;
          expect({ [label]: column.column_default !== null }).toEqual({ [label]: field.hasDefault });
          if (field.autoincrement) expect({ [label]: column.column_default }).toEqual({ [label]: expect.stringMatching(/^nextval\(/) });
        }
      }
    });

    it('has the primary keys, unique constraints and indexes of each model, and no others', async () => {
      const indexes = await indexesOf(db);
      for (const name of modelNames) {
        const model = schema.get(name)!;
        const column = (field: string) => {
          const f = model.fields.find((x) => x.name === field);
          if (!f) throw new Error(`${name} indexes unknown field ${field}`);
          return f.dbName;
        };
        const expected = [
          { columns: model.primaryKey.map(column), unique: true, primary: true },
          ...model.indexes.map((i) => ({ columns: i.fields.map(column), unique: i.unique, primary: false })),
        ];
        const actual = indexes.filter((i) => i.table === model.table).map(({ columns, unique, primary }) => ({ columns, unique, primary }));
        const key = (i: { columns: string[]; unique: boolean; primary: boolean }) => `${i.primary ? 'pk' : i.unique ? 'unique' : 'index'}(${i.columns.join(',')})`;
        expect({ table: model.table, indexes: actual.map(key).sort() }).toEqual({ table: model.table, indexes: expected.map(key).sort() });
      }
    });
  });

  describe('every model round-trips through the generated client', () => {
    /** Every field set: required, optional, and the ones that have defaults (except autoincrement ids). */
    it.each(Object.values(Prisma.ModelName) as string[])('%s: create with every field, read back the same values', async (name) => {
      const model = schema.get(name)!;
      const data: Record<string, unknown> = {};
      for (const field of model.fields) if (!field.autoincrement) data[field.name] = valueFor(field);

      const created = await delegateOf(prisma, name).create({ data });
      const read = await delegateOf(prisma, name).findUnique({ where: whereOf(model, created) });
      expect(read).not.toBeNull();
      for (const field of model.fields) {
        if (field.updatedAt) {
          // @updatedAt is set by the client on write; it is a Date either way.
          expect(read![field.name]).toBeInstanceOf(Date);
          continue;
        }
        if (field.autoincrement) {
          expect(read![field.name]).toEqual(created[field.name]);
          continue;
        }
        expectSameValue(name, field, data[field.name], read![field.name]);
        expectSameValue(name, field, data[field.name], created[field.name]);
      }

      // The row is in the table the model maps to, under the mapped column names.
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${model.table}"`);
      expect(rows[0].n).toBeGreaterThanOrEqual(1);
    });

    /** Only what the schema requires: optional fields come back null, defaulted ones get their default. */
    it.each(Object.values(Prisma.ModelName) as string[])('%s: create with only the required fields; optional ones read back null', async (name) => {
      const model = schema.get(name)!;
      const data: Record<string, unknown> = {};
      for (const field of model.fields) {
        if (field.optional || field.hasDefault || field.updatedAt) continue;
        data[field.name] = valueFor(field);
      }
      const created = await delegateOf(prisma, name).create({ data });
      const read = await delegateOf(prisma, name).findUnique({ where: whereOf(model, created) });
      expect(read).not.toBeNull();
      for (const field of model.fields) {
        const label = `${name}.${field.name}`;
        if (field.optional) expect({ [label]: read![field.name] }).toEqual({ [label]: null });
        else if (field.hasDefault || field.updatedAt) expect({ [label]: read![field.name] ?? null }).not.toEqual({ [label]: null });
        else expectSameValue(name, field, data[field.name], read![field.name]);
      }
    });

    it('refuses, at the database, a null in every required column (the NOT NULLs are real)', async () => {
      for (const name of modelNames) {
        const model = schema.get(name)!;
        for (const field of model.fields.filter((f) => !f.optional && !f.list && !f.autoincrement)) {
          const data: Record<string, unknown> = {};
          for (const f of model.fields) if (!f.autoincrement) data[f.dbName] = valueFor(f);
          data[field.dbName] = null;
          const names = Object.keys(data);
          const values = names.map((k) => (typeof data[k] === 'bigint' ? String(data[k]) : data[k] !== null && typeof data[k] === 'object' && !(data[k] instanceof Date) && !Array.isArray(data[k]) ? JSON.stringify(data[k]) : data[k]));
          const sql = `INSERT INTO "${model.table}" (${names.map((k) => `"${k}"`).join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`;
          const error = await db.pool.query(sql, values).then(() => null, (e: { code?: string }) => e);
          expect({ column: `${model.table}.${field.dbName}`, sqlstate: error?.code }).toEqual({ column: `${model.table}.${field.dbName}`, sqlstate: '23502' });
        }
      }
    });
  });

  it('BigInt fields round-trip values beyond 2^53 exactly through the client', async () => {
    // Every BigInt column of the schema, with a value a double cannot hold.
    const big = 2n ** 53n + 1n;
    const readBack: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const name of modelNames) {
      const model = schema.get(name)!;
      const bigFields = model.fields.filter((f) => f.type === 'BigInt' && !f.autoincrement && !f.list);
      if (bigFields.length === 0) continue;
      const data: Record<string, unknown> = {};
      for (const field of model.fields) if (!field.autoincrement) data[field.name] = field.type === 'BigInt' && !field.list ? big : valueFor(field);
      const created = await delegateOf(prisma, name).create({ data });
      const read = await delegateOf(prisma, name).findUnique({ where: whereOf(model, created) });
      for (const field of bigFields) {
        readBack[`${name}.${field.name}`] = String(read![field.name]);
        expected[`${name}.${field.name}`] = String(big);
      }
    }
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(readBack).toEqual(expected);
  });
});
