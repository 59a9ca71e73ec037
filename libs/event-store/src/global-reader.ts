import type { Pool } from 'pg';
import type { RecordedEvent } from './event';
import { noneRunningBelow, parseSnapshot } from './snapshot';
import { EVENT_COLUMNS, toRecordedEvent } from './rows';

/**
 * Reads the global log in position order without ever skipping an event that commits late.
 *
 * Positions come from a sequence before commit, so position 101 can be visible while 100 is
 * still in flight. append_to_stream locks the stream row, which gives its transaction an id,
 * *before* it draws positions. So when a read shows a gap below a visible position, every
 * transaction that could still fill it already has an id. The reader then draws a transaction id
 * of its own (`pg_current_xact_id()`) as a bound: the gap's owner has a smaller id. Once a later
 * snapshot shows no running transaction below the bound, a read is authoritative for every
 * position up to the highest one seen with the gap: what is still missing there was rolled back
 * and is skipped. Aborted transactions never stall the reader; a transaction that stays open
 * holds it back only while it is open.
 */
export class GlobalReader {
  private pendingGap: { bound: number; upTo: number } | null = null;
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
    const events: RecordedEvent[] = [];
    // A second pass right after drawing the bound settles a gap whose owner has already rolled back.
    for (let pass = 0; pass < 2 && events.length < limit; pass++) {
      const { rows } = await this.pool.query(
        `SELECT pg_current_snapshot()::text AS snapshot, ${EVENT_COLUMNS}
           FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
        [this.position, limit - events.length],
      );
      if (rows.length === 0) return events;
      const snapshot = parseSnapshot(rows[0].snapshot);
      if (this.pendingGap && noneRunningBelow(snapshot, this.pendingGap.bound)) {
        this.settledThrough = Math.max(this.settledThrough, this.pendingGap.upTo);
        this.pendingGap = null;
      }
      let gapAt: number | null = null;
      for (const row of rows) {
        const position = Number(row.global_position);
        if (position !== this.position + 1 && position - 1 > this.settledThrough) {
          gapAt = position;
          this.position = Math.max(this.position, Math.min(position - 1, this.settledThrough));
          break;
        }
        events.push(toRecordedEvent(row));
        this.position = position;
      }
      if (gapAt === null || this.pendingGap) return events;
      const { rows: drawn } = await this.pool.query('SELECT pg_current_xact_id()::text AS xid');
      this.pendingGap = { bound: Number(drawn[0].xid), upTo: Number(rows[rows.length - 1].global_position) };
    }
    return events;
  }
}
