import { EventStore } from '@app/event-store';
import { ALL_PROJECTIONS, rebuildReadModels } from '@app/projections';
import { createTestDatabase, deleteRedisKeys, TestDatabase, testRedisPrefix } from '@app/testing';
import { AppProcess, startAppProcess } from '../support/app-process';
import { appendInBulk, eventMix } from '../support/event-mix';
import { checkpointsOf, dumpReadModels, waitForCheckpoints } from '../support/read-models';

const EVENTS = 40_000;
const BATCH = 5_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
/** The reactors' checkpoints: this history counts as handled by them, so the test is about the read models only. */
const REACTORS = ['job-reactor', 'webhook-reactor', 'screening-reactor'];

/**
 * Fault 1: the worker is killed with SIGKILL while it is writing a large batch into the read
 * models. After a restart every read model equals a rebuild from scratch: no event was skipped and
 * none was applied twice, because each batch and its checkpoint commit together or not at all.
 */
describe('fault: the worker is SIGKILLed in the middle of projecting a large batch', () => {
  let db: TestDatabase;
  let store: EventStore;
  const redisPrefix = testRedisPrefix();
  let worker: AppProcess | null = null;

  const startWorker = async () => {
    const started = startAppProcess('apps/worker/src/main.ts', {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      WORKER_PORT: '0',
      HOST: '127.0.0.1',
      EVENT_STORE_BATCH_SIZE: String(BATCH),
      EVENT_STORE_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: 'log',
      // No KYC verified in the mix (June 2026 onwards) may expire during the test, whenever it runs.
      KYC_VALIDITY_DAYS: '3650',
    });
    worker = started;
    await started.waitForOutput(/worker listening on/, 60_000);
    return started;
  };

  /**
   * True while a runner's transaction is open with writes in it: it holds a checkpoint row's lock
   * (taken first in every batch) and has written (it has a transaction id).
   */
  const batchInFlight = async () => {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity a
        WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_xid IS NOT NULL
          AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation = 'projection_checkpoints'::regclass AND l.mode = 'RowShareLock')`,
    );
    return rows[0].n > 0;
  };

  const killMidBatch = async (process: AppProcess): Promise<Map<string, number>> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`no batch in flight to kill:\n${process.output()}`);
      const checkpoints = await checkpointsOf(db.pool);
      const progressed = ALL_PROJECTIONS.some((m) => (checkpoints.get(m.name) ?? 0) > 0);
      if (progressed && (await batchInFlight())) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await process.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    return checkpointsOf(db.pool);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new EventStore(db.pool);
    for (const chunk of eventMix(EVENTS, { seed: 11, chunk: 10_000, concurrentPartners: 300 })) await appendInBulk(db.pool, chunk);
    const head = await store.headPosition();
    await db.pool.query(
      `INSERT INTO projection_checkpoints (name, position, updated_at) SELECT name, $2, now() FROM unnest($1::text[]) AS name`,
      [REACTORS, head],
    );
  }, 120_000);

  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await deleteRedisKeys(REDIS_URL, redisPrefix);
    await db.drop();
  });

  it('resumes after each kill without a gap or a double: every read model equals a rebuild from scratch', async () => {
    const head = await store.headPosition();
    expect(head).toBeGreaterThanOrEqual(EVENTS);

    // Killed twice, each time while a batch is being written and before the read models are done.
    for (let kill = 0; kill < 2; kill++) {
      const atKill = await killMidBatch(await startWorker());
      const positions = ALL_PROJECTIONS.map((m) => atKill.get(m.name) ?? 0);
      expect(Math.min(...positions)).toBeLessThan(head);
      // A checkpoint only ever stands at the end of a batch (or of the log): never inside one.
      for (const position of positions) expect(position === head || position % BATCH === 0).toBe(true);
    }

    const restarted = await startWorker();
    await waitForCheckpoints(db.pool, head, 120_000);
    await restarted.kill('SIGTERM');
    worker = null;
    expect(await store.headPosition()).toBe(head);

    const afterRestart = await dumpReadModels(db.pool);
    const rebuilt = await rebuildReadModels(db.pool, store, ALL_PROJECTIONS);
    expect(rebuilt.position).toBe(head);
    const fromScratch = await dumpReadModels(db.pool);
    for (const model of ALL_PROJECTIONS) {
      expect({ model: model.name, rows: afterRestart[model.name] }).toEqual({ model: model.name, rows: fromScratch[model.name] });
    }
    expect(fromScratch['partner-view'].length).toBeGreaterThan(100);
  }, 240_000);
});
