import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { inTransaction, PG_POOL } from '@app/database';
import { encodeIndexState, encodeIndexStateInSteps, EntitlementIndex, INDEX_STATE_FORMAT, IndexState, IndexStateDecoder } from '@app/entitlement';

/** Older snapshots are deleted once a newer one is written; one spare survives a bad newest one. */
const KEEP = 2;
/** Shards requested ahead of the one being parsed, so that the database sends while this thread parses. */
const READ_AHEAD = 3;

export interface LoadedSnapshot {
  id: string;
  state: IndexState;
  bytes: number;
}

/**
 * Snapshots of the entitlement index in PostgreSQL, so that a replica starts from the newest one and
 * reads only the events after it. A snapshot is the index written out by `encodeIndexState`: JSON shards,
 * one row each, read back in order with a few requested ahead. It is a cache of the log and is trusted
 * only when it can be checked against it: its format must be this code's, and the event at its position
 * must still be the event it was taken after (a database restored or re-created under the same name
 * fails that check).
 */
@Injectable()
export class IndexSnapshots {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The position of the newest snapshot of this format, or null when there is none (not checked against the log). */
  async newestPosition(): Promise<number | null> {
    const { rows } = await this.pool.query('SELECT max(position)::text AS position FROM entitlement_index_snapshots WHERE format = $1', [INDEX_STATE_FORMAT]);
    return rows[0].position === null ? null : Number(rows[0].position);
  }

  /** The newest usable snapshot, or null (none, another format, or not of this log). Throws when one is damaged. */
  async latest(): Promise<LoadedSnapshot | null> {
    const { rows } = await this.pool.query(
      `SELECT s.id, s.last_event_id, s.chunks, s.bytes,
              (SELECT e.event_id FROM events e WHERE e.global_position = s.last_event_position) AS event_at_position
       FROM entitlement_index_snapshots s WHERE s.format = $1 ORDER BY s.position DESC, s.id DESC LIMIT 1`,
      [INDEX_STATE_FORMAT],
    );
    const header = rows[0];
    if (!header) return null;
    if (header.last_event_id !== header.event_at_position) return null;
    const decoder = new IndexStateDecoder();
    const shard = async (seq: number): Promise<string> => {
      const { rows: found } = await this.pool.query<{ body: string }>('SELECT body FROM entitlement_index_snapshot_chunks WHERE snapshot_id = $1 AND seq = $2', [header.id, seq]);
      if (!found[0]) throw new Error(`snapshot ${header.id} has no shard ${seq} of ${header.chunks}`);
      return found[0].body;
    };
    const ahead: Promise<string>[] = [];
    let requested = 0;
    const requestMore = () => {
      while (requested < header.chunks && ahead.length < READ_AHEAD) {
        const next = shard(requested++);
        next.catch(() => undefined); // awaited in turn below; a failure ahead must not go unhandled meanwhile
        ahead.push(next);
      }
    };
    requestMore();
    for (let seq = 0; seq < header.chunks; seq++) {
      const text = await ahead.shift()!;
      requestMore();
      decoder.add(text);
    }
    return { id: String(header.id), state: decoder.finish(), bytes: Number(header.bytes) };
  }

  /**
   * Writes the index as it is at this instant (encoded synchronously, so no event lands half-way) and
   * deletes older snapshots. Returns the size written. With `pause`, the index is encoded a step at a time,
   * awaiting `pause()` between steps (`encodeIndexStateInSteps`): only for an index nothing else changes
   * meanwhile.
   */
  async save(index: EntitlementIndex, options: { pause?: () => Promise<void> } = {}): Promise<{ bytes: number; position: number }> {
    const position = index.position;
    const shards = options.pause ? await encodeIndexStateInSteps(index.state(), options.pause) : encodeIndexState(index.state());
    const bytes = shards.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    await inTransaction(this.pool, async (client) => {
      const lastEventId = position > 0 ? await eventIdAt(client, position) : null;
      const { rows } = await client.query(
        `INSERT INTO entitlement_index_snapshots (format, position, last_event_position, last_event_id, bytes, chunks)
         VALUES ($1, $2, $2, $3, $4, $5) RETURNING id`,
        [INDEX_STATE_FORMAT, position, lastEventId, bytes, shards.length],
      );
      for (let seq = 0; seq < shards.length; seq++) {
        await client.query('INSERT INTO entitlement_index_snapshot_chunks (snapshot_id, seq, body) VALUES ($1, $2, $3)', [rows[0].id, seq, shards[seq]]);
      }
      await client.query(
        `WITH stale AS (SELECT id FROM entitlement_index_snapshots ORDER BY position DESC, id DESC OFFSET ${KEEP}),
              gone_chunks AS (DELETE FROM entitlement_index_snapshot_chunks WHERE snapshot_id IN (SELECT id FROM stale))
         DELETE FROM entitlement_index_snapshots WHERE id IN (SELECT id FROM stale)`,
      );
    });
    return { bytes, position };
  }
}

async function eventIdAt(client: PoolClient, position: number): Promise<string | null> {
  const { rows } = await client.query('SELECT event_id FROM events WHERE global_position = $1', [position]);
  return rows[0]?.event_id ?? null;
}
