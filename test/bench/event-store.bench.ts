/**
 * Event store benchmark: append throughput and latency, batch append latency, and global-log
 * replay throughput, against a throw-away database. Not a jest test: built by `npm run build`
 * and run by `npm run bench:event-store`.
 *
 * BENCH_DATABASE_URL names the server and the base database name; the benchmark creates a
 * database of its own with a unique suffix (never touching an existing one) and drops it at the end.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { createPool, databaseName, dropDatabase, ensureDatabase, migrate, withDatabase } from '@app/database';
import { EventStore, NewEvent } from '@app/event-store';

const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ma_bench_event_store';
const WRITERS = 16;
const APPEND_SECONDS = 10;
const BASELINE_SECONDS = 3;
const BATCH_SIZE = 100;
const BATCH_REPEATS = 200;
const REPLAY_EVENTS = 1_000_000;
const SEED_EVENTS_PER_CALL = 1_000;
const SEED_CONNECTIONS = 4;
const SEED_CALLS_PER_STREAM = 10;
const REPLAY_BATCH = 5_000;

const TARGETS = { appendsPerSecond: 3_000, batchP99Ms: 5, replayPerSecond: 50_000 };

const meta = {
  actorId: 'bench-admin',
  actorRole: 'admin',
  correlationId: 'bench-correlation',
  causationId: null,
  occurredAt: '2026-06-09T00:00:00.000Z',
};

/** A licence grant of realistic size (about 300 bytes with its metadata). */
function licenseGranted(n: number): NewEvent {
  return {
    type: 'LicenseGranted',
    data: {
      licenseId: `lic-${n}`,
      partnerId: `partner-${n % 997}`,
      modelId: `model-${n % 31}`,
      validFrom: '2026-06-09T00:00:00.000Z',
      validUntil: '2027-06-09T00:00:00.000Z',
    },
    metadata: meta,
  };
}

// ---- measuring -----------------------------------------------------------------------------

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summarize(latenciesMs: number[]): { p50: number; p99: number; mean: number; max: number } {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, max: sorted[sorted.length - 1] };
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const ms = (x: number): string => `${x.toFixed(2)} ms`;

/** Progress goes to stderr, so that stdout carries only the results. */
function progress(line: string): void {
  process.stderr.write(`  .. ${line}\n`);
}

/** Calls `report` every `everyMs` until stopped: progress for steps that run for seconds. */
function ticker(everyMs: number, report: () => void): () => void {
  const timer = setInterval(report, everyMs);
  return () => clearInterval(timer);
}

/** Result lines by report order: the steps run in another order (see main), the report reads 0, 1, 2, 3. */
const results: { order: number; line: string }[] = [];
function result(order: number, label: string, figure: string, target?: string, met?: boolean): void {
  const verdict = target === undefined ? '' : `  target ${target}: ${met ? 'MET' : 'MISSED'}`;
  const line = `${label.padEnd(46)} ${figure.padEnd(44)}${verdict}`;
  results.push({ order, line });
  progress(`-> ${line.trim().replace(/ {2,}/g, '  ')}`);
}

// ---- steps ---------------------------------------------------------------------------------

/** Machine noise: the round-trip rate of a query that does nothing, with the same concurrency. */
async function baseline(pool: Pool): Promise<void> {
  const deadline = now() + BASELINE_SECONDS * 1000;
  let count = 0;
  const started = now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const client = await pool.connect();
      try {
        while (now() < deadline) {
          await client.query('SELECT 1');
          count++;
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = (now() - started) / 1000;
  result(0, `0. baseline: SELECT 1, ${WRITERS} clients`, `${int(count / seconds)} round trips/s`);
}

/** Single-event appends, each writer on a stream of its own, with an exact expected version. */
async function singleEventAppends(store: EventStore): Promise<void> {
  const latencies: number[] = [];
  const deadline = now() + APPEND_SECONDS * 1000;
  const started = now();
  const stop = ticker(2000, () => progress(`${((now() - started) / 1000).toFixed(0)} s, ${int(latencies.length)} appends`));
  try {
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        const streamId = `bench-license-${writer}`;
        for (let version = 0; now() < deadline; version++) {
          const t0 = now();
          await store.appendToStream(streamId, [licenseGranted(version)], { expectedVersion: version });
          latencies.push(now() - t0);
        }
      }),
    );
  } finally {
    stop();
  }
  const seconds = (now() - started) / 1000;
  const rate = latencies.length / seconds;
  const { p50, p99 } = summarize(latencies);
  result(
    1,
    `1. append 1 event, ${WRITERS} writers, ${APPEND_SECONDS} s`,
    `${int(rate)} appends/s (${int(latencies.length)} in ${seconds.toFixed(1)} s)`,
    `>= ${int(TARGETS.appendsPerSecond)}/s`,
    rate >= TARGETS.appendsPerSecond,
  );
  result(1.1, '   latency of one append', `p50 ${ms(p50)}, p99 ${ms(p99)}`);
}

/** One writer appending 100-event batches to one stream, one after another. */
async function batchAppends(store: EventStore): Promise<void> {
  const streamId = 'bench-batches';
  const latencies: number[] = [];
  let version = 0;
  for (let round = 0; round < BATCH_REPEATS; round++) {
    const events = Array.from({ length: BATCH_SIZE }, (_, i) => licenseGranted(version + i));
    const t0 = now();
    await store.appendToStream(streamId, events, { expectedVersion: version });
    latencies.push(now() - t0);
    version += BATCH_SIZE;
  }
  const { p50, p99, mean } = summarize(latencies);
  result(
    2,
    `2. append one ${BATCH_SIZE}-event batch, x${BATCH_REPEATS}`,
    `p50 ${ms(p50)}, p99 ${ms(p99)}, mean ${ms(mean)}`,
    `p99 <= ${TARGETS.batchP99Ms} ms`,
    p99 <= TARGETS.batchP99Ms,
  );
}

