import { Role } from '@app/auth';
import { listen } from '@app/http';
import { testConfig } from '@app/testing';
import { createPartnerApi } from '../../apps/partner-api/src/main';
import { freePort } from '../support/free-port';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';

/** Health (terminus), Prometheus metrics and structured logs with a request id that reaches the events. */
describe('operability: health, metrics, logs', () => {
  let system: TestSystem;
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
      printed.push(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    system = await startTestSystem({ env: { LOG_LEVEL: 'log' } });
  });
  afterAll(async () => {
    process.stdout.write = write;
    await system.close();
  });

  /** The value of one sample of a Prometheus text exposition, labels in any order. */
  function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
    for (const line of text.split('\n')) {
      const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const found = Object.fromEntries([...match[2].matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
    }
    return undefined;
  }

  const metricsOf = (api: { get: TestSystem['adminApi']['get'] }, token = system.config.metrics.token) => api.get('/metrics', token);

  it('a request id is answered, logged with the request (never its token), and is the correlation id of the events it caused', async () => {
    const token = system.token(Role.PartnerAdmin, { partnerId: 'p-ops' });
    const submitted = await system.partnerApi.request('POST', '/v1/application', {
      token,
      headers: { 'x-request-id': 'req-ops-0001' },
      body: { legalName: 'Ops Ltd', registrationNumber: 'O-1', countryOfIncorporation: 'GB', addresses: [], beneficialOwners: [], intendedUse: 'ops', requestedModels: ['open-1'] },
    });
    expect(submitted.status).toBe(201);
    expect(submitted.headers.get('x-request-id')).toBe('req-ops-0001');
    const { rows } = await system.db.pool.query(`SELECT metadata->>'correlationId' AS correlation FROM events WHERE type = 'ApplicationSubmitted' AND data->>'partnerId' = 'p-ops'`);
    expect(rows).toEqual([{ correlation: 'req-ops-0001' }]);

    const lines = printed.join('').split('\n').filter((line) => line.includes('req-ops-0001'));
    expect(lines.length).toBeGreaterThan(0);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ req: { id: 'req-ops-0001', method: 'POST', url: '/v1/application' }, res: { statusCode: 201 }, msg: 'request completed' });
    expect(typeof entry.responseTime).toBe('number');
    // The bearer token never reaches a log line.
    expect(printed.join('')).not.toContain(token);

    // A request without an id gets a new one; a malformed one is replaced, not echoed.
    const fresh = await system.partnerApi.get('/v1/application', token, { 'x-request-id': 'bad id with spaces' });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Prometheus metrics behind the metrics token: latency per route, decisions, index position and lag, projection lag, queues', async () => {
    expect((await system.partnerApi.get('/metrics')).status).toBe(401);
    expect((await system.partnerApi.get('/metrics', 'not-the-token')).status).toBe(401);
    expect((await system.partnerApi.get('/metrics', system.token(Role.Admin))).status).toBe(401);

    await system.partnerApi.get('/v1/application', system.token(Role.PartnerAdmin, { partnerId: 'p-ops' }));
    const partner = await metricsOf(system.partnerApi);
    expect(partner.status).toBe(200);
    expect(partner.headers.get('content-type')).toContain('text/plain');
    expect(sample(partner.body, 'http_request_duration_seconds_count', { app: 'partner-api', method: 'GET', route: '/v1/application', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(partner.body).toContain('process_cpu_user_seconds_total');
    expect(partner.body).toContain('nodejs_eventloop_lag_seconds');

    const service = system.token(Role.Service);
    await system.entitlements.post('/v1/check', { credential: 'mk_live_unknown', model: 'open-1' }, service);
    await system.entitlements.post('/v1/check', { credential: 'mk_live_unknown', model: 'open-1' }, service);
    const entitlements = (await metricsOf(system.entitlements)).body as string;
    const app = { app: 'entitlements' };
    expect(sample(entitlements, 'entitlement_decisions_total', { ...app, outcome: 'deny' })).toBe(2);
    expect(sample(entitlements, 'entitlement_denials_total', { ...app, reason: 'UNKNOWN_CREDENTIAL' })).toBe(2);
    const position = await system.db.pool.query<{ head: string }>('SELECT max(global_position)::text AS head FROM events');
    expect(sample(entitlements, 'entitlement_index_position', app)).toBeLessThanOrEqual(Number(position.rows[0].head));
    expect(sample(entitlements, 'entitlement_index_lag_events', app)).toBeGreaterThanOrEqual(0);
    expect(sample(entitlements, 'entitlement_index_ready', app)).toBe(1);
    expect(sample(entitlements, 'decision_log_buffered', app)).toBeGreaterThanOrEqual(0);
    expect(sample(entitlements, 'decision_log_dropped_total', app)).toBe(0);
    expect(sample(entitlements, 'decision_log_refused_total', app)).toBe(0);
    expect(sample(entitlements, 'http_request_duration_seconds_count', { ...app, method: 'POST', route: '/v1/check', status: '200' })).toBe(2);
    // Counters only move forward between scrapes.
    await system.entitlements.post('/v1/check', { credential: 'mk_live_unknown', model: 'open-1' }, service);
    expect(sample((await metricsOf(system.entitlements)).body, 'entitlement_decisions_total', { ...app, outcome: 'deny' })).toBe(3);

    const worker = (await metricsOf(system.worker)).body as string;
    expect(sample(worker, 'projection_lag_events', { app: 'worker', checkpoint: 'partner-view' })).toBeGreaterThanOrEqual(0);
    const { rows: behind } = await system.db.pool.query<{ lag: string }>(
      'SELECT (SELECT max(global_position) FROM events) - coalesce((SELECT max(position) FROM entitlement_index_snapshots), 0) AS lag',
    );
    expect(Number(behind[0].lag)).toBeGreaterThan(0);
    expect(sample(worker, 'entitlement_index_snapshot_lag_events', { app: 'worker' })).toBe(Number(behind[0].lag));
    expect(sample(worker, 'queue_jobs', { app: 'worker', queue: 'webhooks', state: 'failed' })).toBe(0);
    expect(sample(worker, 'queue_jobs', { app: 'worker', queue: 'screening', state: 'waiting' })).toBeGreaterThanOrEqual(0);
  });

  it('is ready on every app when PostgreSQL answers (Redis too on the worker; the index on entitlements), and says which one is not', async () => {
    for (const [api, usesRedis] of [[system.partnerApi, false], [system.adminApi, false], [system.entitlements, false], [system.worker, true]] as const) {
      const ready = await eventually(async () => {
        const answer = await api.get('/health/ready');
        return answer.status === 200 && answer;
      });
      expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
      if (usesRedis) expect(ready.body.info.redis).toMatchObject({ status: 'up' });
      else expect(ready.body.info).not.toHaveProperty('redis');
      expect((await api.get('/health/live')).body).toEqual({ status: 'ok' });
    }
    expect((await system.entitlements.get('/health/ready')).body.info).toMatchObject({ index: { status: 'up', loaded: true }, geo: { status: 'up' }, decisionLog: { status: 'up', dropped: 0 } });

    // A database that does not answer: named under `down`, 503, while the process is still live.
    const port = await freePort();
    const withoutDatabase = await createPartnerApi(testConfig(`postgres://postgres@127.0.0.1:${port}/nowhere`));
    try {
      const url = await listen(withoutDatabase, 0, '127.0.0.1');
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ statusCode: 503, code: 'NOT_READY', message: 'Not ready: database', down: { database: { status: 'down' } } });
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
    } finally {
      await withoutDatabase.close();
    }
  });
});
