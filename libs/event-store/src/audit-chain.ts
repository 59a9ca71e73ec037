import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

/**
 * Tamper evidence for the event store (see the hash-chain migration for the canonical content).
 *
 * - Each event's `hash` is SHA-256 over the previous event of its stream (`prev_hash`, 32 zero bytes for
 *   the first) and its canonical content; append_to_stream writes both.
 * - An audit checkpoint rolls every event's hash, in log order, into one root — root(n) =
 *   SHA-256(root(n-1) || hash(n)) — and signs (position, events, root) with HMAC-SHA256. Chains catch an
 *   edited or removed event inside a stream; checkpoints also catch events or whole streams removed at the end.
 *
 * The verifier recomputes everything outside the database from the stored columns, so a rewritten
 * append function cannot vouch for itself.
 */

export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** The columns the hash covers, as the database renders them (`data::text` is canonical jsonb text). */
export interface HashedContent {
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  dataText: string;
  metadataText: string;
  /** recorded_at in microseconds since the epoch, as decimal text. */
  recordedAtMicros: string;
}

export function eventHash(prev: Buffer, e: HashedContent): Buffer {
  return createHash('sha256')
    .update(prev)
    .update(`${e.streamId}\n${e.streamVersion}\n${e.eventId}\n${e.type}\n${e.schemaVersion}\n${e.dataText}\n${e.metadataText}\n${e.recordedAtMicros}`, 'utf8')
    .digest();
}

export function rollRoot(root: Buffer, hash: Buffer): Buffer {
  return createHash('sha256').update(root).update(hash).digest();
}

export function signCheckpoint(key: string, position: string, events: string, root: Buffer): string {
  return createHmac('sha256', key).update(`${position}\n${events}\n${root.toString('hex')}`).digest('hex');
}

