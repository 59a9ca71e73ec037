import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiCredential } from '@app/auth';
import type { LicenseRevoked } from '@app/domain';
import { ManualClock } from '@app/config';
import { decide, EntitlementIndex } from '@app/entitlement';
import { EventStore } from '@app/event-store';
import { geoPolicyOf, INDEX_SNAPSHOT_REFRESH_LOCK, refreshIndexSnapshot, SnapshotRefreshOptions } from '@app/projections';
import { createTestDatabase, deleteRedisKeys, TestDatabase, testConfig } from '@app/testing';
import { snapshotIndex } from '../../apps/cli/src/index-snapshot';
import { createEntitlementsApp } from '../../apps/entitlements/src/main';
import { IndexService } from '../../apps/entitlements/src/index/index.service';
import { createWorker } from '../../apps/worker/src/main';
import { IndexSnapshotRefresher } from '../../apps/worker/src/index-snapshots/index-snapshot-refresher.service';
import { event, fullGc, seeded, World } from '../bench/support/world';

/**
 * A replica continues from the newest index snapshot and reads only the events after it; the index it
 * ends with decides exactly as one replayed from the whole log. A snapshot that does not belong to the
 * log (another database under the same name, another format) is ignored.
 */
describe('entitlement index snapshots', () => {
  const world = new World({ partners: 40, usersPerPartner: 12, verifiedUsersPerPartner: 10 });
  let db: TestDatabase;
  let store: EventStore;
  const apps: NestFastifyApplication[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    store = new EventStore(db.pool);
    for (const { streamId, events } of world.catalogueEvents()) await store.appendToStream(streamId, events, { expectedVersion: 'no_stream' });
    for (let p = 0; p < world.spec.partners; p++) await store.appendToStream(`seed-${world.partnerId(p)}`, world.partnerEvents(p), { expectedVersion: 'no_stream' });
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await db.drop();
  });

  async function startReplica(env: Record<string, string> = {}): Promise<IndexService> {
    const app = await createEntitlementsApp(testConfig(db.url, { ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: '50', ...env }));
    apps.push(app);
    await app.init();
    const index = app.get(IndexService);
    for (const deadline = Date.now() + 20_000; !index.isLoaded; await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > deadline) throw new Error('index not loaded in time');
    }
    return index;
  }

  async function stop(index: IndexService): Promise<void> {
    const app = apps.find((a) => a.get(IndexService) === index)!;
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  /** Every kind of check of the benchmark mix, the same requests for both indexes. */
  function decisionsOf(index: EntitlementIndex): string[] {
    const random = seeded(7);
    const now = Date.parse('2026-06-20T12:00:00Z');
    return Array.from({ length: 400 }, () => {
      const check = world.sampleCheck(random);
      const decision = decide(index, { credentialHash: hashApiCredential(check.credential), model: check.model, userId: check.userId, clientIp: check.clientIp, country: 'US', anonymizer: null }, now);
      return `${decision.allow}:${decision.reasons.join(',')}:${decision.licenseId}`;
    });
  }

  async function snapshotRows(): Promise<{ id: string; position: string }[]> {
    return (await db.pool.query('SELECT id::text, position::text FROM entitlement_index_snapshots ORDER BY id')).rows;
  }

  it('writes a snapshot after replaying the log, continues from it at the next start, and decides as a full replay does', async () => {
    const first = await startReplica();
    expect(first.load).toMatchObject({ snapshotPosition: null, eventsReplayed: world.totalEvents });
    expect(first.load!.snapshotWritten).toMatchObject({ position: first.index.position });
    expect(first.load!.snapshotWritten!.bytes).toBeGreaterThan(0);
    const snapshotPosition = first.index.position;
    await stop(first);

    // A license revoked after the snapshot: the next replica must learn it from the log.
    const licenseId = world.licenseId(0, world.licensedModels(0)[0]);
    await store.appendToStream(`license-${licenseId}`, [
      event<LicenseRevoked>('LicenseRevoked', { licenseId, partnerId: world.partnerId(0), modelId: world.licensedModels(0)[0], reason: 'test' }),
    ], { expectedVersion: 'any' });

    const fromSnapshot = await startReplica();
    expect(fromSnapshot.load).toMatchObject({ snapshotPosition, eventsReplayed: 1, snapshotWritten: null });
    expect(fromSnapshot.index.licenses.get(licenseId)?.status).toBe('revoked');

    const replayed = await startReplica({ ENTITLEMENTS_SNAPSHOTS: 'off' });
    expect(replayed.load).toMatchObject({ snapshotPosition: null, eventsReplayed: world.totalEvents + 1 });
    expect(fromSnapshot.index.position).toBe(replayed.index.position);
    const expected = decisionsOf(replayed.index);
    expect(new Set(expected).size).toBeGreaterThan(3);
    expect(decisionsOf(fromSnapshot.index)).toEqual(expected);
    // Objects shared between maps are still one object after the round trip: revoking through one map shows in the other.
    const partnerFacts = fromSnapshot.index.facts.get(world.partnerId(1))!;
    const someLicense = [...partnerFacts.licensesByTarget.values()][0][0];
    expect(fromSnapshot.index.licenses.get(someLicense.licenseId)).toBe(someLicense);
    await stop(fromSnapshot);
    await stop(replayed);
  });

  it('ignores a snapshot that does not belong to this log or to this format, and replays instead', async () => {
    const first = await startReplica({ ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: '1' });
    const position = first.index.position;
    await stop(first);
    const newest = (await snapshotRows()).at(-1)!;

    await db.pool.query('UPDATE entitlement_index_snapshots SET last_event_id = $1 WHERE id = $2', [randomUUID(), newest.id]);
    const notThisLog = await startReplica({ ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: '1000000' });
    expect(notThisLog.load).toMatchObject({ snapshotPosition: null, eventsReplayed: expect.any(Number) });
    expect(notThisLog.index.position).toBe(position);
    await stop(notThisLog);

    await db.pool.query('UPDATE entitlement_index_snapshots SET format = 0');
    const otherFormat = await startReplica({ ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: '1000000' });
    expect(otherFormat.load!.snapshotPosition).toBeNull();
    await stop(otherFormat);
  });

  it('replays the log when the newest snapshot is damaged or a shard of it is missing', async () => {
    const first = await startReplica({ ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: '1' });
    const position = first.index.position;
    const expected = decisionsOf(first.index);
    await stop(first);
    const newest = (await snapshotRows()).at(-1)!;
    const { rows: shards } = await db.pool.query<{ seq: number }>('SELECT seq FROM entitlement_index_snapshot_chunks WHERE snapshot_id = $1 ORDER BY seq', [newest.id]);
    expect(shards.length).toBeGreaterThan(3);

    await db.pool.query("UPDATE entitlement_index_snapshot_chunks SET body = left(body, length(body) - 3) WHERE snapshot_id = $1 AND seq = $2", [newest.id, shards.at(-1)!.seq]);
    const damaged = await startReplica({ ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: '1000000' });
    expect(damaged.load).toMatchObject({ snapshotPosition: null, eventsReplayed: position });
    expect(decisionsOf(damaged.index)).toEqual(expected);
    await stop(damaged);

    await db.pool.query('DELETE FROM entitlement_index_snapshot_chunks WHERE snapshot_id = $1 AND seq = $2', [newest.id, shards[1].seq]);
    const incomplete = await startReplica({ ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: '1000000' });
    expect(incomplete.load).toMatchObject({ snapshotPosition: null, eventsReplayed: position });
    await stop(incomplete);
  });

  it('leaves a closed replica\'s index to the garbage collector, so a replica started after it in the same process does not carry it too', async () => {
    let replica: IndexService | null = await startReplica();
    const index = new WeakRef(replica.index);
    await stop(replica);
    replica = null;
    for (let round = 0; round < 10 && index.deref() !== undefined; round++) {
      await new Promise((r) => setTimeout(r, 20));
      fullGc();
    }
    expect(index.deref() === undefined).toBe(true);
  });

  it('keeps the two newest snapshots and deletes the chunks of older ones', async () => {
    for (let i = 0; i < 3; i++) {
      const replica = await startReplica({ ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: '1' });
      expect(replica.load!.snapshotWritten).not.toBeNull();
      await stop(replica);
      await store.appendToStream(`license-extra-${i}`, [event<LicenseRevoked>('LicenseRevoked', { licenseId: `lic-extra-${i}`, partnerId: 'p-1', modelId: 'x', reason: 'test' })], { expectedVersion: 'any' });
    }
    const rows = await snapshotRows();
    expect(rows).toHaveLength(2);
    const { rows: orphans } = await db.pool.query('SELECT count(*)::int AS n FROM entitlement_index_snapshot_chunks WHERE snapshot_id <> ALL($1::bigint[])', [rows.map((r) => r.id)]);
    expect(orphans[0].n).toBe(0);
  });

  describe('refreshed outside the replicas', () => {
    const refresh = (options: SnapshotRefreshOptions) => refreshIndexSnapshot(db.pool, store, geoPolicyOf(testConfig(db.url)), options);
    const revokeLicense = (p: number) => {
      const modelId = world.licensedModels(p)[0];
      const licenseId = world.licenseId(p, modelId);
      return store
        .appendToStream(`license-${licenseId}`, [event<LicenseRevoked>('LicenseRevoked', { licenseId, partnerId: world.partnerId(p), modelId, reason: 'test' })], { expectedVersion: 'any' })
        .then(() => licenseId);
    };

    it('brings the newest snapshot up to the head of the log from the one before, and the next replica starts from it without replaying', async () => {
      const first = await refresh({ minEvents: 1 });
      expect(first).toMatchObject({ outcome: 'written', fromPosition: null, eventsReplayed: world.totalEvents, position: await store.headPosition() });
      const firstPosition = (first as { position: number }).position;

      const revoked = [await revokeLicense(0), await revokeLicense(1)];
      const head = await store.headPosition();
      expect(await refresh({ minEvents: 3 })).toEqual({ outcome: 'fresh', snapshotPosition: firstPosition, head });
      expect(await refresh({ minEvents: 2 })).toMatchObject({ outcome: 'written', fromPosition: firstPosition, eventsReplayed: 2, position: head });
      expect((await snapshotRows()).map((row) => Number(row.position))).toEqual([firstPosition, head]);

      const replica = await startReplica({ ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: '1000000' });
      expect(replica.load).toMatchObject({ snapshotPosition: head, eventsReplayed: 0 });
      for (const licenseId of revoked) expect(replica.index.licenses.get(licenseId)?.status).toBe('revoked');
      const replayed = await startReplica({ ENTITLEMENTS_SNAPSHOTS: 'off' });
      expect(decisionsOf(replica.index)).toEqual(decisionsOf(replayed.index));
    });

    it('replays the whole log when the newest snapshot does not belong to it', async () => {
      await refresh({ minEvents: 1 });
      await db.pool.query('UPDATE entitlement_index_snapshots SET last_event_id = $1', [randomUUID()]);
      await revokeLicense(0);
      expect(await refresh({ minEvents: 1 })).toMatchObject({ outcome: 'written', fromPosition: null, eventsReplayed: world.totalEvents + 1 });
    });

    it('runs one at a time, and writes nothing when told to stop', async () => {
      const other = await db.pool.connect();
      try {
        await other.query('SELECT pg_advisory_lock($1)', [INDEX_SNAPSHOT_REFRESH_LOCK]);
        expect(await refresh({ minEvents: 1 })).toEqual({ outcome: 'busy' });
        await other.query('SELECT pg_advisory_unlock($1)', [INDEX_SNAPSHOT_REFRESH_LOCK]);
      } finally {
        other.release();
      }
      expect(await refresh({ minEvents: 1, batchSize: 100, shouldStop: () => true })).toEqual({ outcome: 'stopped' });
      expect(await snapshotRows()).toEqual([]);
      expect(await refresh({ minEvents: 1 })).toMatchObject({ outcome: 'written' });
    });

    it('is what the worker does every ENTITLEMENTS_SNAPSHOT_REFRESH_MS once the log is far enough ahead', async () => {
      const config = testConfig(db.url, { ENTITLEMENTS_SNAPSHOT_REFRESH_MS: '200', ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: '2' });
      // At the world's time: today, the expiry sweep would end the world's directives (they end on 1 August
      // 2026) and append events of its own while the test counts positions.
      const worker = await createWorker(config, new ManualClock(new Date('2026-06-20T12:00:00Z')));
      try {
        await worker.init();
        const snapshotAt = async (position: number) => {
          for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
            if ((await snapshotRows()).some((row) => Number(row.position) === position)) return true;
          }
          return false;
        };
        expect(await snapshotAt(await store.headPosition())).toBe(true);
        // One event past it is fewer than the two it waits for; the second makes it write again.
        await revokeLicense(0);
        const oneAhead = await store.headPosition();
        await revokeLicense(1);
        expect(await snapshotAt(await store.headPosition())).toBe(true);
        expect((await snapshotRows()).map((row) => Number(row.position))).not.toContain(oneAhead);
        // The snapshot is visible from its commit, a moment before the run that wrote it ends; refresh() joins a
        // run in flight, so let that one end first: the next run has nothing left to write.
        const refresher = worker.get(IndexSnapshotRefresher);
        await refresher.refresh();
        expect(await refresher.refresh()).toMatchObject({ outcome: 'fresh' });
      } finally {
        await worker.close();
        await deleteRedisKeys(config.redis.url, config.redis.prefix);
      }
    });

    it('can be run by hand: npm run index:snapshot', async () => {
      const config = testConfig(db.url);
      const lines: string[] = [];
      const errors: string[] = [];
      const run = (args: string[]) => snapshotIndex(args, config, (line) => lines.push(line), (line) => errors.push(line));

      expect(await run(['--min-events', 'many'])).toBe(2);
      expect(await run(['--since', '3'])).toBe(2);
      expect(errors).toEqual([expect.stringContaining('--min-events must be a whole number from 1, not "many"'), expect.stringContaining('unknown argument "--since"')]);
      expect(await snapshotRows()).toEqual([]);

      expect(await run([])).toBe(0);
      const head = await store.headPosition();
      expect(lines.at(-1)).toMatch(new RegExp(`^index snapshot written at #${head.toLocaleString('en-US')} \\(.+ MiB\\) from the whole log \\+ ${world.totalEvents.toLocaleString('en-US')} events`));
      expect(await run(['--min-events', '5'])).toBe(0);
      expect(lines.at(-1)).toContain('nothing to do');
    });
  });
});
