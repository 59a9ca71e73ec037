import { connect } from 'node:net';
import { Role } from '@app/auth';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';

/**
 * The entitlements app serves the check endpoints on a fast lane (a Fastify instance of their own, ahead of
 * Nest's pipeline) and everything else through Nest, on one port. The lane keeps the app's contract: request
 * ids, the error mapping, body limits, the latency histogram; what is not a lane route reaches Nest unchanged.
 */
describe('entitlements fast lane', () => {
  let system: TestSystem;
  let service: string;

  beforeAll(async () => {
    system = await startTestSystem({ env: { BODY_LIMIT_BYTES: '4096' } });
    service = system.token(Role.Service);
    await eventually(async () => (await system.entitlements.get('/health/ready')).status === 200, 20_000);
  });
  afterAll(() => system.close());

  const api = () => system.entitlements;

  it('serves the lane and Nest routes on one port', async () => {
    const check = await api().post('/v1/check', { credential: 'mk_live_unknown', model: 'open-1' }, service);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ allow: false, reasons: expect.arrayContaining(['UNKNOWN_CREDENTIAL']) });
    expect((await api().get('/health/live')).status).toBe(200);
    const explain = await api().get('/v1/entitlements/explain?partnerId=p-nobody&model=open-1', system.token(Role.Auditor));
    expect(explain.status).toBe(200);
    // Nest's guards still hold on Nest's routes.
    expect((await api().get('/v1/entitlements/explain?partnerId=p-nobody&model=open-1', service)).status).toBe(403);
  });

  it('answers the caller request id, or a new one, on lane routes as on the others', async () => {
    const given = await api().post('/v1/check', { credential: 'mk_live_unknown', model: 'open-1' }, service, { 'x-request-id': 'req-lane-0001' });
    expect(given.headers.get('x-request-id')).toBe('req-lane-0001');
    const fresh = await api().request('GET', '/v1/authz', { headers: { authorization: 'Bearer mk_live_unknown', 'x-model': 'open-1' } });
    expect(fresh.status).toBe(401);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const nest = await api().get('/health/live', undefined, { 'x-request-id': 'req-lane-0002' });
    expect(nest.headers.get('x-request-id')).toBe('req-lane-0002');
  });

  it('routes by method and path: a query string still reaches the lane, another method or path reaches Nest', async () => {
    const withQuery = await api().post('/v1/check?trace=1', { credential: 'mk_live_unknown', model: 'open-1' }, service);
    expect(withQuery.status).toBe(200);
    const head = await api().request('HEAD', '/v1/authz', { headers: { authorization: 'Bearer mk_live_unknown', 'x-model': 'open-1' } });
    expect(head.status).toBe(401);
    expect(head.headers.get('x-entitlement-reasons')).toContain('UNKNOWN_CREDENTIAL');
    for (const [method, path] of [['GET', '/v1/check'], ['PUT', '/v1/authz'], ['POST', '/v1/check/'], ['POST', '/v1/checks']]) {
      const answer = await api().request(method, path, { token: service, body: method === 'GET' ? undefined : {} });
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 404 });
      expect(answer.body).toMatchObject({ statusCode: 404, code: expect.any(String) });
    }
  });

  it('maps transport errors as the rest of the app does: bad JSON 400, a body over the limit 413, an unknown type 415', async () => {
    const badJson = await api().request('POST', '/v1/check', { token: service, rawBody: '{"model": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: expect.any(String), message: expect.any(String) });
    const large = await api().request('POST', '/v1/check', { token: service, rawBody: JSON.stringify({ model: 'open-1', userId: 'x'.repeat(8000) }) });
    expect(large.status).toBe(413);
    expect(large.body).toMatchObject({ statusCode: 413 });
    const xml = await api().request('POST', '/v1/check', { token: service, rawBody: '<check/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.status).toBe(415);
    expect(xml.body).toMatchObject({ statusCode: 415, code: expect.any(String) });
    const deep = await api().request('POST', '/v1/check', { token: service, rawBody: '{"a":'.repeat(40) + '1' + '}'.repeat(40) });
    expect(deep.status).toBe(400);
    expect(deep.body).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'body' }] });
  });

  it('records each lane answer in the latency histogram under its route', async () => {
    await api().request('GET', '/v1/authz', { headers: { authorization: 'Bearer mk_live_unknown', 'x-model': 'open-1' } });
    const metrics = (await api().get('/metrics', system.config.metrics.token)).body as string;
    expect(metrics).toMatch(/http_request_duration_seconds_count\{[^}]*method="GET"[^}]*route="\/v1\/authz"[^}]*status="401"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/http_request_duration_seconds_count\{[^}]*method="POST"[^}]*route="\/v1\/check"[^}]*status="200"[^}]*\} [1-9]/);
  });

  it('keeps an idle keep-alive connection open as long as Fastify would (72 s), not the 5 s of a plain Node server', async () => {
    // A proxy's pooled connection, idle for longer than Node's default, still carries the next check.
    const { port } = new URL(api().baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    const answers: string[] = [];
    let closed = false;
    socket.on('data', (chunk) => answers.push(chunk.toString('latin1')));
    socket.on('close', () => (closed = true));
    const authz = 'GET /v1/authz HTTP/1.1\r\nHost: lane\r\nAuthorization: Bearer mk_live_unknown\r\nX-Model: open-1\r\n\r\n';
    socket.write(authz);
    await eventually(async () => answers.length === 1);
    // Node closes an idle connection 1 s after its keep-alive timeout: 6 s for a plain server.
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    expect(closed).toBe(false);
    socket.write(authz);
    await eventually(async () => answers.length === 2);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 401 /);
    socket.destroy();
  }, 20_000);

  it('answers pipelined requests in order on one connection, lane and Nest routes mixed, while lane answers wait for the end of the turn', async () => {
    // The lane holds a connection's writes until the end of the event loop's turn (TurnWrites); a Nest
    // answer on the same connection queues behind them, and every answer arrives whole and in order.
    const { port } = new URL(api().baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    const body = JSON.stringify({ credential: 'mk_live_unknown', model: 'open-1' });
    const requests = [
      `GET /v1/authz HTTP/1.1\r\nHost: lane\r\nX-Request-Id: pipe-1\r\nAuthorization: Bearer mk_live_unknown\r\nX-Model: open-1\r\n\r\n`,
      `GET /health/live HTTP/1.1\r\nHost: lane\r\nX-Request-Id: pipe-2\r\n\r\n`,
      `POST /v1/check HTTP/1.1\r\nHost: lane\r\nX-Request-Id: pipe-3\r\nAuthorization: Bearer ${service}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      `GET /v1/authz HTTP/1.1\r\nHost: lane\r\nX-Request-Id: pipe-4\r\n\r\n`,
    ];
    socket.write(requests.join(''));
    /** The answers read so far, each cut at its Content-Length. */
    const answers = () => {
      const read: Array<{ status: number; requestId?: string; body: string }> = [];
      for (let at = 0; ; ) {
        const headEnd = received.indexOf('\r\n\r\n', at);
        if (headEnd < 0) return read;
        const head = received.slice(at, headEnd);
        const end = headEnd + 4 + Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (end > received.length) return read;
        read.push({ status: Number(head.slice(9, 12)), requestId: /\r\nx-request-id: ([^\r]*)/i.exec(head)?.[1], body: received.slice(headEnd + 4, end) });
        at = end;
      }
    };
    await eventually(async () => answers().length === 4);
    expect(answers().map(({ status, requestId }) => ({ status, requestId }))).toEqual([
      { status: 401, requestId: 'pipe-1' },
      { status: 200, requestId: 'pipe-2' },
      { status: 200, requestId: 'pipe-3' },
      { status: 401, requestId: 'pipe-4' },
    ]);
    expect(JSON.parse(answers()[1].body)).toEqual({ status: 'ok' });
    expect(JSON.parse(answers()[2].body)).toMatchObject({ allow: false, reasons: expect.arrayContaining(['UNKNOWN_CREDENTIAL']) });
    socket.destroy();
  });
});
