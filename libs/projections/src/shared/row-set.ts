import { keyOf, newRow, primaryKeyOf, ReadModel, Row, Rows } from './read-model';

/**
 * The rows of one read-model table held in memory: those a batch touches, and, for a rebuild that
 * is the table's only writer, the rows of earlier batches too (up to `capacity`), so that most of
 * a rebuild never reads its own table back. While `complete`, a row absent here is absent from
 * the table as well.
 */
export class RowSet implements Rows {
  private readonly rows = new Map<string, Row>();
  private readonly bySecondary = new Map<string, string>();
  private readonly dirty = new Set<string>();
  /** Updates that named a row that does not exist (an event out of order with its stream's first). */
  missedUpdates = 0;

  constructor(
    readonly model: ReadModel,
    private readonly options: { complete: boolean; capacity: number },
  ) {}

  get complete(): boolean {
    return this.options.complete;
  }

  has(key: string): boolean {
    return this.rows.has(key);
  }

  hasSecondary(key: string): boolean {
    return this.bySecondary.has(key);
  }

  get(key: readonly string[]): Row | undefined {
    return this.rows.get(keyOf(key));
  }

  findBy(lookup: readonly string[]): Row | undefined {
    const key = this.bySecondary.get(keyOf(lookup));
    return key === undefined ? undefined : this.rows.get(key);
  }

  upsert(columns: Row): void {
    const key = primaryKeyOf(this.model, columns);
    const existing = this.get(key);
    this.store(keyOf(key), existing ? { ...existing, ...columns } : newRow(this.model, columns), existing);
  }

  update(key: readonly string[], changes: Row): void {
    const existing = this.get(key);
    if (!existing) {
      this.missedUpdates++;
      return;
    }
    this.store(keyOf(key), { ...existing, ...changes }, existing);
  }

  /** Rows read from the table: kept as they are, unless this set already holds a newer copy. */
  addLoaded(rows: Row[]): void {
    for (const row of rows) {
      const key = keyOf(primaryKeyOf(this.model, row));
      if (!this.rows.has(key)) this.index(key, row, undefined);
    }
  }

  /** The rows changed since the last call, each once. */
  takeDirty(): Row[] {
    const rows = [...this.dirty].map((key) => this.rows.get(key)!);
    this.dirty.clear();
    return rows;
  }

  /** Forgets the least recently touched rows beyond capacity; the set is then no longer complete. */
  trim(): void {
    const excess = this.rows.size - this.options.capacity;
    if (excess <= 0) return;
    this.options.complete = false;
    let removed = 0;
    for (const [key, row] of this.rows) {
      if (removed++ >= excess) break;
      this.rows.delete(key);
      this.unindex(key, row);
    }
  }

  /** Drops every row held (e.g. after their writes were rolled back): from now on rows are read from the table. */
  forget(): void {
    this.rows.clear();
    this.bySecondary.clear();
    this.dirty.clear();
    this.options.complete = false;
  }

  private store(key: string, row: Row, previous: Row | undefined): void {
    // Re-inserting moves the row to the end: least recently touched rows come first.
    this.rows.delete(key);
    this.index(key, row, previous);
    this.dirty.add(key);
  }

  private index(key: string, row: Row, previous: Row | undefined): void {
    this.rows.set(key, row);
    const lookup = this.model.secondaryLookup;
    if (!lookup) return;
    if (previous) this.unindex(key, previous);
    const values = lookup.of(row);
    if (values) this.bySecondary.set(keyOf(values), key);
  }

  private unindex(key: string, row: Row): void {
    const values = this.model.secondaryLookup?.of(row);
    if (!values) return;
    const secondary = keyOf(values);
    if (this.bySecondary.get(secondary) === key) this.bySecondary.delete(secondary);
  }
}
