import { createTestDatabase, TestDatabase, testConfig } from '@app/testing';
import { DecisionLogWriter, DecisionRecord } from './decision-log.writer';

describe('DecisionLogWriter (PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  let n = 0;
  const decision = (allow: boolean): DecisionRecord => ({
    id: `d-${++n}`, decidedAt: Date.parse('2026-06-13T10:00:00Z'), position: 42, partnerId: 'p-1', userId: 'u-1', model: 'm',
    clientIp: '81.2.69.142', country: 'GB', allow, reasons: allow ? [] : ['NO_LICENSE', 'GEO_UNKNOWN'], licenseId: null, dataVersions: '{"geo":"test"}',
  });

  it('under overload drops allowed decisions (counted) but never a denial, and writes the rest in batches', async () => {
    const writer = new DecisionLogWriter(db.pool, testConfig(db.url, { DECISION_LOG_BUFFER_SIZE: '100', DECISION_LOG_BATCH_SIZE: '30' }));
    for (let i = 0; i < 150; i++) writer.record(decision(true));
    for (let i = 0; i < 50; i++) writer.record(decision(false));
    expect(writer.dropped).toBe(50);
    expect(writer.buffered).toBe(150);
    await writer.flush();
    expect(writer.written).toBe(150);
    const { rows } = await db.pool.query('SELECT allow, count(*)::int AS n FROM decision_log GROUP BY allow ORDER BY allow');
    expect(rows).toEqual([{ allow: false, n: 50 }, { allow: true, n: 100 }]);
    const { rows: sample } = await db.pool.query("SELECT reasons, country, data_versions FROM decision_log WHERE allow = false LIMIT 1");
    expect(sample[0]).toEqual({ reasons: ['NO_LICENSE', 'GEO_UNKNOWN'], country: 'GB', data_versions: { geo: 'test' } });
  });

  it('writes every field as recorded: millisecond times, nulls, empty reasons and characters JSON must escape', async () => {
    const writer = new DecisionLogWriter(db.pool, testConfig(db.url));
    const awkward: DecisionRecord = {
      id: 'd-quote"back\\slash\nline-ünï', decidedAt: Date.parse('2026-06-13T10:00:00.123Z'), position: 9_007_199_254_740, partnerId: null,
      userId: 'user "x" <y>', model: 'fable-5', clientIp: null, country: null, allow: true, reasons: [], licenseId: null, dataVersions: '{"geo":"2026-06-17","vpn":["a","b"]}',
    };
    writer.record(awkward);
    await writer.flush();
    const { rows } = await db.pool.query('SELECT * FROM decision_log WHERE id = $1', [awkward.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({
      id: awkward.id, decided_at: new Date('2026-06-13T10:00:00.123Z'), position: '9007199254740', partner_id: null, user_id: 'user "x" <y>',
      model: 'fable-5', client_ip: null, country: null, allow: true, reasons: [], license_id: null, data_versions: { geo: '2026-06-17', vpn: ['a', 'b'] },
      // The batch it was written in: alone in it here.
      batch_id: awkward.id, batch_first_at: new Date('2026-06-13T10:00:00.123Z'), batch_last_at: new Date('2026-06-13T10:00:00.123Z'), batch_partner_ids: [], batch_decisions: 1, batch_denials: 0,
    });
  });

  it('writes each decision with its own data versions when a batch holds decisions made before and after a data reload', async () => {
    const writer = new DecisionLogWriter(db.pool, testConfig(db.url));
    const versions = ['{"geo":"v1"}', '{"geo":"v2","tor":null}'];
    for (let i = 0; i < 9; i++) writer.record({ ...decision(i % 2 === 0), id: `d-reload-${i}`, dataVersions: versions[i % 3 === 2 ? 1 : 0] });
    await writer.flush();
    expect(writer.written).toBeGreaterThanOrEqual(9);
    const { rows } = await db.pool.query("SELECT id, data_versions FROM decision_log WHERE id LIKE 'd-reload-%' ORDER BY id");
    expect(rows).toEqual(Array.from({ length: 9 }, (_, i) => ({ id: `d-reload-${i}`, data_versions: JSON.parse(versions[i % 3 === 2 ? 1 : 0]) })));
  });

  it('stores what PostgreSQL text cannot hold as U+FFFD, and a row it still refuses never holds back the others', async () => {
    const writer = new DecisionLogWriter(db.pool, testConfig(db.url));
    writer.record({ ...decision(false), id: 'd-nul', userId: 'a\u0000b', clientIp: '\ud800' });
    writer.record({ ...decision(false), id: 'd-broken', decidedAt: Number.NaN });
    writer.record({ ...decision(false), id: 'd-after' });
    // Text that only looks like an escape of one, and a pair of surrogates (an emoji), are stored unchanged.
    writer.record({ ...decision(false), id: 'd-lookalike', userId: 'a\\u0000b \\ud800', clientIp: '\ud83d\ude00' });
    await writer.flush();
    expect(writer.buffered).toBe(0);
    expect(writer.refused).toBe(1);
    const { rows } = await db.pool.query("SELECT id, user_id, client_ip FROM decision_log WHERE id IN ('d-nul', 'd-broken', 'd-after', 'd-lookalike') ORDER BY id");
    expect(rows).toEqual([
      { id: 'd-after', user_id: 'u-1', client_ip: '81.2.69.142' },
      { id: 'd-lookalike', user_id: 'a\\u0000b \\ud800', client_ip: '😀' },
      { id: 'd-nul', user_id: 'a\ufffdb', client_ip: '\ufffd' },
    ]);
  });

  it('keeps a batch that failed to write and writes it once the database answers again', async () => {
    const writer = new DecisionLogWriter(db.pool, testConfig(db.url));
    writer.record(decision(false));
    await db.pool.query('ALTER TABLE decision_log_batches RENAME TO decision_log_batches_away');
    try {
      await writer.flush();
      expect(writer.failedWrites).toBe(1);
      expect(writer.buffered).toBe(1);
      // Decisions made meanwhile wait behind the failed batch, which is retried as it was.
      writer.record(decision(true));
      expect(writer.buffered).toBe(2);
    } finally {
      await db.pool.query('ALTER TABLE decision_log_batches_away RENAME TO decision_log_batches');
    }
    await writer.flush();
    expect(writer.buffered).toBe(0);
    expect(writer.written).toBe(2);
  });

  it('writes what was buffered when a flush began, and leaves the few decisions made meanwhile for the next flush', async () => {
    const writer = new DecisionLogWriter(db.pool, testConfig(db.url, { DECISION_LOG_BATCH_SIZE: '10' }));
    for (let i = 0; i < 10; i++) writer.record({ ...decision(true), id: `d-late-a${i}` });
    const flushing = writer.flush();
    for (let i = 0; i < 3; i++) writer.record({ ...decision(true), id: `d-late-b${i}` });
    await flushing;
    expect(writer.buffered).toBe(3);
    const sizes = async (prefix: string) =>
      (await db.pool.query<{ decisions: number }>('SELECT decisions FROM decision_log_batches WHERE id LIKE $1 ORDER BY id', [`${prefix}%`])).rows.map((r) => r.decisions);
    expect(await sizes('d-late-a')).toEqual([10]);
    // A full batch made meanwhile goes out in the same flush.
    for (let i = 0; i < 5; i++) writer.record({ ...decision(true), id: `d-late-c${i}` });
    const next = writer.flush();
    for (let i = 0; i < 12; i++) writer.record({ ...decision(true), id: `d-late-d${String(i).padStart(2, '0')}` });
    await next;
    expect(await sizes('d-late-b')).toEqual([8]);
    expect(await sizes('d-late-d')).toEqual([10]);
    expect(writer.buffered).toBe(2);
    await writer.flush();
    expect(writer.buffered).toBe(0);
    expect(writer.written).toBe(30);
  });

  it('writes a batch as one row that names its span, size, denials and partners, and stores a batch sent twice once', async () => {
    const at = Date.parse('2026-06-20T08:00:00Z');
    const batch = [
      { ...decision(true), id: 'd-twice-1', decidedAt: at + 5, partnerId: 'p-b' },
      { ...decision(false), id: 'd-twice-2', decidedAt: at, partnerId: 'p-a' },
      { ...decision(false), id: 'd-twice-3', decidedAt: at + 9, partnerId: null },
      { ...decision(true), id: 'd-twice-4', decidedAt: at + 7, partnerId: 'p-b' },
    ];
    const first = new DecisionLogWriter(db.pool, testConfig(db.url));
    for (const d of batch) first.record(d);
    await first.flush();
    // A replica whose write reached the database but whose answer was lost sends the same batch again.
    const again = new DecisionLogWriter(db.pool, testConfig(db.url));
    for (const d of batch) again.record(d);
    await again.flush();
    expect(again.written).toBe(4);
    const { rows: batches } = await db.pool.query(
      "SELECT id, first_at, last_at, decisions, denials, partner_ids, data_versions FROM decision_log_batches WHERE id = 'd-twice-1'",
    );
    expect(batches).toEqual([{
      id: 'd-twice-1', first_at: new Date(at), last_at: new Date(at + 9), decisions: 4, denials: 2, partner_ids: ['p-b', 'p-a'], data_versions: { geo: 'test' },
    }]);
    const { rows } = await db.pool.query("SELECT id, decided_at, partner_id, allow FROM decision_log WHERE id LIKE 'd-twice-%' ORDER BY id");
    expect(rows).toEqual(batch.map((d) => ({ id: d.id, decided_at: new Date(d.decidedAt), partner_id: d.partnerId, allow: d.allow })));
  });
});
