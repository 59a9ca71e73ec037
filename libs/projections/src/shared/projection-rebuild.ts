import type { Pool, PoolClient } from 'pg';
import type { EventStore, GlobalReader, RecordedEvent } from '@app/event-store';
import { lockCheckpoints, saveCheckpoints } from './checkpoints';
import type { ReadModel } from './read-model';
import { RowSet } from './row-set';
import { projectBatch, qualifiedTable } from './table-io';

/** Where fresh tables are built before they replace the live ones. */
export const REBUILD_SCHEMA = 'projection_rebuild';
/** Session advisory lock held by a rebuild: one at a time per database. */
const REBUILD_LOCK = 0x70726f6a;

export interface RebuildProgress {
  phase: 'filling' | 'switching' | 'done';
  eventsDone: number;
  position: number;
  head: number;
  eventsPerSecond: number;
  /** Estimated from the rate so far; null before there is a rate. */
  secondsLeft: number | null;
}

export interface RebuildOptions {
  batchSize?: number;
  /** Rows per table kept in memory between batches (beyond it, rows are read back from the fresh table). */
  rowsInMemory?: number;
  onProgress?: (progress: RebuildProgress) => void;
  progressEveryMs?: number;
  /**
   * How long the switch may wait for a table lock (a reader's long query) before it lets readers
   * through, catches up again and retries: readers never wait on a rebuild for longer than this.
   */
  switchLockTimeoutMs?: number;
  switchAttempts?: number;
}

export interface RebuildResult {
  models: string[];
  position: number;
  eventsDone: number;
  seconds: number;
}

export class RebuildAlreadyRunningError extends Error {
  constructor() {
    super('another projection rebuild is running on this database');
  }
}

/**
 * Rebuilds read models from position 0 into fresh tables in a scratch schema, then, in one
 * transaction holding their checkpoint locks (so the live runners wait), catches up with the log,
 * swaps the fresh tables in and sets the checkpoints. Readers see the old tables until that commit,
 * and the new ones after it. It writes read-model tables and checkpoints only: no events, no jobs.
 */
