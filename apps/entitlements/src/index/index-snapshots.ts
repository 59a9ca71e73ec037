import { Inject, Injectable } from '@nestjs/common';
import { deserialize, serialize } from 'node:v8';
import type { Pool, PoolClient } from 'pg';
import { inTransaction, PG_POOL } from '@app/database';
import { EntitlementIndex, INDEX_STATE_FORMAT, IndexState } from '@app/entitlement';

/** bytea values are written and read in pieces: a whole index is hundreds of MiB. */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** Older snapshots are deleted once a newer one is written; one spare survives a bad newest one. */
const KEEP = 2;

export interface LoadedSnapshot {
  id: string;
  state: IndexState;
  bytes: number;
}

/**
 * Snapshots of the entitlement index in PostgreSQL, so that a replica starts from the newest one and
 * reads only the events after it. A snapshot is a cache of the log and is trusted only when it can be
 * checked against it: its format must be this code's, and the event at its position must still be the
 * event it was taken after (a database restored or re-created under the same name fails that check).
 */
@Injectable()
export class IndexSnapshots {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The newest usable snapshot, or null (none, another format, or not of this log). */
  async latest(): Promise<LoadedSnapshot | null> {
    const { rows } = await this.pool.query(
      `SELECT s.id, s.last_event_position, s.last_event_id, s.chunks,
              (SELECT e.event_id FROM events e WHERE e.global_position = s.last_event_position) AS event_at_position
       FROM entitlement_index_snapshots s WHERE s.format = $1 ORDER BY s.position DESC, s.id DESC LIMIT 1`,
      [INDEX_STATE_FORMAT],
    );
    const header = rows[0];
    if (!header) return null;
    if (header.last_event_id !== header.event_at_position) return null;
    const chunks = await this.pool.query<{ data: Buffer }>('SELECT data FROM entitlement_index_snapshot_chunks WHERE snapshot_id = $1 ORDER BY seq', [header.id]);
    if (chunks.rows.length !== header.chunks) return null;
    const bytes = Buffer.concat(chunks.rows.map((r) => r.data));
    return { id: String(header.id), state: deserialize(bytes) as IndexState, bytes: bytes.length };
  }

  /**
   * Writes the index as it is at this instant (serialised synchronously, so no event lands half-way) and
   * deletes older snapshots. Returns the size written.
   */
  async save(index: EntitlementIndex): Promise<{ bytes: number; position: number }> {
    const position = index.position;
    const bytes = serialize(index.state());
    await inTransaction(this.pool, async (client) => {
      const lastEventId = position > 0 ? await eventIdAt(client, position) : null;
      const chunks = Math.ceil(bytes.length / CHUNK_BYTES);
      const { rows } = await client.query(
        `INSERT INTO entitlement_index_snapshots (format, position, last_event_position, last_event_id, bytes, chunks)
         VALUES ($1, $2, $2, $3, $4, $5) RETURNING id`,
        [INDEX_STATE_FORMAT, position, lastEventId, bytes.length, chunks],
      );
      for (let seq = 0; seq < chunks; seq++) {
        const data = bytes.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES);
        await client.query('INSERT INTO entitlement_index_snapshot_chunks (snapshot_id, seq, data) VALUES ($1, $2, $3)', [rows[0].id, seq, data]);
      }
      await client.query(
        `WITH stale AS (SELECT id FROM entitlement_index_snapshots ORDER BY position DESC, id DESC OFFSET ${KEEP}),
              gone_chunks AS (DELETE FROM entitlement_index_snapshot_chunks WHERE snapshot_id IN (SELECT id FROM stale))
         DELETE FROM entitlement_index_snapshots WHERE id IN (SELECT id FROM stale)`,
      );
    });
    return { bytes: bytes.length, position };
  }
}

async function eventIdAt(client: PoolClient, position: number): Promise<string | null> {
  const { rows } = await client.query('SELECT event_id FROM events WHERE global_position = $1', [position]);
  return rows[0]?.event_id ?? null;
}