/** Fills the log to REPLAY_EVENTS through the store itself, in large batches, from a few connections. */
async function seed(store: EventStore): Promise<void> {
  const calls = REPLAY_EVENTS / SEED_EVENTS_PER_CALL;
  let nextCall = 0;
  let done = 0;
  const started = now();
  const stop = ticker(3000, () =>
    progress(`seeding: ${int(done * SEED_EVENTS_PER_CALL)} / ${int(REPLAY_EVENTS)} events (${int((done * SEED_EVENTS_PER_CALL) / ((now() - started) / 1000))}/s)`),
  );
  try {
    await Promise.all(
      Array.from({ length: SEED_CONNECTIONS }, async () => {
        // Consecutive calls go to different streams, so that the connections do not queue on one stream's lock.
        for (let call = nextCall++; call < calls; call = nextCall++) {
          const stream = call % (calls / SEED_CALLS_PER_STREAM);
          const events = Array.from({ length: SEED_EVENTS_PER_CALL }, (_, i) => licenseGranted(call * SEED_EVENTS_PER_CALL + i));
          await store.appendToStream(`replay-license-${stream}`, events, { expectedVersion: 'any' });
          done++;
        }
      }),
    );
  } finally {
    stop();
  }
  const seconds = (now() - started) / 1000;
  result(3, `3. seed ${int(REPLAY_EVENTS)} events (${int(SEED_EVENTS_PER_CALL)}/call, ${SEED_CONNECTIONS} conns)`, `${int(REPLAY_EVENTS / seconds)} events/s (${seconds.toFixed(1)} s)`);
}

/** Reads the whole global log from 0 to the head in batches, as a projection rebuild does. */
async function replay(store: EventStore): Promise<void> {
  const head = await store.headPosition();
  const reader = store.reader(0);
  let events = 0;
  const started = now();
  const stop = ticker(2000, () => progress(`replay: ${int(events)} events, at #${int(reader.checkpoint)} of #${int(head)}`));
  try {
    while (reader.checkpoint < head) {
      const batch = await reader.read(REPLAY_BATCH);
      if (batch.length === 0 && !reader.waitingOnGap) throw new Error(`replay stalled at #${reader.checkpoint} below head #${head}`);
      events += batch.length;
    }
  } finally {
    stop();
  }
  const seconds = (now() - started) / 1000;
  const rate = events / seconds;
  result(
    3.1,
    `   replay via reader(0), ${int(REPLAY_BATCH)}/read`,
    `${int(rate)} events/s (${int(events)} in ${seconds.toFixed(1)} s)`,
    `>= ${int(TARGETS.replayPerSecond)}/s`,
    rate >= TARGETS.replayPerSecond,
  );
}

// ---- main ----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const url = withDatabase(BASE_URL, `${databaseName(BASE_URL)}_${randomBytes(3).toString('hex')}`);
  let pool: Pool | null = null;
  let dropped = false;
  const cleanUp = async () => {
    if (dropped) return;
    dropped = true;
    await pool?.end().catch(() => undefined);
    await dropDatabase(url);
    progress(`dropped database ${databaseName(url)}`);
  };
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: dropping the benchmark database\n');
    cleanUp().finally(() => process.exit(130));
  });

  await ensureDatabase(url);
  try {
    progress(`database ${databaseName(url)}: migrating`);
    await migrate(url, join(process.cwd(), 'prisma/migrations'));
    pool = createPool(url, WRITERS + 4);
    const store = new EventStore(pool, { pollIntervalMs: 500, batchSize: REPLAY_BATCH });
    const { rows } = await pool.query<{ version: string; autovacuum: string }>(
      "SELECT current_setting('server_version') AS version, current_setting('autovacuum') AS autovacuum",
    );
    console.log(
      `event store benchmark: PostgreSQL ${rows[0].version} (autovacuum ${rows[0].autovacuum}), node ${process.version}, ` +
        `${availableParallelism()} CPUs, database ${databaseName(url)}`,
    );

    // The log is filled first, so that appends are measured against a large table, as in
    // production. ANALYZE stands in for autovacuum (which may be off): without statistics the
    // planner may check event ids by reading a stream's every event, which is not what a
    // maintained database does.
    progress(`seeding ${int(REPLAY_EVENTS)} events (used by the replay, step 3)`);
    await seed(store);
    progress('VACUUM ANALYZE events');
    await pool.query('VACUUM ANALYZE events');
    progress(`baseline (${BASELINE_SECONDS} s)`);
    await baseline(pool);
    progress(`single-event appends (${APPEND_SECONDS} s)`);
    await singleEventAppends(store);
    progress(`${BATCH_SIZE}-event batches (x${BATCH_REPEATS})`);
    await batchAppends(store);
    // Replay reads a vacuumed log: no one-off hint-bit writes on the first read of new rows.
    progress('VACUUM events');
    await pool.query('VACUUM events');
    progress('replaying');
    await replay(store);

    console.log('');
    for (const { line } of results.sort((a, b) => a.order - b.order)) console.log(line);
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
