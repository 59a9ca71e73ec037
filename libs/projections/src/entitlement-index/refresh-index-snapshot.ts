import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Pool } from 'pg';
import { EntitlementIndex, GeoPolicy } from '@app/entitlement';
import type { EventStore } from '@app/event-store';
import { IndexSnapshots } from './index-snapshots';

/** Session advisory lock held while a snapshot is refreshed: one refresh at a time per database. */
export const INDEX_SNAPSHOT_REFRESH_LOCK = 0x69647873;

export interface SnapshotRefreshOptions {
  /** Write a new snapshot only when the log holds at least this many events past the newest one. */
  minEvents: number;
  batchSize?: number;
  onProgress?: (progress: SnapshotRefreshProgress) => void;
  progressEveryMs?: number;
  /** Asked between batches: true abandons the refresh without writing (the process is stopping). */
  shouldStop?: () => boolean;
}

export interface SnapshotRefreshProgress {
  /** Events applied after the snapshot the refresh started from. */
  eventsReplayed: number;
  position: number;
  /** The log's head when the refresh began: it reads up to there. */
  head: number;
  eventsPerSecond: number;
}

export type SnapshotRefreshResult =
  | {
      outcome: 'written';
      /** The snapshot it continued from; null when it replayed the whole log. */
      fromPosition: number | null;
      eventsReplayed: number;
      position: number;
      bytes: number;
      seconds: number;
    }
  /** The newest snapshot is fewer than `minEvents` behind the log: nothing to do. */
  | { outcome: 'fresh'; snapshotPosition: number | null; head: number }
  /** Another process is refreshing the snapshot right now. */
  | { outcome: 'busy' }
  | { outcome: 'stopped' };

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A refresh's progress as the worker logs it and `npm run index:snapshot` prints it. */
export function describeRefreshProgress(p: SnapshotRefreshProgress): string {
  return `${count(p.eventsReplayed)} events applied, at #${count(p.position)} of #${count(p.head)}, ${count(p.eventsPerSecond)} events/s`;
}

/** A written snapshot as the worker logs it and `npm run index:snapshot` prints it. */
export function describeWrittenSnapshot(result: Extract<SnapshotRefreshResult, { outcome: 'written' }>): string {
  const from = result.fromPosition === null ? 'the whole log' : `the snapshot at #${count(result.fromPosition)}`;
  return `index snapshot written at #${count(result.position)} (${(result.bytes / 1024 / 1024).toFixed(1)} MiB) from ${from} + ${count(result.eventsReplayed)} events in ${result.seconds.toFixed(1)} s`;
}

/**
 * Brings the newest entitlement index snapshot up to the log's head, out of the serving replicas: it
 * loads the newest snapshot (or replays the log when there is none it can use), applies the events after
 * it and writes the result as the new newest snapshot. Replicas write one only when their own start
 * replayed many events; without a refresh the next replica to start (a restart, a scale-up) replays
 * everything since, and its cold start grows with the time the fleet has run. Holds an index of its own
 * while it runs: the memory of one replica's index, given back when it returns.
 */
export async function refreshIndexSnapshot(pool: Pool, store: EventStore, geoPolicy: GeoPolicy, options: SnapshotRefreshOptions): Promise<SnapshotRefreshResult> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [INDEX_SNAPSHOT_REFRESH_LOCK]);
    if (!rows[0].locked) return { outcome: 'busy' };
    try {
      return await refresh(pool, store, geoPolicy, options);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [INDEX_SNAPSHOT_REFRESH_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

async function refresh(pool: Pool, store: EventStore, geoPolicy: GeoPolicy, options: SnapshotRefreshOptions): Promise<SnapshotRefreshResult> {
  const started = Date.now();
  const snapshots = new IndexSnapshots(pool);
  const head = await store.headPosition();
  const newest = await snapshots.newestPosition();
  if (head - (newest ?? 0) < options.minEvents) return { outcome: 'fresh', snapshotPosition: newest, head };

  // A snapshot that cannot be used (another log, damaged) is replaced by a whole replay, as at a replica's start.
  const loaded = await snapshots.latest().catch(() => null);
  const index = new EntitlementIndex(geoPolicy, loaded?.state);
  const fromPosition = loaded ? index.position : null;
  const reader = store.reader(index.position);
  const batchSize = options.batchSize ?? 5000;
  const progressEveryMs = options.progressEveryMs ?? 5000;
  let eventsReplayed = 0;
  let reported = started;
  const progress = (): SnapshotRefreshProgress => ({
    eventsReplayed,
    position: index.position,
    head,
    eventsPerSecond: eventsReplayed / Math.max(0.001, (Date.now() - started) / 1000),
  });
  // Up to the head seen at the start (events committed meanwhile wait for the next refresh), stopping
  // early before a gap a transaction still in flight may fill: the snapshot holds every event up to its position.
  while (reader.checkpoint < head) {
    if (options.shouldStop?.()) return { outcome: 'stopped' };
    const events = await reader.read(batchSize);
    if (events.length === 0) break;
    for (const event of events) index.apply(event);
    eventsReplayed += events.length;
    if (options.onProgress && Date.now() - reported >= progressEveryMs) {
      reported = Date.now();
      options.onProgress(progress());
    }
  }
  if (options.shouldStop?.()) return { outcome: 'stopped' };
  if (index.position <= (newest ?? 0)) return { outcome: 'fresh', snapshotPosition: newest, head };
  // The index is this refresh's own, so it can be written a step at a time: the process's other work
  // (the worker's jobs, its metrics) runs between the steps.
  const written = await snapshots.save(index, { pause: () => nextTurn() });
  options.onProgress?.(progress());
  return { outcome: 'written', fromPosition, eventsReplayed, position: written.position, bytes: written.bytes, seconds: (Date.now() - started) / 1000 };
}