export async function rebuildReadModels(pool: Pool, store: EventStore, models: readonly ReadModel[], options: RebuildOptions = {}): Promise<RebuildResult> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [REBUILD_LOCK]);
    if (!rows[0].locked) throw new RebuildAlreadyRunningError();
    try {
      return await new Rebuild(client, store, models, options).run();
    } finally {
      // A failure inside a batch leaves its transaction open: end it before cleaning up.
      await client.query('ROLLBACK').catch(() => undefined);
      await client.query(`DROP SCHEMA IF EXISTS ${REBUILD_SCHEMA} CASCADE`).catch(() => undefined);
      // The connection goes back to the pool: its next user commits durably again.
      await client.query('RESET synchronous_commit').catch(() => undefined);
      await client.query('SELECT pg_advisory_unlock($1)', [REBUILD_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/** PostgreSQL's lock_not_available: a lock wait ran past lock_timeout. */
const isLockTimeout = (error: unknown): boolean => (error as { code?: string }).code === '55P03';

class Rebuild {
  private readonly rowSets: RowSet[];
  private readonly batchSize: number;
  private readonly started = Date.now();
  private eventsDone = 0;
  private head = 0;
  private lastReport = 0;

  constructor(
    private readonly client: PoolClient,
    private readonly store: EventStore,
    private readonly models: readonly ReadModel[],
    private readonly options: RebuildOptions,
  ) {
    this.batchSize = options.batchSize ?? 5000;
    this.rowSets = models.map((model) => new RowSet(model, { complete: true, capacity: options.rowsInMemory ?? 250_000 }));
  }

  async run(): Promise<RebuildResult> {
    await this.createFreshTables();
    // Durability of each batch does not matter: a rebuild that dies is started again from 0.
    await this.client.query('SET synchronous_commit = off');
    this.head = await this.store.headPosition();
    let reader = this.store.reader(0);
    await this.fill(reader);
    for (let attempt = 1; ; attempt++) {
      const filled = { position: reader.checkpoint, eventsDone: this.eventsDone };
      try {
        const position = await this.switchIn(reader);
        this.report('done', position, true);
        return { models: this.models.map((m) => m.name), position, eventsDone: this.eventsDone, seconds: (Date.now() - this.started) / 1000 };
      } catch (error) {
        if (!isLockTimeout(error) || attempt >= (this.options.switchAttempts ?? 30)) throw error;
        // What the switch wrote was rolled back: forget it, and carry on from where the fill stood.
        for (const rows of this.rowSets) rows.forget();
        this.eventsDone = filled.eventsDone;
        reader = this.store.reader(filled.position);
        await this.fill(reader);
      }
    }
  }

  private async createFreshTables(): Promise<void> {
    await this.client.query(`DROP SCHEMA IF EXISTS ${REBUILD_SCHEMA} CASCADE`);
    await this.client.query(`CREATE SCHEMA ${REBUILD_SCHEMA}`);
    for (const model of this.models) {
      await this.client.query(`CREATE TABLE ${qualifiedTable(REBUILD_SCHEMA, model.table)} (LIKE ${qualifiedTable('public', model.table)} INCLUDING ALL)`);
    }
  }

  /** Reads the log in batches, the next read overlapping the writes of the current batch, until near the head. */
  private async fill(reader: GlobalReader): Promise<void> {
    let next = this.readAhead(reader);
    for (;;) {
      const events = await next;
      const position = reader.checkpoint;
      const nearHead = events.length < this.batchSize;
      if (!nearHead) next = this.readAhead(reader);
      if (events.length > 0) {
        await this.client.query('BEGIN');
        await this.apply(events);
        await this.client.query('COMMIT');
      }
      this.report('filling', position);
      if (nearHead) return;
    }
  }

  /** A read started now and awaited later: its failure must not go unhandled while a batch is written. */
  private readAhead(reader: GlobalReader): Promise<RecordedEvent[]> {
    const read = reader.read(this.batchSize);
    read.catch(() => undefined);
    return read;
  }

  private async apply(events: RecordedEvent[]): Promise<void> {
    for (const rows of this.rowSets) {
      await projectBatch(this.client, REBUILD_SCHEMA, rows, events);
      rows.trim();
    }
    this.eventsDone += events.length;
  }

  /**
   * The atomic switch. Under the checkpoint locks: first what the live runners have already
   * passed (settled, so read as a plain range), then whatever the reader can still see; then the
   * fresh tables replace the live ones and the checkpoints move to where the fresh tables stand.
   */
  private async switchIn(reader: GlobalReader): Promise<number> {
    const names = this.models.map((m) => m.name);
    await this.client.query('BEGIN');
    try {
      await this.client.query('SET LOCAL synchronous_commit = on');
      await this.client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(this.options.switchLockTimeoutMs ?? 2000))}`);
      const committed = await lockCheckpoints(this.client, names);
      let position = reader.checkpoint;
      const runnersAt = Math.max(0, ...committed.values());
      while (position < runnersAt) {
        const events = await this.store.readSettledRange(position, runnersAt, this.batchSize);
        if (events.length === 0) break;
        await this.apply(events);
        position = events[events.length - 1].globalPosition;
      }
      position = Math.max(position, runnersAt);
      const caughtUp = position > reader.checkpoint ? this.store.reader(position) : reader;
      for (let events = await caughtUp.read(this.batchSize); events.length > 0; events = await caughtUp.read(this.batchSize)) {
        await this.apply(events);
      }
      position = Math.max(position, caughtUp.checkpoint);
      this.report('switching', position, true);
      for (const model of this.models) {
        await this.client.query(`DROP TABLE ${qualifiedTable('public', model.table)}`);
        await this.client.query(`ALTER TABLE ${qualifiedTable(REBUILD_SCHEMA, model.table)} SET SCHEMA public`);
      }
      await saveCheckpoints(this.client, names, position);
      await this.client.query('COMMIT');
      return position;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private report(phase: RebuildProgress['phase'], position: number, always = false): void {
    const { onProgress, progressEveryMs = 1000 } = this.options;
    const now = Date.now();
    if (!onProgress || (!always && now - this.lastReport < progressEveryMs)) return;
    this.lastReport = now;
    this.head = Math.max(this.head, position);
    const eventsPerSecond = this.eventsDone / Math.max(0.001, (now - this.started) / 1000);
    const secondsLeft = eventsPerSecond > 0 ? Math.max(0, this.head - position) / eventsPerSecond : null;
    onProgress({ phase, eventsDone: this.eventsDone, position, head: this.head, eventsPerSecond, secondsLeft });
  }
}

