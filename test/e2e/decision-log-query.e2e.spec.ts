import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createAdminApi } from '../../apps/admin-api/src/main';
import { DecisionFilter, decisionWhere } from '../../apps/admin-api/src/decisions/decision-log-query';
import { DecisionLogWriter, DecisionRecord } from '../../apps/entitlements/src/decision-log/decision-log.writer';
import { Role } from '@app/auth';
import type { AppConfig } from '@app/config';
import { listen } from '@app/http';
import { createTestDatabase, deleteRedisKeys, TestDatabase, testConfig, tokenFor } from '@app/testing';
import { seeded } from '../support/prng';
import { Api } from '../support/test-system';

/**
 * GET /v1/decisions over the batched decision log: every filter and their combinations answer exactly what
 * a plain scan of the recorded decisions answers, newest first, with the total of all matches; and the
 * conditions it builds let PostgreSQL skip the batches that cannot match.
 */
describe('decision log queries (GET /v1/decisions)', () => {
  const START = Date.parse('2026-06-13T00:00:00Z');
  const REASONS = ['DIRECTIVE_FOREIGN_NATIONAL', 'GOVERNMENT_APPROVAL_REQUIRED', 'GEO_EMBARGOED', 'LICENSE_REVOKED'];
  let db: TestDatabase;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let api: Api;
  let auditor: string;
  const recorded: DecisionRecord[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testConfig(db.url, { DECISION_LOG_BATCH_SIZE: '97' });
    app = await createAdminApi(config);
    api = new Api(await listen(app, 0, '127.0.0.1'));
    auditor = tokenFor(config, Role.Auditor, { sub: 'auditor-decisions' });
    const random = seeded(4242);
    const writer = new DecisionLogWriter(db.pool, config);
    // 3,000 decisions over two days, in batches of 97 whose partners, outcomes and spans vary; one partner
    // (p-rare) decides only on the second day, so the first day's batches cannot hold it.
    for (let n = 0; n < 3000; n++) {
      const rare = n >= 2000 && n % 50 === 0;
      const reasons = random() < 0.6 ? [] : REASONS.filter(() => random() < 0.5);
      const decision: DecisionRecord = {
        id: `d-q-${String(n).padStart(5, '0')}`, decidedAt: START + n * 57_600 + (n % 7 === 0 ? 0.5 : 0), position: n,
        partnerId: rare ? 'p-rare' : n % 13 === 0 ? null : `p-${Math.floor(random() * 20)}`, userId: `u-${n % 31}`,
        model: random() < 0.5 ? 'fable-5' : 'mythos-5', clientIp: '203.0.113.9', country: 'US', allow: reasons.length === 0,
        reasons, licenseId: reasons.length === 0 ? 'lic-1' : null, dataVersions: n < 1500 ? '{"geo":"a"}' : '{"geo":"b"}',
      };
      recorded.push(decision);
      writer.record(decision);
    }
    await writer.flush();
    expect(writer.written).toBe(3000);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await deleteRedisKeys(config.redis.url, config.redis.prefix);
    await db?.drop();
  });

  interface Query {
    partnerId?: string;
    model?: string;
    outcome?: 'allow' | 'deny';
    reason?: string;
    from?: string;
    to?: string;
    limit?: number;
    offset?: number;
  }

  /** What the query must answer, from the recorded decisions. */
  function expected(query: Query) {
    const matches = recorded
      .filter((d) => query.partnerId === undefined || d.partnerId === query.partnerId)
      .filter((d) => query.model === undefined || d.model === query.model)
      .filter((d) => query.outcome === undefined || d.allow === (query.outcome === 'allow'))
      .filter((d) => query.reason === undefined || d.reasons.includes(query.reason))
      .filter((d) => query.from === undefined || Math.round(d.decidedAt * 1000) >= Date.parse(query.from) * 1000)
      .filter((d) => query.to === undefined || Math.round(d.decidedAt * 1000) < Date.parse(query.to) * 1000)
      .sort((a, b) => b.decidedAt - a.decidedAt || (a.id < b.id ? 1 : -1));
    const offset = query.offset ?? 0;
    return { total: matches.length, ids: matches.slice(offset, offset + (query.limit ?? 100)).map((d) => d.id) };
  }

  async function ask(query: Query) {
    const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
    const answer = await api.get(`/v1/decisions?${search}`, auditor);
    expect(answer.status).toBe(200);
    return answer.body as { total: number; decisions: Array<Record<string, unknown>> };
  }

  const queries: Query[] = [
    {},
    { limit: 1000, offset: 2500 },
    { offset: 5000 },
    { partnerId: 'p-3' },
    { partnerId: 'p-rare', limit: 1000 },
    { partnerId: 'p-none' },
    { model: 'fable-5', outcome: 'deny', limit: 1000 },
    { outcome: 'allow', offset: 100, limit: 50 },
    { reason: 'GEO_EMBARGOED', limit: 1000 },
    { partnerId: 'p-7', reason: 'LICENSE_REVOKED', outcome: 'deny' },
    { from: '2026-06-13T12:00:00Z', to: '2026-06-14T03:00:00Z', limit: 1000 },
    { from: '2026-06-14T00:00:00Z', partnerId: 'p-rare' },
    { to: '2026-06-13T06:00:00Z', outcome: 'deny' },
    // A bound that falls on a decision: from includes it, to excludes it (decision 750 at 12:00:00.000).
    { from: '2026-06-13T12:00:00.000Z', to: '2026-06-13T12:00:57.600Z' },
    { from: '2026-06-20T00:00:00Z' },
  ];

  it.each(queries.map((q) => [JSON.stringify(q), q] as const))('answers %s as a scan of the recorded decisions does', async (_, query) => {
    const want = expected(query);
    const body = await ask(query);
    expect({ total: body.total, ids: body.decisions.map((d) => d.decisionId) }).toEqual(want);
  });

  it('answers every field of a decision as recorded', async () => {
    const body = await ask({ partnerId: 'p-rare', limit: 1 });
    const d = recorded.filter((r) => r.partnerId === 'p-rare').at(-1)!;
    expect(body.decisions[0]).toEqual({
      decisionId: d.id, decidedAt: new Date(d.decidedAt).toISOString(), position: String(d.position), partnerId: 'p-rare', userId: d.userId,
      model: d.model, clientIp: '203.0.113.9', country: 'US', allow: d.allow, reasons: d.reasons, licenseId: d.licenseId, dataVersions: { geo: 'b' },
    });
  });

  it('reads only the batches that can match a partner and a time range, through their indexes', async () => {
    // A table this small is cheaper to scan whole, so the planner is told not to: what is checked is that
    // the view's batch conditions reach the indexes, as they must for a log of millions of batches.
    const client = await db.pool.connect();
    const plan = async (sql: string, values: unknown[]) => {
      await client.query('SET enable_seqscan = off');
      try {
        return JSON.stringify((await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, values)).rows[0]['QUERY PLAN']);
      } finally {
        await client.query('RESET enable_seqscan');
      }
    };
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM decision_log_batches');
    const batches = rows[0].n;
    const scanned = (text: string) => JSON.parse(text)[0].Plan;
    // The second day's partner: the GIN index leaves only the batches that name it.
    const sqlFor = async (filter: DecisionFilter) => {
      const where = decisionWhere(filter);
      return plan(`SELECT * FROM decision_log ${where.sql}`, where.values);
    };
    const byPartner = await sqlFor({ partnerId: 'p-rare' });
    expect(byPartner).toContain('decision_log_batches_partner_ids_idx');
    // A two-hour range: the span index leaves the few batches that overlap it.
    const byTime = await sqlFor({ from: new Date('2026-06-13T10:00:00Z'), to: new Date('2026-06-13T12:00:00Z') });
    expect(byTime).toContain('decision_log_batches_span_idx');
    const batchRowsRead = (text: string): number => {
      let found = 0;
      const walk = (node: Record<string, unknown>) => {
        if (node['Relation Name'] === 'decision_log_batches') found += Number(node['Actual Rows']);
        for (const child of (node.Plans as Array<Record<string, unknown>>) ?? []) walk(child);
      };
      walk(scanned(text));
      return found;
    };
    expect(batches).toBeGreaterThan(30);
    expect(batchRowsRead(byPartner)).toBeLessThanOrEqual(Math.ceil(batches / 3) + 1);
    expect(batchRowsRead(byTime)).toBeLessThanOrEqual(4);
    client.release();
  });
});
