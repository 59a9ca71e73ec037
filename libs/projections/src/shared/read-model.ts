import type { RecordedEvent } from '@app/event-store';

export type ColumnType = 'text' | 'text[]' | 'jsonb' | 'timestamptz' | 'bigint' | 'integer' | 'boolean' | 'double precision';

export interface Column {
  /** The column's name in the table (snake_case, as Prisma maps it). */
  name: string;
  type: ColumnType;
}

/** One row of a read-model table, keyed by column name; a complete row carries every column. */
export type Row = Record<string, unknown>;

/** The rows of one table that a batch of events reads and writes, held in memory while it folds. */
export interface Rows {
  get(key: readonly string[]): Row | undefined;
  /** Prisma's upsert: changes the listed columns of the row, or creates it (with the table's defaults) when absent. */
  upsert(columns: Row): void;
  /** Changes some columns of an existing row; a row that does not exist is left alone and counted. */
  update(key: readonly string[], changes: Row): void;
  /** The row found by the model's secondary lookup (e.g. the latest screening of a subject). */
  findBy(lookup: readonly string[]): Row | undefined;
}

/** A second way to find a row than its primary key, for folds that touch rows related to an event's own. */
export interface SecondaryLookup {
  columns: readonly string[];
  /** SQL condition (on the table's columns) that the rows it finds satisfy. */
  where: string;
  /** The row's lookup values, or null when it is not findable this way (e.g. no longer the latest). */
  of(row: Row): readonly string[] | null;
  /** The lookups an event performs. */
  keysOf(event: RecordedEvent<string, any>): readonly (readonly string[])[];
}

/**
 * A read model: one table folded from the events it handles. The fold is pure and works on rows in
 * memory, so that the live runner and a rebuild share one code path and write each batch with one
 * multi-row statement per table.
 */
export interface ReadModel {
  name: string;
  table: string;
  columns: readonly Column[];
  primaryKey: readonly string[];
  /** Column values a new row takes when an upsert does not list them (the table's defaults). */
  defaults: Row;
  handles: ReadonlySet<string>;
  /** Primary keys of the rows an event reads or writes. */
  keysOf(event: RecordedEvent<string, any>): readonly (readonly string[])[];
  secondaryLookup?: SecondaryLookup;
  evolve(rows: Rows, event: RecordedEvent<string, any>): void;
}

export const keyOf = (values: readonly unknown[]): string => values.join('\u001f');

export function primaryKeyOf(model: ReadModel, row: Row): string[] {
  return model.primaryKey.map((column) => row[column] as string);
}

/** A whole row from the listed columns; the others take the table's defaults (as Prisma's create did). */
export function newRow(model: ReadModel, columns: Row): Row {
  const row: Row = {};
  for (const column of model.columns) row[column.name] = column.name in columns ? columns[column.name] : (model.defaults[column.name] ?? null);
  return row;
}
