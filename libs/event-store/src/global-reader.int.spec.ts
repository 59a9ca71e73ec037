import { randomInt } from 'node:crypto';
import type { PoolClient } from 'pg';
import { createTestDatabase, TestDatabase } from '@app/testing';
import { newEventId } from './event-ids';
import { EventStore } from './event-store';
import type { NewEvent, RecordedEvent } from './event';
import type { GlobalReader } from './global-reader';
import { parseSnapshot } from './snapshot';

const meta = { actorId: 'u-1', actorRole: 'admin', correlationId: 'c-1', causationId: null, occurredAt: '2026-06-09T00:00:00.000Z' };
const licenseEvent = (type: string, data: unknown = {}): NewEvent => ({ eventId: newEventId(), type, data, metadata: meta });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Up to `attempts` reads, stopping at the first that returns something. */
async function readUntilSomething(reader: GlobalReader, attempts: number): Promise<RecordedEvent[]> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const events = await reader.read(100);
    if (events.length > 0) return events;
    await sleep(10);
  }
  return [];
}

/** The first `limit` offenders, so that a failure prints a readable list, not 20,000 lines. */
function firstFew<T>(items: Iterable<T>, limit = 10): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (out.length === limit) break;
    out.push(item);
  }
  return out;
}

describe('GlobalReader and Subscription (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new EventStore(db.pool, { pollIntervalMs: 50, batchSize: 500 });
  });
  afterAll(() => db.drop());

  describe('under 16 concurrent writers with rollbacks and late commits', () => {
    const WRITERS = 16;
    const EVENTS_TO_APPEND = 20_000;
    const STREAMS = 200;
    const ROLLBACK_RATE = 0.1;
    const MAX_HOLD_MS = 15;

    interface CommittedEvent {
      streamId: string;
      streamVersion: number;
      globalPosition: number;
    }

    it('delivers every committed event exactly once, in global order, and no rolled-back event', async () => {
      const committed = new Map<string, CommittedEvent>();
      const rolledBack = new Set<string>();
      let budget = EVENTS_TO_APPEND;
      let highestCommitted = 0;
      // Transactions whose positions lie below one already committed: the late commits the reader must not skip.
      let lateCommits = 0;

      const received: RecordedEvent[] = [];
      const subscriptionErrors: unknown[] = [];
      const subscription = store.subscribe({
        fromPosition: 0,
        handler: (events) => void received.push(...events),
        pollIntervalMs: 50,
        batchSize: 500,
        onError: (error) => subscriptionErrors.push(error),
      });

      async function writer(client: PoolClient): Promise<void> {
        while (budget > 0) {
          const size = Math.min(budget, 1 + randomInt(3));
          budget -= size;
          const streamId = `license-${randomInt(STREAMS)}`;
          const events = Array.from({ length: size }, (_, i) => licenseEvent('LicenseGranted', { seq: i }));
          await client.query('BEGIN');
          try {
            const result = await store.appendToStream(streamId, events, { expectedVersion: 'any', client });
            // Holding the transaction open lets higher positions commit first, opening gaps.
            await sleep(randomInt(MAX_HOLD_MS + 1));
            if (Math.random() < ROLLBACK_RATE) {
              await client.query('ROLLBACK');
              for (const e of events) rolledBack.add(e.eventId!);
              continue;
            }
            await client.query('COMMIT');
            if (result.positions[0] < highestCommitted) lateCommits++;
            highestCommitted = Math.max(highestCommitted, result.positions[result.positions.length - 1]);
            const firstVersion = result.streamVersion - size + 1;
            events.forEach((e, i) =>
              committed.set(e.eventId!, { streamId, streamVersion: firstVersion + i, globalPosition: result.positions[i] }),
            );
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        }
      }

      let writingMs = 0;
      try {
        const clients = await Promise.all(Array.from({ length: WRITERS }, () => db.pool.connect()));
        const startedAt = Date.now();
        // allSettled: a failing writer must not get its siblings' connections released under them.
        const outcomes = await Promise.allSettled(clients.map(writer));
        clients.forEach((c) => c.release());
        writingMs = Date.now() - startedAt;
        const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
        if (failure) throw failure.reason;

        const head = await store.headPosition();
        // Bounded: a reader stalled on a gap fails here instead of hanging the suite.
        expect(await subscription.waitForPosition(head, 20_000)).toBe(true);
      } finally {
        await subscription.stop();
      }

      // Visible in the jest output, so that the runtime budget and the workload can be watched.
      console.log(
        `${WRITERS} writers: ${committed.size} events committed, ${rolledBack.size} rolled back, ` +
          `${lateCommits} late-committing transactions, written in ${writingMs} ms; ${received.length} received`,
      );

      // The workload really did what it claims to exercise.
      expect(committed.size + rolledBack.size).toBe(EVENTS_TO_APPEND);
      expect(rolledBack.size).toBeGreaterThan(EVENTS_TO_APPEND * 0.05);
      expect(lateCommits).toBeGreaterThan(0);
      expect(subscriptionErrors).toEqual([]);

      const receivedIds = received.map((e) => e.eventId);
      const receivedOnce = new Set<string>();
      const duplicates: string[] = [];
      for (const id of receivedIds) {
        if (receivedOnce.has(id)) duplicates.push(id);
        receivedOnce.add(id);
      }
      const lastVersion = new Map<string, number>();
      const versionJumps: string[] = [];
      for (const e of received) {
        // Rolled-back appends give their versions back, so each stream arrives as exactly 1, 2, 3, ...
        const previous = lastVersion.get(e.streamId) ?? 0;
        if (e.streamVersion !== previous + 1) versionJumps.push(`${e.streamId}: v${previous} -> v${e.streamVersion} at #${e.globalPosition}`);
        lastVersion.set(e.streamId, e.streamVersion);
      }
      const missing = [...committed.entries()]
        .filter(([id]) => !receivedOnce.has(id))
        .map(([id, at]) => `#${at.globalPosition} ${at.streamId} v${at.streamVersion} ${id}`);
      // Each event arrives with the position and version its writer was given.
      const mismatched = received.filter((e) => {
        const expected = committed.get(e.eventId);
        return expected && (e.globalPosition !== expected.globalPosition || e.streamId !== expected.streamId || e.streamVersion !== expected.streamVersion);
      });
      // All problems in one report, counted and sampled, so that a failure shows the whole picture.
      const report = (items: unknown[]) => ({ count: items.length, first: firstFew(items) });
      expect({
        duplicates: report(duplicates),
        missing: report(missing),
        rolledBackReceived: report(receivedIds.filter((id) => rolledBack.has(id))),
        unknownReceived: report(receivedIds.filter((id) => !committed.has(id))),
        mismatched: report(mismatched.map((e) => `#${e.globalPosition} ${e.streamId} v${e.streamVersion}`)),
        positionsNotIncreasing: report(
          received.filter((e, i) => i > 0 && e.globalPosition <= received[i - 1].globalPosition).map((e) => e.globalPosition),
        ),
        versionJumps: report(versionJumps),
      }).toEqual({
        duplicates: report([]),
        missing: report([]),
        rolledBackReceived: report([]),
        unknownReceived: report([]),
        mismatched: report([]),
        positionsNotIncreasing: report([]),
        versionJumps: report([]),
      });
      expect(received.length).toBe(committed.size);
    }, 90_000);
  });

  describe('gaps in the global log', () => {
    const transactions: PoolClient[] = [];
    async function openTransaction(): Promise<PoolClient> {
      const client = await db.pool.connect();
      transactions.push(client);
      await client.query('BEGIN');
      return client;
    }
    afterEach(async () => {
      for (const client of transactions.splice(0)) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    });

    it('stops at an in-flight gap, then passes it once that transaction rolls back, even with another transaction in flight', async () => {
      const start = await store.headPosition();
      const reader = store.reader(start);

      const doomed = await openTransaction();
      const doomedAppend = await store.appendToStream('license-doomed', [licenseEvent('LicenseGranted')], { expectedVersion: 'any', client: doomed });
      const gap = doomedAppend.positions[0];
      const laterEvent = licenseEvent('LicenseRevoked');
      const later = await store.appendToStream('license-later', [laterEvent], { expectedVersion: 'any' });
      expect(later.positions).toEqual([gap + 1]);

      // While the gap's owner is in flight the reader must not run ahead of it, however often asked.
      for (let attempt = 0; attempt < 3; attempt++) {
        expect(await reader.read(100)).toEqual([]);
        // Not gap - 1: positions between the head and the gap may belong to earlier rollbacks.
        expect(reader.checkpoint).toBe(start);
        expect(reader.waitingOnGap).toBe(true);
      }

      await doomed.query('ROLLBACK');

      // A third, unrelated transaction holds a position and a transaction id during the next reads,
      // so the database is not quiet: the reader has to know that this one cannot own the gap.
      const unrelated = await openTransaction();
      const unrelatedAppend = await store.appendToStream('license-unrelated', [licenseEvent('LicenseGranted')], { expectedVersion: 'any', client: unrelated });
      const { rows } = await unrelated.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      // A snapshot's xmax is one past the latest *completed* transaction id, so a running transaction
      // is only listed once a later-numbered one has finished: complete one (no event, no gap).
      await db.pool.query('SELECT pg_current_xact_id()');
      const { rows: snapshotRows } = await db.pool.query<{ snapshot: string }>('SELECT pg_current_snapshot()::text AS snapshot');
      expect(parseSnapshot(snapshotRows[0].snapshot).inProgress).toContain(Number(rows[0].xid));

      const delivered = await readUntilSomething(reader, 5);
      expect(delivered.map((e) => [e.globalPosition, e.eventId])).toEqual([[gap + 1, laterEvent.eventId]]);
      expect(reader.checkpoint).toBe(gap + 1);
      expect(reader.waitingOnGap).toBe(false);

      // Still in flight, and still not delivered: the reader stops at its position.
      expect(await reader.read(100)).toEqual([]);
      await unrelated.query('COMMIT');
      const afterCommit = await readUntilSomething(reader, 5);
      expect(afterCommit.map((e) => e.globalPosition)).toEqual(unrelatedAppend.positions);
    });

    it('delivers a late-committing lower position before the higher one that committed first', async () => {
      const start = await store.headPosition();
      const reader = store.reader(start);

      const slow = await openTransaction();
      const slowEvent = licenseEvent('LicenseGranted');
      const slowAppend = await store.appendToStream('license-slow', [slowEvent], { expectedVersion: 'any', client: slow });
      const fast = await openTransaction();
      const fastEvent = licenseEvent('LicenseGranted');
      const fastAppend = await store.appendToStream('license-fast', [fastEvent], { expectedVersion: 'any', client: fast });
      await fast.query('COMMIT');
      const p = slowAppend.positions[0];
      expect(fastAppend.positions).toEqual([p + 1]);

      expect(await reader.read(100)).toEqual([]);
      expect(reader.checkpoint).toBe(start);

      await slow.query('COMMIT');
      const delivered: RecordedEvent[] = [];
      for (let attempt = 0; attempt < 5 && delivered.length < 2; attempt++) delivered.push(...(await reader.read(100)));
      expect(delivered.map((e) => [e.globalPosition, e.eventId])).toEqual([
        [p, slowEvent.eventId],
        [p + 1, fastEvent.eventId],
      ]);
      expect(reader.checkpoint).toBe(p + 1);
      expect(await reader.read(100)).toEqual([]);
    });

    it('delivers a late-committing lower position even when its transaction took its id after the one that committed first', async () => {
      // As a command handler does that writes another table before appending: its transaction id
      // is older than that of a transaction which appends (and takes its position) before it.
      const start = await store.headPosition();
      const reader = store.reader(start);

      const early = await openTransaction();
      await early.query('SELECT pg_current_xact_id()');
      const slow = await openTransaction();
      const slowEvent = licenseEvent('LicenseGranted');
      const slowAppend = await store.appendToStream('license-slow-2', [slowEvent], { expectedVersion: 'any', client: slow });
      const earlyEvent = licenseEvent('LicenseGranted');
      const earlyAppend = await store.appendToStream('license-early', [earlyEvent], { expectedVersion: 'any', client: early });
      await early.query('COMMIT');
      const p = slowAppend.positions[0];
      expect(earlyAppend.positions).toEqual([p + 1]);

      // Whatever the reader returns before and after the slow commit, together it is p then p + 1.
      const delivered = await reader.read(100);
      await slow.query('COMMIT');
      for (let attempt = 0; attempt < 5 && delivered.length < 2; attempt++) delivered.push(...(await reader.read(100)));
      expect(delivered.map((e) => [e.globalPosition, e.eventId])).toEqual([
        [p, slowEvent.eventId],
        [p + 1, earlyEvent.eventId],
      ]);
    });
  });
});
