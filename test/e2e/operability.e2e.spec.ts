import { AddressInfo, createServer } from 'node:net';
import { Role } from '@app/auth';
import { listen } from '@app/http';
import { testConfig } from '@app/testing';
import { createPartnerApi } from '../../apps/partner-api/src/main';
import { startTestSystem, TestSystem } from '../support/test-system';

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

  const metricsOf = (api: { get: TestSystem['adminApi']['get'] }, token = system.config.metrics.token) => api.get('/metrics', token);

  it('a request id is answered, logged on every line of the request, and is the correlation id of the events it caused', async () => {
    const token = system.token(Role.PartnerAdmin, { partnerId: 'p-ops' });
    const submitted = await system.partnerApi.request('POST', '/v1/application', {
      token,
      headers: { 'x-request-id': 'req-ops-0001' },
      body: { legalName: 'Ops Ltd', registrationNumber: 'O-1', countryOfIncorporation: 'GB', addresses: [], beneficialOwners: [], intendedUse: 'ops', requestedModels: [] },
    });
    expect(submitted.status).toBe(201);
    expect(submitted.headers.get('x-request-id')).toBe('req-ops-0001');
    const { rows } = await system.db.pool.query(`SELECT metadata->>'correlationId' AS correlation FROM events WHERE type = 'ApplicationSubmitted' AND data->>'partnerId' = 'p-ops'`);
    expect(rows).toEqual([{ correlation: 'req-ops-0001' }]);

    const lines = printed.join('').split('\n').filter((line) => line.includes('req-ops-0001'));
    expect(lines.length).toBeGreaterThan(0);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ name: 'partner-api', req: { id: 'req-ops-0001', method: 'POST', url: '/v1/application' }, res: { statusCode: 201 } });
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
    expect(partner.body).toMatch(/http_request_duration_seconds_bucket\{[^}]*method="GET"[^}]*route="\/v1\/application"[^}]*status="200"[^}]*app="partner-api"/);
    expect(partner.body).toContain('process_cpu_user_seconds_total');
    expect(partner.body).toContain('nodejs_eventloop_lag_seconds');

    const service = system.token(Role.Service);
    await system.entitlements.post('/v1/check', { credential: 'mk_live_unknown', model: 'open-1' }, service);
    await system.entitlements.post('/v1/check', { credential: 'mk_live_unknown', model: 'open-1' }, service);
    const entitlements = (await metricsOf(system.entitlements)).body as string;
    expect(entitlements).toMatch(/entitlement_decisions_total\{outcome="deny",app="entitlements"\} 2/);
    expect(entitlements).toMatch(/entitlement_denials_total\{reason="UNKNOWN_CREDENTIAL",app="entitlements"\} 2/);
    expect(entitlements).toMatch(/entitlement_index_position\{app="entitlements"\} \d+/);
    expect(entitlements).toMatch(/entitlement_index_lag_events\{app="entitlements"\} \d+/);
    expect(entitlements).toMatch(/entitlement_index_ready\{app="entitlements"\} 1/);
    expect(entitlements).toMatch(/decision_log_buffered\{app="entitlements"\} \d+/);
    expect(entitlements).toMatch(/decision_log_dropped_total\{app="entitlements"\} 0/);
    expect(entitlements).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/v1\/check",status="200",app="entitlements"\} 2/);
    // Counters only move forward between scrapes.
    await system.entitlements.post('/v1/check', { credential: 'mk_live_unknown', model: 'open-1' }, service);
    expect(((await metricsOf(system.entitlements)).body as string)).toMatch(/entitlement_decisions_total\{outcome="deny",app="entitlements"\} 3/);

    const worker = (await metricsOf(system.worker)).body as string;
    expect(worker).toMatch(/projection_lag_events\{checkpoint="partner-view",app="worker"\} \d+/);
    expect(worker).toMatch(/queue_jobs\{queue="webhooks",state="failed",app="worker"\} \d+/);
    expect(worker).toMatch(/queue_jobs\{queue="screening",state="waiting",app="worker"\} \d+/);
  });

  it('is ready on every app when PostgreSQL and Redis answer (and, for entitlements, the index), and says which one is not', async () => {
    for (const api of [system.partnerApi, system.adminApi, system.entitlements, system.worker]) {
      const ready = await api.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' } } });
      expect((await api.get('/health/live')).body).toEqual({ status: 'ok' });
    }
    expect((await system.entitlements.get('/health/ready')).body.info).toMatchObject({ index: { status: 'up', loaded: true }, geo: { status: 'up' }, decisionLog: { status: 'up', dropped: 0 } });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const withoutRedis = await createPartnerApi(testConfig(system.db.url, { REDIS_URL: `redis://127.0.0.1:${port}/0` }));
    try {
      const url = await listen(withoutRedis, 0, '127.0.0.1');
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'error', error: { redis: { status: 'down' } }, info: { database: { status: 'up' } } });
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
    } finally {
      await withoutRedis.close();
    }
  });
});
