import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import { keyOf, ReadModel, Row } from './read-model';
import type { RowSet } from './row-set';

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export const qualifiedTable = (schema: string, table: string): string => `${quote(schema)}.${quote(table)}`;

function selectList(model: ReadModel): string {
  return model.columns.map((c) => quote(c.name)).join(', ');
}

/** pg answers BIGINT as a string; positions stay below 2^53, so rows hold numbers. */
function fromDatabase(model: ReadModel, row: Row): Row {
  for (const column of model.columns) {
    if (column.type === 'bigint' && row[column.name] !== null) row[column.name] = Number(row[column.name]);
  }
  return row;
}

/** Rows whose columns equal one of the given tuples (all text), through one unnest. */
async function selectWhereIn(client: PoolClient, schema: string, model: ReadModel, columns: readonly string[], tuples: string[][], extra = 'true'): Promise<Row[]> {
  if (tuples.length === 0) return [];
  const arrays = columns.map((_, i) => tuples.map((tuple) => tuple[i]));
  const unnest = columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const { rows } = await client.query(
    `SELECT ${selectList(model)} FROM ${qualifiedTable(schema, model.table)}
      WHERE (${columns.map(quote).join(', ')}) IN (SELECT * FROM unnest(${unnest})) AND ${extra}`,
    arrays,
  );
  return rows.map((row) => fromDatabase(model, row));
}

function distinct(keys: Iterable<readonly string[]>, skip: (key: string) => boolean): string[][] {
  const found = new Map<string, string[]>();
  for (const key of keys) {
    const text = keyOf(key);
    if (!found.has(text) && !skip(text)) found.set(text, [...key]);
  }
  return [...found.values()];
}

/** Reads the rows a batch of events will fold into that the set does not hold yet. */
export async function loadRowsFor(client: PoolClient, schema: string, rows: RowSet, events: RecordedEvent[]): Promise<void> {
  if (rows.complete) return;
  const model = rows.model;
  const primary = distinct(events.flatMap((e) => model.keysOf(e)), (key) => rows.has(key));
  rows.addLoaded(await selectWhereIn(client, schema, model, model.primaryKey, primary));
  const lookup = model.secondaryLookup;
  if (!lookup) return;
  const secondary = distinct(events.flatMap((e) => lookup.keysOf(e)), (key) => rows.hasSecondary(key));
  rows.addLoaded(await selectWhereIn(client, schema, model, lookup.columns, secondary, lookup.where));
}

/**
 * Writes whole rows with one INSERT ... ON CONFLICT per call: the rows travel as one JSON
 * parameter, typed back into columns by jsonb_to_recordset.
 */
export async function writeRows(client: PoolClient, schema: string, model: ReadModel, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = model.columns.map((c) => quote(c.name)).join(', ');
  const recordType = model.columns.map((c) => `${quote(c.name)} ${c.type}`).join(', ');
  const updates = model.columns
    .filter((c) => !model.primaryKey.includes(c.name))
    .map((c) => `${quote(c.name)} = EXCLUDED.${quote(c.name)}`)
    .join(', ');
  await client.query(
    `INSERT INTO ${qualifiedTable(schema, model.table)} (${columns})
     SELECT ${columns} FROM jsonb_to_recordset($1::jsonb) AS r(${recordType})
     ON CONFLICT (${model.primaryKey.map(quote).join(', ')}) DO UPDATE SET ${updates}`,
    [JSON.stringify(rows)],
  );
}

/** Folds a batch into the set's rows (loading what it lacks) and writes every changed row. */
export async function projectBatch(client: PoolClient, schema: string, rows: RowSet, events: RecordedEvent[]): Promise<void> {
  const relevant = events.filter((event) => rows.model.handles.has(event.type));
  if (relevant.length === 0) return;
  await loadRowsFor(client, schema, rows, relevant);
  for (const event of relevant) rows.model.evolve(rows, event);
  await writeRows(client, schema, rows.model, rows.takeDirty());
}
