import { createTestDatabase, TestDatabase } from '@app/testing';
import { deterministicEventId } from './event-ids';
import { EventStore } from './event-store';
import { WrongExpectedVersionError } from './errors';
import type { NewEvent } from './event';

const meta = { actorId: 'u-1', actorRole: 'admin', correlationId: 'c-1', causationId: null, occurredAt: '2026-06-09T00:00:00.000Z' };
const ev = (type: string, data: unknown = {}, eventId?: string): NewEvent => ({ type, data, metadata: meta, eventId });

describe('EventStore (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new EventStore(db.pool, { pollIntervalMs: 50, batchSize: 500 });
  });
  afterAll(() => db.drop());

  it('appends with no_stream, then an exact version, and reads the stream back in order', async () => {
    const first = await store.appendToStream('s-1', [ev('A', { n: 1 }), ev('B', { n: 2 })], { expectedVersion: 'no_stream' });
    expect(first.streamVersion).toBe(2);
    expect(first.duplicate).toBe(false);
    const second = await store.appendToStream('s-1', [ev('C')], { expectedVersion: 2 });
    expect(second.positions[0]).toBeGreaterThan(first.positions[1]);
    const events = await store.readStream('s-1');
    expect(events.map((e) => [e.type, e.streamVersion])).toEqual([['A', 1], ['B', 2], ['C', 3]]);
    expect(events[0].data).toEqual({ n: 1 });
    expect(events[0].metadata).toEqual(meta);
  });

  it('rejects no_stream on an existing stream and a stale exact version with a typed error', async () => {
    await store.appendToStream('s-2', [ev('A')], { expectedVersion: 'no_stream' });
    await expect(store.appendToStream('s-2', [ev('A')], { expectedVersion: 'no_stream' })).rejects.toMatchObject({
      name: 'WrongExpectedVersionError', actual: 1, expected: 'no_stream',
    });
    await expect(store.appendToStream('s-2', [ev('B')], { expectedVersion: 0 })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(store.appendToStream('s-2', [ev('B')], { expectedVersion: 5 })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.readStream('s-2')).toHaveLength(1);
  });

  it('lets exactly one of two writers racing at the same expected version win', async () => {
    await store.appendToStream('race', [ev('Opened')], { expectedVersion: 'no_stream' });
    for (let round = 0; round < 20; round++) {
      const version = round + 1;
      const results = await Promise.allSettled([
        store.appendToStream('race', [ev('Left')], { expectedVersion: version }),
        store.appendToStream('race', [ev('Right')], { expectedVersion: version }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(WrongExpectedVersionError);
    }
    expect(await store.readStream('race')).toHaveLength(21);
  });

  it('returns the original positions for an idempotent retry and writes nothing', async () => {
    const ids = [0, 1].map((i) => deterministicEventId('key-123', 'idem', i));
    const original = await store.appendToStream('idem', [ev('A', {}, ids[0]), ev('B', {}, ids[1])], { expectedVersion: 'no_stream' });
    // The retry carries the version the client saw before its first attempt.
    const retry = await store.appendToStream('idem', [ev('A', {}, ids[0]), ev('B', {}, ids[1])], { expectedVersion: 'no_stream' });
    expect(retry.duplicate).toBe(true);
    expect(retry.positions).toEqual(original.positions);
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => store.appendToStream('idem', [ev('C', {}, deterministicEventId('key-456', 'idem', 0))], { expectedVersion: 'any' })),
    );
    expect(new Set(concurrent.map((r) => r.positions[0])).size).toBe(1);
    expect(await store.readStream('idem')).toHaveLength(3);
    await expect(
      store.appendToStream('idem', [ev('A', {}, ids[0]), ev('X')], { expectedVersion: 'any' }),
    ).rejects.toMatchObject({ name: 'IdempotencyConflictError' });
  });

  it('readAll returns committed events in global order', async () => {
    const all = await store.readAll(0, 10_000);
    const positions = all.map((e) => e.globalPosition);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(all.length).toBeGreaterThan(0);
  });
});
