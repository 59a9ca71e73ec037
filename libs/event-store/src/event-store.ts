import type { Pool, PoolClient } from 'pg';
import type { AppendResult, ExpectedVersion, NewEvent, RecordedEvent } from './event';
import { IdempotencyConflictError, WrongExpectedVersionError } from './errors';
import { AppendNotifier } from './append-notifier';
import { newEventId } from './event-ids';
import { GlobalReader } from './global-reader';
import { EVENT_COLUMNS, toRecordedEvent } from './rows';
import { Subscription, SubscriptionOptions } from './subscription';

type Queryable = Pool | PoolClient;

function expectedToSql(expected: ExpectedVersion): number {
  if (expected === 'any') return -1;
  if (expected === 'no_stream') return 0;
  if (!Number.isInteger(expected) || expected < 0) throw new RangeError(`Invalid expected version ${expected}`);
  return expected;
}

/** The PostgreSQL event store: the only code that writes events. */
export class EventStore {
  private readonly notifier: AppendNotifier;

  constructor(readonly pool: Pool, private readonly options: { pollIntervalMs: number; batchSize: number } = { pollIntervalMs: 500, batchSize: 2000 }) {
    this.notifier = new AppendNotifier(pool);
  }

  /** Wakes subscribers; call after committing a transaction that appended through `client`. */
  notifyAppended(): void {
    this.notifier.appended();
  }

  /**
   * Appends events to one stream atomically, in one round trip. `client` lets a caller append
   * inside its own transaction. Throws WrongExpectedVersionError on a concurrency conflict.
   */
  async appendToStream(
    streamId: string,
    events: NewEvent[],
    options: { expectedVersion: ExpectedVersion; client?: PoolClient },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
    const db: Queryable = options.client ?? this.pool;
    const ids = events.map((e) => e.eventId ?? newEventId());
    try {
      const { rows } = await db.query<{ global_position: string; stream_version: number; duplicate: boolean }>(
        'SELECT global_position, stream_version, duplicate FROM append_to_stream($1, $2, $3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])',
        [
          streamId,
          expectedToSql(options.expectedVersion),
          ids,
          events.map((e) => e.type),
          events.map((e) => e.schemaVersion ?? 1),
          events.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify(e.metadata)),
        ],
      );
      if (!options.client && !rows[0].duplicate) this.notifier.appended();
      return {
        streamId,
        streamVersion: rows[rows.length - 1].stream_version,
        // BIGINT arrives as a string; positions stay below 2^53 for this system's lifetime.
        positions: rows.map((r) => Number(r.global_position)),
        duplicate: rows[0].duplicate,
      };
    } catch (error) {
      const pgError = error as { code?: string; message: string };
      if (pgError.code === 'ES409') {
        throw new WrongExpectedVersionError(streamId, options.expectedVersion, Number(pgError.message));
      }
      if (pgError.code === 'ES422') throw new IdempotencyConflictError(streamId, pgError.message);
      if (pgError.code === '23505') {
        // Appends to a stream serialise on its row, so a clean retry never gets here: only a
        // retry whose later event ids are already stored while its first is not.
        throw new IdempotencyConflictError(streamId, 'some of these event ids are already stored in the stream');
      }
      throw error;
    }
  }

  async readStream(streamId: string, options: { fromVersion?: number; client?: PoolClient } = {}): Promise<RecordedEvent[]> {
    const db: Queryable = options.client ?? this.pool;
    const { rows } = await db.query(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version`,
      [streamId, options.fromVersion ?? 0],
    );
    return rows.map(toRecordedEvent);
  }

  /** Every event whose data names the partner (its own stream and those of its cases, licenses, users...). */
  async readPartnerEvents(partnerId: string): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $2 OR data->>'partnerId' = $1 ORDER BY global_position`,
      [partnerId, `partner-${partnerId}`],
    );
    return rows.map(toRecordedEvent);
  }

  /**
   * Events of every stream whose fact happened (metadata.occurredAt) at or before an instant, in
   * global order: the basis of as-of queries. Read from the store each time, never cached.
   */
  async readAllOccurredUntil(until: Date, fromPosition = 0, limit = this.options.batchSize): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query(
      `SELECT ${EVENT_COLUMNS} FROM events
        WHERE global_position > $1 AND (metadata->>'occurredAt')::timestamptz <= $2
        ORDER BY global_position LIMIT $3`,
      [fromPosition, until, limit],
    );
    return rows.map(toRecordedEvent);
  }

  /**
   * Up to `limit` events after `fromPosition`, in global order, stopping before any gap that a
   * transaction still in flight may fill. For a long-running reader use `reader()`, which also
   * remembers gaps so that a rolled-back transaction never holds it back.
   */
  async readAll(fromPosition: number, limit: number = this.options.batchSize): Promise<RecordedEvent[]> {
    return this.reader(fromPosition).read(limit);
  }

  /**
   * Events with positions in (after, upTo], in order, at most `limit`. Only for a range some reader
   * has already passed (settled): no gap there can still fill.
   */
  async readSettledRange(after: number, upTo: number, limit: number = this.options.batchSize): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > $1 AND global_position <= $2 ORDER BY global_position LIMIT $3`,
      [after, upTo, limit],
    );
    return rows.map(toRecordedEvent);
  }

  reader(fromPosition: number): GlobalReader {
    return new GlobalReader(this.pool, fromPosition);
  }

  /** The highest global position committed so far (may sit beyond an in-flight gap). */
  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query('SELECT coalesce(max(global_position), 0) AS head FROM events');
    return Number(rows[0].head);
  }

  /** Tails the global log: wakes on LISTEN/NOTIFY, polls as a fallback, survives connection loss. */
  subscribe(options: Omit<SubscriptionOptions, 'pollIntervalMs' | 'batchSize'> & Partial<SubscriptionOptions>): Subscription {
    const subscription = new Subscription(this.pool, {
      pollIntervalMs: this.options.pollIntervalMs,
      batchSize: this.options.batchSize,
      ...options,
    });
    subscription.start();
    return subscription;
  }
}

