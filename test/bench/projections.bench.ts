/**
 * Projection rebuild benchmark: rebuilds every read model from a log of 1,000,000 events of a
 * realistic mix (test/support/event-mix.ts), into fresh tables switched in atomically, exactly as
 * `npm run projections:rebuild -- all` does. The same-run baseline is a bare read of the whole log
 * (what a rebuild cannot beat). Not a jest test: built by `npm run build`, run by
 * `npm run bench:projections`.
 *
 * BENCH_DATABASE_URL names the server and the base database name; the benchmark creates a database
 * of its own with a unique suffix (never touching an existing one) and drops it at the end.
 * BENCH_EVENTS changes the log's size.
 */
import { availableParallelism } from 'node:os';
import type { Pool } from 'pg';
import type { EventStore } from '@app/event-store';
import { ALL_PROJECTIONS, rebuildReadModels } from '@app/projections';
import { appendInBulk, eventMix } from '../support/event-mix';
import { createBenchDatabase, int, now, progress, Report, ticker } from './support/world';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SEED_CHUNK = 5_000;
const READ_BATCH = 5_000;
const TARGET_EVENTS_PER_SECOND = 20_000;

async function seed(pool: Pool, report: Report): Promise<void> {
  let done = 0;
  const started = now();
  const stop = ticker(3000, () => progress(`seeding: ${int(done)} / ${int(EVENTS)} events`));
  try {
    for (const chunk of eventMix(EVENTS, { chunk: SEED_CHUNK, concurrentPartners: 500 })) {
      await appendInBulk(pool, chunk);
      done += chunk.length;
    }
  } finally {
    stop();
  }
  const seconds = (now() - started) / 1000;
  const { rows } = await pool.query<{ type: string; n: string }>('SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY count(*) DESC');
  report.line(`seed: ${int(done)} events in bulk (${rows.length} types)`, `${int(done / seconds)} events/s (${seconds.toFixed(1)} s)`);
  report.line('   the mix', rows.slice(0, 6).map((r) => `${r.type} ${((Number(r.n) / done) * 100).toFixed(0)}%`).join(', '));
}

/** Baseline: reading the whole log in global order, doing nothing with it. */
async function bareRead(store: EventStore, report: Report): Promise<void> {
  const reader = store.reader(0);
  let events = 0;
  const started = now();
  for (let batch = await reader.read(READ_BATCH); batch.length > 0; batch = await reader.read(READ_BATCH)) events += batch.length;
  const seconds = (now() - started) / 1000;
  report.line(`0. baseline: read the log, ${int(READ_BATCH)}/read`, `${int(events / seconds)} events/s (${seconds.toFixed(1)} s)`);
}

async function rebuildAll(pool: Pool, store: EventStore, report: Report): Promise<void> {
  const started = now();
  const result = await rebuildReadModels(pool, store, ALL_PROJECTIONS, {
    progressEveryMs: 3000,
    onProgress: (p) => progress(`${p.phase}: ${int(p.eventsDone)} events, ${int(p.eventsPerSecond)}/s, ${p.secondsLeft === null ? '?' : Math.ceil(p.secondsLeft)} s left`),
  });
  const seconds = (now() - started) / 1000;
  const rate = result.eventsDone / seconds;
  report.line(
    `1. rebuild all ${ALL_PROJECTIONS.length} read models`,
    `${int(rate)} events/s (${int(result.eventsDone)} in ${seconds.toFixed(1)} s)`,
    `>= ${int(TARGET_EVENTS_PER_SECOND)}/s`,
    rate >= TARGET_EVENTS_PER_SECOND,
  );
  const counts: string[] = [];
  for (const model of ALL_PROJECTIONS) {
    const { rows } = await pool.query(`SELECT count(*) AS n FROM "${model.table}"`);
    counts.push(`${model.table} ${int(Number(rows[0].n))}`);
  }
  report.line('   rows', counts.join(', '));
}

async function main(): Promise<void> {
  const db = await createBenchDatabase('postgres://postgres@127.0.0.1:5432/ma_bench_projections');
  const { pool, store } = db;
  try {
    const { rows } = await pool.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    console.log(`projection rebuild benchmark: PostgreSQL ${rows[0].version}, node ${process.version}, ${availableParallelism()} CPUs, database ${db.name}`);
    const report = new Report();
    progress(`seeding ${int(EVENTS)} events`);
    await seed(pool, report);
    progress('VACUUM ANALYZE events');
    await pool.query('VACUUM ANALYZE events');
    progress('baseline: reading the log');
    await bareRead(store, report);
    progress('rebuilding every read model');
    await rebuildAll(pool, store, report);
    console.log('');
    report.print();
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
