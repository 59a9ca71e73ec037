import type { Pool } from 'pg';
import type { RecordedEvent } from './event';
import { allFinishedSince, parseSnapshot, TxSnapshot } from './snapshot';
import { EVENT_COLUMNS, toRecordedEvent } from './rows';

/**
 * Reads the global log in position order without ever skipping an event that commits late.
 *
 * Positions come from a sequence before commit, so position 101 can be visible while 100 is
 * still in flight. Each read returns the statement's own snapshot beside the rows. A missing
 * position below the highest visible one belongs to a transaction that already had its id when
 * the snapshot was taken (append_to_stream locks the stream row, which assigns the id, before
 * taking positions). So:
 *  - when that snapshot lists no transaction in progress, the gap is a rollback: skip it;
 *  - otherwise stop before the gap and remember the snapshot; once every transaction it listed
 *    has finished, a later read is authoritative for positions up to the highest one seen then,
 *    and whatever is still missing there was rolled back. Aborted transactions never stall us.
 */
export class GlobalReader {
  private pendingGap: { snapshot: TxSnapshot; upTo: number } | null = null;
  /** Positions up to here that are still missing are known to be rolled back. */
  private settledThrough = 0;

  constructor(private readonly pool: Pool, private position: number) {}

  /** Every event up to this position has been returned (or is known never to exist). */
  get checkpoint(): number {
    return this.position;
  }

  /** True while an unsettled gap holds the reader back. */
  get waitingOnGap(): boolean {
    return this.pendingGap !== null;
  }

  async read(limit: number): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query(
      `SELECT pg_current_snapshot()::text AS snapshot, ${EVENT_COLUMNS}
         FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [this.position, limit],
    );
    if (rows.length === 0) return [];
    const snapshot = parseSnapshot(rows[0].snapshot);
    if (this.pendingGap && allFinishedSince(this.pendingGap.snapshot, snapshot)) {
      this.settledThrough = Math.max(this.settledThrough, this.pendingGap.upTo);
      this.pendingGap = null;
    }
    const quiet = snapshot.inProgress.length === 0;

    const events: RecordedEvent[] = [];
    for (const row of rows) {
      const position = row.global_position as number;
      if (position !== this.position + 1 && !quiet && position - 1 > this.settledThrough) {
        // A gap that a transaction still in flight may fill: wait for it.
        this.pendingGap ??= { snapshot, upTo: rows[rows.length - 1].global_position };
        this.position = Math.max(this.position, Math.min(position - 1, this.settledThrough));
        return events;
      }
      events.push(toRecordedEvent(row));
      this.position = position;
    }
    return events;
  }
}
