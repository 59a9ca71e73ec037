import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { get, Server } from 'node:http';
import { FastLane } from './fast-lane';

/** The lane's server on a real port: which answers wait for the end of the turn, and which do not. */
describe('FastLane.serverFor', () => {
  let server: Server;
  let base: string;
  /** Bytes still in the socket's stream right after each answer was ended, by path. */
  const heldAfterEnd = new Map<string, number>();

  beforeAll(async () => {
    const lane = new FastLane({ bodyLimit: 1024 });
    lane.get('/lane', (request, reply) => {
      void reply.send({ lane: true });
      heldAfterEnd.set('/lane', request.raw.socket.writableLength);
      return reply;
    });
    lane.post('/echo', (request) => ({ body: request.body }));
    server = lane.serverFor((request, response) => {
      response.end('fallback');
      heldAfterEnd.set(request.url ?? '', response.socket?.writableLength ?? -1);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it("holds a lane answer for the end of the event loop's turn, then sends it whole", async () => {
    const answer = await fetch(`${base}/lane`);
    expect(await answer.json()).toEqual({ lane: true });
    expect(heldAfterEnd.get('/lane')).toBeGreaterThan(0);
  });

  it("writes the fallback's answers at once on connections that never carried a lane request", async () => {
    // A connection of its own (no agent): the lane's held connections are not reused for it.
    const body = await new Promise<string>((resolve, reject) =>
      get(`${base}/elsewhere`, { agent: false }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      }).on('error', reject),
    );
    expect(body).toBe('fallback');
    expect(heldAfterEnd.get('/elsewhere')).toBe(0);
  });

  describe('bodies', () => {
    const post = (body: string, contentType?: string) =>
      fetch(`${base}/echo`, { method: 'POST', body, headers: contentType ? { 'content-type': contentType } : {} }).then(async (answer) => ({ status: answer.status, body: await answer.json() }));

    it('reads JSON, form and plain-text bodies', async () => {
      expect(await post('{"a":[1,{"b":"c"}]}', 'application/json; charset=utf-8')).toEqual({ status: 200, body: { body: { a: [1, { b: 'c' }] } } });
      expect(await post('a=1&b=2', 'application/x-www-form-urlencoded')).toEqual({ status: 200, body: { body: { a: '1', b: '2' } } });
      expect(await post('hello', 'text/plain')).toEqual({ status: 200, body: { body: 'hello' } });
    });

    it('answers any other media type 415, also names that are properties of every object', async () => {
      for (const type of ['application/xml', 'hasOwnProperty', 'constructor', '__proto__', 'toString', 'valueOf']) {
        const answer = await post('{}', type);
        expect({ type, status: answer.status }).toEqual({ type, status: 415 });
        expect(answer.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      }
    });

    it('answers bad or empty JSON 400, a body over the limit 413, and text PostgreSQL cannot store 400', async () => {
      expect(await post('{"a":', 'application/json')).toMatchObject({ status: 400, body: { code: 'INVALID_JSON_BODY' } });
      expect(await post('', 'application/json')).toMatchObject({ status: 400, body: { code: 'EMPTY_JSON_BODY' } });
      expect(await post(JSON.stringify({ a: 'x'.repeat(2000) }), 'application/json')).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
      expect(await post('{"a":"\\u0000"}', 'application/json')).toMatchObject({ status: 400, body: { fields: [{ field: 'a' }] } });
      expect(await post('{"a":"\\ud800"}', 'application/json')).toMatchObject({ status: 400, body: { fields: [{ field: 'a' }] } });
      expect(await post('a=%00', 'application/x-www-form-urlencoded')).toMatchObject({ status: 400, body: { fields: [{ field: 'a' }] } });
    });
  });
});