function signatureMatches(key: string, position: string, events: string, root: Buffer, signature: string): boolean {
  const expected = Buffer.from(signCheckpoint(key, position, events, root), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface ChainBreak {
  /** Where the first broken link is: the event (or, for a removed tail, the stream), and what is wrong. */
  globalPosition: string | null;
  streamId: string | null;
  streamVersion: number | null;
  checkpointPosition: string | null;
  problem: string;
}

export interface IntegrityReport {
  ok: boolean;
  events: number;
  streams: number;
  headPosition: string;
  checkpoints: number;
  /** The newest checkpoint the log was verified against: nothing up to its position can have been removed unnoticed. */
  lastCheckpoint: { position: string; events: string; createdAt: string } | null;
  firstBreak: ChainBreak | null;
  ms: number;
}

interface CheckpointRow {
  position: string;
  events: string;
  root_hash: Buffer;
  signature: string;
  created_at: Date;
}

const BATCH = 5000;

/** How old history may be before a checkpoint must cover it: two intervals and a minute. */
export function checkpointGraceMs(checkpointIntervalMs: number): number {
  return 2 * checkpointIntervalMs + 60_000;
}

export interface VerifyOptions {
  /**
   * Events recorded longer ago than this must be covered by a signed checkpoint. The chains alone are
   * unkeyed hashes: someone who deletes the newest checkpoints could rewrite what came after them and
   * recompute the chains, so history older than the checkpoint interval (with a margin) that no checkpoint
   * covers is itself a finding. Unset: not checked.
   */
  uncoveredAfterMs?: number;
  onProgress?: (events: number, position: string) => void;
}

/**
 * Recomputes every chain and every checkpoint over one consistent snapshot of the store and reports
 * the first broken link (in log order).
 */
export async function verifyAuditChains(pool: Pool, signingKey: string, options: VerifyOptions = {}): Promise<IntegrityReport> {
  const started = Date.now();
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    let report = await verifyInSnapshot(client, signingKey, options.onProgress);
    if (report.ok && options.uncoveredAfterMs !== undefined) report = { ...report, ...(await uncoveredHistory(client, report, options.uncoveredAfterMs)) };
    await client.query('COMMIT');
    return { ...report, ms: Date.now() - started };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function verifyInSnapshot(client: PoolClient, signingKey: string, onProgress?: (events: number, position: string) => void): Promise<Omit<IntegrityReport, 'ms'>> {
  const checkpoints = (await client.query<CheckpointRow>('SELECT position::text, events::text, root_hash, signature, created_at FROM audit_checkpoints ORDER BY position')).rows;
  const streams = new Map<string, { version: number; hash: Buffer }>();
  let root = GENESIS_HASH;
  let events = 0;
  let after = '0';
  let nextCheckpoint = 0;
  let lastCheckpoint: IntegrityReport['lastCheckpoint'] = null;
  const result = (firstBreak: ChainBreak | null): Omit<IntegrityReport, 'ms'> => ({
    ok: firstBreak === null,
    events,
    streams: streams.size,
    headPosition: after,
    checkpoints: checkpoints.length,
    lastCheckpoint,
    firstBreak,
  });

  /** Checks every checkpoint at or below `position` against the root as it stood after `position`. */
  const passCheckpoints = (position: bigint): ChainBreak | null => {
    while (nextCheckpoint < checkpoints.length && BigInt(checkpoints[nextCheckpoint].position) <= position) {
      const cp = checkpoints[nextCheckpoint++];
      if (!signatureMatches(signingKey, cp.position, cp.events, cp.root_hash, cp.signature)) {
        return { globalPosition: null, streamId: null, streamVersion: null, checkpointPosition: cp.position, problem: 'the checkpoint signature does not match its content' };
      }
      if (cp.events !== String(events) || !cp.root_hash.equals(root)) {
        return {
          globalPosition: null, streamId: null, streamVersion: null, checkpointPosition: cp.position,
          problem: `the log up to this checkpoint no longer matches it: ${events} events now, ${cp.events} when it was signed`,
        };
      }
      lastCheckpoint = { position: cp.position, events: cp.events, createdAt: cp.created_at.toISOString() };
    }
    return null;
  };

  for (;;) {
    const { rows } = await client.query(
      `SELECT global_position::text AS position, stream_id, stream_version, event_id::text, type, schema_version, data::text AS data_text,
              metadata::text AS metadata_text, (extract(epoch FROM recorded_at) * 1000000)::bigint::text AS recorded_us, prev_hash, hash
         FROM events WHERE global_position > $1 ORDER BY global_position LIMIT ${BATCH}`,
      [after],
    );
    for (const row of rows) {
      const broken = passCheckpoints(BigInt(row.position) - 1n);
      if (broken) return result(broken);
      const stream = streams.get(row.stream_id);
      const expectedVersion = (stream?.version ?? 0) + 1;
      const expectedPrev = stream?.hash ?? GENESIS_HASH;
      const at = { globalPosition: row.position as string, streamId: row.stream_id as string, streamVersion: row.stream_version as number, checkpointPosition: null };
      if (row.stream_version !== expectedVersion) {
        return result({ ...at, problem: `stream version ${row.stream_version} follows version ${expectedVersion - 1}: an event is missing` });
      }
      if (!(row.prev_hash as Buffer).equals(expectedPrev)) {
        return result({ ...at, problem: 'prev_hash is not the hash of the previous event of its stream' });
      }
      const hash = eventHash(expectedPrev, {
        streamId: row.stream_id, streamVersion: row.stream_version, eventId: row.event_id, type: row.type, schemaVersion: row.schema_version,
        dataText: row.data_text, metadataText: row.metadata_text, recordedAtMicros: row.recorded_us,
      });
      if (!hash.equals(row.hash as Buffer)) return result({ ...at, problem: 'the event content does not match its hash: it was changed after it was written' });
      streams.set(row.stream_id, { version: row.stream_version, hash });
      root = rollRoot(root, hash);
      events++;
      after = row.position;
    }
    onProgress?.(events, after);
    if (rows.length < BATCH) break;
  }
  const broken = passCheckpoints(BigInt(Number.MAX_SAFE_INTEGER) * 1000n);
  if (broken) return result(broken);

  const { rows: heads } = await client.query<{ stream_id: string; version: number; last_hash: Buffer | null }>('SELECT stream_id, version, last_hash FROM streams WHERE version > 0');
  for (const head of heads) {
    const seen = streams.get(head.stream_id);
    if (!seen || seen.version !== head.version || !head.last_hash || !seen.hash.equals(head.last_hash)) {
      return result({
        globalPosition: null, streamId: head.stream_id, streamVersion: head.version, checkpointPosition: null,
        problem: `the stream is recorded at version ${head.version} but its events end at version ${seen?.version ?? 0}: events were removed from its end`,
      });
    }
  }
  if (heads.length !== streams.size) {
    const recorded = new Set(heads.map((h) => h.stream_id));
    const orphan = [...streams.keys()].find((id) => !recorded.has(id))!;
    return result({ globalPosition: null, streamId: orphan, streamVersion: null, checkpointPosition: null, problem: 'events exist for a stream the store has no record of' });
  }
  return result(null);
}

/** The oldest event no signed checkpoint covers, when it was recorded longer ago than `afterMs`. */
async function uncoveredHistory(client: PoolClient, report: Omit<IntegrityReport, 'ms'>, afterMs: number): Promise<Partial<IntegrityReport>> {
  const covered = report.lastCheckpoint?.position ?? '0';
  const { rows } = await client.query<{ position: string; stream_id: string; stream_version: number; recorded_at: Date }>(
    `SELECT global_position::text AS position, stream_id, stream_version, recorded_at FROM events
      WHERE global_position > $1 AND recorded_at < now() - make_interval(secs => $2::double precision / 1000)
      ORDER BY global_position LIMIT 1`,
    [covered, afterMs],
  );
  const first = rows[0];
  if (!first) return {};
  return {
    ok: false,
    firstBreak: {
      globalPosition: first.position, streamId: first.stream_id, streamVersion: first.stream_version, checkpointPosition: report.lastCheckpoint?.position ?? null,
      problem: `recorded at ${first.recorded_at.toISOString()} but covered by no signed checkpoint: checkpoints are missing (deleted, or the worker has not been recording them)`,
    },
  };
}

/** The newest checkpoint, from which the next one continues. */
export async function latestCheckpoint(pool: Pool): Promise<{ position: number; events: number; root: Buffer }> {
  const { rows } = await pool.query<{ position: string; events: string; root_hash: Buffer }>('SELECT position::text, events::text, root_hash FROM audit_checkpoints ORDER BY position DESC LIMIT 1');
  return rows[0] ? { position: Number(rows[0].position), events: Number(rows[0].events), root: rows[0].root_hash } : { position: 0, events: 0, root: GENESIS_HASH };
}

export async function recordCheckpoint(pool: Pool, signingKey: string, position: number, events: number, root: Buffer): Promise<void> {
  await pool.query('INSERT INTO audit_checkpoints (position, events, root_hash, signature) VALUES ($1, $2, $3, $4) ON CONFLICT (position) DO NOTHING', [
    position, events, root, signCheckpoint(signingKey, String(position), String(events), root),
  ]);
}

/** The stored hashes of these positions, for rolling them into the root. */
export async function hashesAt(pool: Pool, positions: number[]): Promise<Map<number, Buffer>> {
  const { rows } = await pool.query<{ position: string; hash: Buffer }>('SELECT global_position::text AS position, hash FROM events WHERE global_position = ANY($1::bigint[])', [positions]);
  return new Map(rows.map((r) => [Number(r.position), r.hash]));
}
