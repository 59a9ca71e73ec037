import { EventStore } from '@app/event-store';
import { createTestDatabase, TestDatabase } from '@app/testing';
import { appendInBulk, eventMix } from '../../../../test/support/event-mix';
import { dumpReadModels, readModelIndexes, waitForCheckpoints } from '../../../../test/support/read-models';
import { ALL_PROJECTIONS, ProjectionRunner, RebuildAlreadyRunningError, RebuildProgress, rebuildReadModels } from '../index';

describe('read models: live runners and rebuilds', () => {
  let db: TestDatabase;
  let store: EventStore;
  let runners: ProjectionRunner[] = [];
  const mix = eventMix(Number.POSITIVE_INFINITY, { seed: 7, chunk: 1000, concurrentPartners: 60 });
  const appendChunks = async (chunks: number) => {
    for (let i = 0; i < chunks; i++) await appendInBulk(db.pool, mix.next().value as Parameters<typeof appendInBulk>[1]);
  };
  /** `replicas` runners per read model, as that many worker replicas would run. */
  const startRunners = async (replicas = 1) => {
    runners = Array.from({ length: replicas }, () => ALL_PROJECTIONS.map((model) => new ProjectionRunner(model, store, db.pool))).flat();
    await Promise.all(runners.map((runner) => runner.start()));
  };
  const stopRunners = async () => {
    await Promise.all(runners.map((runner) => runner.stop()));
    runners = [];
  };
  const eventCount = async () => Number((await db.pool.query('SELECT count(*) AS n FROM events')).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    // Small batches for the live runners, so that their batch boundaries differ from the rebuild's.
    store = new EventStore(db.pool, { pollIntervalMs: 50, batchSize: 500 });
  });
  afterEach(stopRunners);
  afterAll(() => db.drop());

  it('each read model names every column of its table with its type, and its primary key (no drift from the migrations)', async () => {
    const sqlType: Record<string, string> = {
      text: 'text', ARRAY: 'text[]', jsonb: 'jsonb', 'timestamp with time zone': 'timestamptz', bigint: 'bigint',
      integer: 'integer', boolean: 'boolean', 'double precision': 'double precision',
    };
    for (const model of ALL_PROJECTIONS) {
      const { rows } = await db.pool.query<{ column_name: string; data_type: string }>(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        [model.table],
      );
      const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
      const columns = rows.map((r) => ({ name: r.column_name, type: sqlType[r.data_type] ?? r.data_type })).sort(byName);
      expect({ table: model.table, columns }).toEqual({ table: model.table, columns: [...model.columns].sort(byName) });
      const { rows: key } = await db.pool.query<{ column: string }>(
        `SELECT a.attname AS column FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
        [model.table],
      );
      expect(key.map((k) => k.column)).toEqual(model.primaryKey);
    }
  });

  it('a rebuild from scratch equals what the live runners of two worker replicas projected, with rows kept in memory or read back', async () => {
    await startRunners(2);
    await appendChunks(15);
    const head = await store.headPosition();
    expect(head).toBeGreaterThanOrEqual(15_000);
    await waitForCheckpoints(db.pool, head);
    await stopRunners();
    const live = await dumpReadModels(db.pool);
    const indexes = await readModelIndexes(db.pool);
    for (const model of ALL_PROJECTIONS.filter((m) => m.name !== 'webhook-endpoint-view')) expect(live[model.name].length).toBeGreaterThan(0);

    const rebuilt = await rebuildReadModels(db.pool, store, ALL_PROJECTIONS);
    expect(rebuilt).toMatchObject({ position: head, eventsDone: head });
    expect(await dumpReadModels(db.pool)).toEqual(live);

    await rebuildReadModels(db.pool, store, ALL_PROJECTIONS, { batchSize: 777, rowsInMemory: 50 });
    expect(await dumpReadModels(db.pool)).toEqual(live);

    // The switched-in tables carry the migrations' indexes under their names; nothing was appended.
    expect(await readModelIndexes(db.pool)).toEqual(indexes);
    expect(await eventCount()).toBe(head);
    const { rows } = await db.pool.query("SELECT 1 FROM pg_namespace WHERE nspname = 'projection_rebuild'");
    expect(rows).toHaveLength(0);
  });

  it('switches in while the runners keep projecting new events: readers never see a half-built table, nothing is skipped or doubled', async () => {
    await startRunners();
    await waitForCheckpoints(db.pool, await store.headPosition());
    const partnersBefore = Number((await db.pool.query('SELECT count(*) AS n FROM partner_views')).rows[0].n);

    let writing = true;
    const writer = (async () => {
      while (writing) {
        await appendChunks(1);
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    const seen: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        seen.push(Number((await db.pool.query('SELECT count(*) AS n FROM partner_views')).rows[0].n));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const progress: RebuildProgress[] = [];
    const onlyPartnersAndScreenings = ALL_PROJECTIONS.filter((m) => m.name === 'partner-view' || m.name === 'screening-view');
    await rebuildReadModels(db.pool, store, onlyPartnersAndScreenings, { batchSize: 2000, onProgress: (p) => progress.push(p), progressEveryMs: 0 });
    await new Promise((r) => setTimeout(r, 200));
    writing = false;
    await writer;
    reading = false;
    await reader;

    // Partners are only ever added: a count below the last one seen would be a half-built table.
    expect(seen.length).toBeGreaterThan(10);
    expect(seen[0]).toBeGreaterThanOrEqual(partnersBefore);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(progress.some((p) => p.phase === 'filling' && p.eventsPerSecond > 0 && p.secondsLeft !== null)).toBe(true);
    expect(progress[progress.length - 1].phase).toBe('done');
    // The log has no gaps here: the position reported is that of the last event written.
    for (const p of progress.filter((p) => p.phase === 'filling')) expect(p.position).toBe(p.eventsDone);

    const head = await store.headPosition();
    await waitForCheckpoints(db.pool, head);
    await stopRunners();
    const live = await dumpReadModels(db.pool);
    await rebuildReadModels(db.pool, store, ALL_PROJECTIONS);
    expect(await dumpReadModels(db.pool)).toEqual(live);
  });

  it('a runner whose checkpoint was moved back follows the store again from there', async () => {
    await startRunners();
    const head = await store.headPosition();
    await waitForCheckpoints(db.pool, head);
    const before = await dumpReadModels(db.pool);
    await db.pool.query("UPDATE projection_checkpoints SET position = $1 WHERE name = 'partner-view'", [head - 3000]);
    // Rows that only a replay of the events after the moved checkpoint puts right again.
    const { rowCount } = await db.pool.query('UPDATE partner_views SET position = 0 WHERE position > $1', [head - 3000]);
    expect(rowCount).toBeGreaterThan(0);
    await appendChunks(1);
    const newHead = await store.headPosition();
    await waitForCheckpoints(db.pool, newHead);
    await stopRunners();
    const live = await dumpReadModels(db.pool);
    expect(live['partner-view'].length).toBeGreaterThanOrEqual(before['partner-view'].length);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM partner_views WHERE position = 0')).rows[0].n).toBe(0);
    await rebuildReadModels(db.pool, store, ALL_PROJECTIONS);
    expect(await dumpReadModels(db.pool)).toEqual(live);
  });

  it('a rebuild that fails leaves the live tables, the checkpoints and the pool as they were', async () => {
    const own = await createTestDatabase();
    try {
      const [events] = eventMix(2000, { seed: 9, chunk: 2000 });
      await appendInBulk(own.pool, events);
      const ownStore = new EventStore(own.pool);
      await rebuildReadModels(own.pool, ownStore, ALL_PROJECTIONS);
      const before = await dumpReadModels(own.pool);
      const checkpoints = (await own.pool.query('SELECT name, position FROM projection_checkpoints ORDER BY name')).rows;
      // A model without a provider cannot become a row (the column is NOT NULL).
      await appendInBulk(own.pool, [{ streamId: 'model-broken', type: 'ModelRegistered', data: { modelId: 'broken' }, metadata: events[0].metadata }]);

      await expect(rebuildReadModels(own.pool, ownStore, ALL_PROJECTIONS)).rejects.toThrow(/provider/);
      await expect(rebuildReadModels(own.pool, ownStore, ALL_PROJECTIONS)).rejects.toThrow(/provider/);
      expect(await dumpReadModels(own.pool)).toEqual(before);
      expect((await own.pool.query('SELECT name, position FROM projection_checkpoints ORDER BY name')).rows).toEqual(checkpoints);
      expect((await own.pool.query("SELECT 1 FROM pg_namespace WHERE nspname = 'projection_rebuild'")).rows).toHaveLength(0);
      const settings = await Promise.all(Array.from({ length: 5 }, () => own.pool.query("SELECT current_setting('synchronous_commit') AS s")));
      for (const { rows } of settings) expect(rows[0].s).toBe('on');
    } finally {
      await own.drop();
    }
  });

  it('lets readers through when a long query holds a table, and switches once it is gone', async () => {
    const head = await store.headPosition();
    const before = await dumpReadModels(db.pool);
    const longReader = await db.pool.connect();
    // The long query holds its lock for at least `held` ms and until the rebuild has tried to switch three
    // times: a fixed time alone could end, on a slow machine, before the fill does, and the switch would never
    // meet the lock.
    const held = 1500;
    let heldSince = 0;
    let released: Promise<unknown> | null = null;
    const release = () => (released ??= longReader.query('COMMIT'));
    try {
      await longReader.query('BEGIN');
      await longReader.query('SELECT count(*) FROM partner_views');
      heldSince = Date.now();
      const waits: number[] = [];
      let reading = true;
      const reader = (async () => {
        while (reading) {
          const t0 = Date.now();
          await db.pool.query('SELECT count(*) FROM partner_views');
          waits.push(Date.now() - t0);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const switches: RebuildProgress[] = [];
      const rebuilt = await rebuildReadModels(db.pool, store, ALL_PROJECTIONS, {
        switchLockTimeoutMs: 100,
        onProgress: (p) => {
          if (p.phase !== 'switching') return;
          switches.push(p);
          if (switches.length >= 3 && Date.now() - heldSince >= held) void release();
        },
      });
      reading = false;
      await reader;
      expect(released).not.toBeNull();
      expect(rebuilt).toMatchObject({ position: head, eventsDone: head });
      expect(switches.length).toBeGreaterThan(2);
      expect(await dumpReadModels(db.pool)).toEqual(before);
      // Other readers waited at most about one lock timeout at a time, never the long query's 1.5 s and more.
      expect(Math.max(...waits)).toBeLessThan(800);
    } finally {
      await release().catch(() => undefined);
      longReader.release();
    }
  });

  it('runs one rebuild at a time', async () => {
    const first = rebuildReadModels(db.pool, store, ALL_PROJECTIONS);
    await new Promise((r) => setTimeout(r, 50));
    await expect(rebuildReadModels(db.pool, store, ALL_PROJECTIONS)).rejects.toBeInstanceOf(RebuildAlreadyRunningError);
    await expect(first).resolves.toMatchObject({ position: await store.headPosition() });
  });
});
