import { createTestDatabase, TestDatabase } from '@app/testing';
import { GENESIS_HASH, latestCheckpoint, recordCheckpoint, rollRoot, verifyAuditChains } from './audit-chain';
import { appendInBulk, eventMix } from '../../../test/support/event-mix';
import { EventStore } from './event-store';

const KEY = 'test-audit-signing-key-0123456789abcdef';
const metadata = { actorId: 'officer-ü', actorRole: 'compliance_officer', correlationId: 'c-1', causationId: null, occurredAt: '2026-06-13T10:00:00.000Z' };

/** Tampering with the stored history, directly in SQL, is found: the first broken link is named. */
describe('audit hash chains (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeEach(async () => {
    db = await createTestDatabase();
    store = new EventStore(db.pool);
    // Awkward content on purpose: the verifier must rebuild the database's canonical jsonb text exactly.
    await store.appendToStream('license-a', [
      { type: 'LicenseGranted', data: { licenseId: 'a', note: 'ü✓ "quoted" \\ back\nline', amount: 1.5, big: 12345678901234567890, nested: { z: 1, a: [true, null, { b: 'x' }] } }, metadata },
      { type: 'LicenseSuspended', data: { licenseId: 'a', reason: 'review' }, metadata },
    ], { expectedVersion: 'no_stream' });
    await store.appendToStream('license-b', [{ type: 'LicenseGranted', data: { licenseId: 'b' }, metadata }], { expectedVersion: 'no_stream' });
    await store.appendToStream('license-a', [{ type: 'LicenseRevoked', data: { licenseId: 'a', reason: 'ended' }, metadata }], { expectedVersion: 2 });
  });
  afterEach(() => db.drop());

  const verify = () => verifyAuditChains(db.pool, KEY);
  const positionOf = async (stream: string, version: number): Promise<string> =>
    (await db.pool.query('SELECT global_position::text AS p FROM events WHERE stream_id = $1 AND stream_version = $2', [stream, version])).rows[0].p;

  /** A checkpoint over the whole log as it is now, computed from the stored hashes. */
  async function checkpointNow(): Promise<void> {
    const { rows } = await db.pool.query<{ p: string; hash: Buffer }>('SELECT global_position::text AS p, hash FROM events ORDER BY global_position');
    const root = rows.reduce<Buffer>((r, row) => rollRoot(r, row.hash), GENESIS_HASH);
    await recordCheckpoint(db.pool, KEY, Number(rows[rows.length - 1].p), rows.length, root);
  }

  it('an untouched history verifies, chains and checkpoint alike', async () => {
    await checkpointNow();
    const report = await verify();
    expect(report).toMatchObject({ ok: true, events: 4, streams: 2, checkpoints: 1, firstBreak: null });
    expect(report.lastCheckpoint).toMatchObject({ events: '4' });
    expect(await latestCheckpoint(db.pool)).toMatchObject({ events: 4 });
    // Appending after the checkpoint keeps everything valid.
    await store.appendToStream('license-b', [{ type: 'LicenseRevoked', data: { licenseId: 'b' }, metadata }], { expectedVersion: 1 });
    expect(await verify()).toMatchObject({ ok: true, events: 5 });
  });

  it('finds an edited event', async () => {
    const at = await positionOf('license-a', 2);
    await db.pool.query(`UPDATE events SET data = jsonb_set(data, '{reason}', '"nothing to see"') WHERE global_position = $1`, [at]);
    expect((await verify()).firstBreak).toEqual({
      globalPosition: at, streamId: 'license-a', streamVersion: 2, checkpointPosition: null,
      problem: 'the event content does not match its hash: it was changed after it was written',
    });
  });

  it('finds an edited actor in the metadata (who did it is part of the record)', async () => {
    const at = await positionOf('license-b', 1);
    await db.pool.query(`UPDATE events SET metadata = jsonb_set(metadata, '{actorId}', '"someone-else"') WHERE global_position = $1`, [at]);
    expect((await verify()).firstBreak).toMatchObject({ globalPosition: at, problem: expect.stringContaining('does not match its hash') });
  });

  it('finds an edit whose hash was recomputed: the next event no longer links to it', async () => {
    const at = await positionOf('license-a', 1);
    await db.pool.query(
      `UPDATE events SET data = '{"licenseId":"a","note":"rewritten"}',
              hash = event_hash(prev_hash, stream_id, stream_version, event_id, type, schema_version, '{"licenseId":"a","note":"rewritten"}', metadata, recorded_at)
        WHERE global_position = $1`,
      [at],
    );
    expect((await verify()).firstBreak).toMatchObject({ globalPosition: await positionOf('license-a', 2), streamVersion: 2, problem: 'prev_hash is not the hash of the previous event of its stream' });
  });

  it('finds an event removed from the middle of a stream', async () => {
    await db.pool.query('DELETE FROM events WHERE global_position = $1', [await positionOf('license-a', 2)]);
    expect((await verify()).firstBreak).toMatchObject({ streamId: 'license-a', streamVersion: 3, problem: 'stream version 3 follows version 1: an event is missing' });
  });

  it('finds the last event of a stream removed, even with the stream record rewound to match, through the signed checkpoint', async () => {
    await checkpointNow();
    const last = await positionOf('license-a', 3);
    await db.pool.query('DELETE FROM events WHERE global_position = $1', [last]);
    await db.pool.query(`UPDATE streams SET version = 2, last_hash = (SELECT hash FROM events WHERE stream_id = 'license-a' AND stream_version = 2) WHERE stream_id = 'license-a'`);
    expect((await verify()).firstBreak).toMatchObject({ checkpointPosition: last, problem: expect.stringContaining('3 events now, 4 when it was signed') });
  });

  it('finds a removed tail without a checkpoint when the stream record was left alone', async () => {
    await db.pool.query('DELETE FROM events WHERE global_position = $1', [await positionOf('license-a', 3)]);
    expect((await verify()).firstBreak).toMatchObject({ streamId: 'license-a', streamVersion: 3, problem: expect.stringContaining('events were removed from its end') });
  });

  it('finds history that no signed checkpoint covers once it is older than the grace period (deleted checkpoints)', async () => {
    expect(await verify()).toMatchObject({ ok: true });
    const uncovered = await verifyAuditChains(db.pool, KEY, { uncoveredAfterMs: 0 });
    expect(uncovered.ok).toBe(false);
    expect(uncovered.firstBreak).toMatchObject({ globalPosition: await positionOf('license-a', 1), checkpointPosition: null, problem: expect.stringContaining('covered by no signed checkpoint') });
    await checkpointNow();
    expect(await verifyAuditChains(db.pool, KEY, { uncoveredAfterMs: 0 })).toMatchObject({ ok: true });
    // Newer events appended, and the newest checkpoint deleted: what it covered is uncovered again.
    await store.appendToStream('license-b', [{ type: 'LicenseRevoked', data: { licenseId: 'b' }, metadata }], { expectedVersion: 1 });
    expect(await verifyAuditChains(db.pool, KEY, { uncoveredAfterMs: 60_000 })).toMatchObject({ ok: true });
    await db.pool.query('DELETE FROM audit_checkpoints');
    expect((await verifyAuditChains(db.pool, KEY, { uncoveredAfterMs: 0 })).ok).toBe(false);
  });

  it('finds a forged checkpoint', async () => {
    await checkpointNow();
    await db.pool.query(`UPDATE audit_checkpoints SET events = 3`);
    expect((await verify()).firstBreak).toMatchObject({ problem: 'the checkpoint signature does not match its content' });
    expect((await verifyAuditChains(db.pool, 'another-key-that-is-long-enough-000000')).ok).toBe(false);
  });

  it('accepts events the benchmarks write in bulk (their chains are computed outside the append function)', async () => {
    for (const chunk of eventMix(3000, { seed: 5, chunk: 1000, concurrentPartners: 40 })) await appendInBulk(db.pool, chunk);
    await checkpointNow();
    expect(await verify()).toMatchObject({ ok: true, events: 3004, checkpoints: 1 });
  });
});
