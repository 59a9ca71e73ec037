import { once } from 'node:events';
import { AddressInfo, connect, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { get, Server } from 'node:http';
import { FastLane, LaneIncomingMessage } from './fast-lane';

interface RawAnswer {
  status: number;
  body: string;
}

/** The complete answers in `bytes` (each framed by its Content-Length), and whether more is still to come. */
function answersIn(bytes: Buffer): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let at = 0;
  for (;;) {
    const headerEnd = bytes.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) return answers;
    const head = bytes.subarray(at, headerEnd).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (bytes.length < headerEnd + 4 + length) return answers;
    answers.push({ status: Number(head.slice(9, 12)), body: bytes.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8') });
    at = headerEnd + 4 + length;
  }
}

/**
 * Sends `parts` on one new connection, `pauseMs` apart, and collects the answers until `expected` have come
 * (or the server closes the connection). Also says whether the server closed it.
 */
async function exchange(port: number, parts: string[], expected: number, pauseMs = 20): Promise<{ answers: RawAnswer[]; closed: boolean }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  let closed = false;
  const done = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (answersIn(Buffer.concat(chunks)).length >= expected) resolve();
    });
    socket.on('close', () => {
      closed = true;
      resolve();
    });
  });
  socket.on('error', () => undefined);
  for (const [i, part] of parts.entries()) {
    if (i > 0) await sleep(pauseMs);
    socket.write(part);
  }
  await done;
  // A close that follows the last answer at once counts as closed.
  if (!closed) await Promise.race([once(socket, 'close'), sleep(50)]);
  socket.destroy();
  return { answers: answersIn(Buffer.concat(chunks)), closed };
}

const postEcho = (body: string, headers = `Content-Length: ${Buffer.byteLength(body)}`) =>
  `POST /echo HTTP/1.1\r\nHost: lane\r\nContent-Type: application/json\r\n${headers}\r\n\r\n${body}`;

/** The lane's server on a real port: which answers wait for the end of the turn, and which do not. */
describe('FastLane.serverFor', () => {
  let server: Server;
  let base: string;
  let port: number;
  /** Bodies the echo route was called with. */
  const echoed: unknown[] = [];
  /** For each call of the echo route: had its request's stream ended (was the body read from it)? */
  const streamEnded: boolean[] = [];
  /** Bytes still in the socket's stream right after each answer was ended, by path. */
  const heldAfterEnd = new Map<string, number>();

  beforeAll(async () => {
    const lane = new FastLane({ bodyLimit: 1024 });
    lane.get('/lane', (request, reply) => {
      void reply.send({ lane: true });
      heldAfterEnd.set('/lane', request.raw.socket.writableLength);
      return reply;
    });
    lane.post('/echo', (request) => {
      echoed.push(request.body);
      streamEnded.push(request.raw.readableEnded);
      return { body: request.body };
    });
    // The fallback (Nest, in the apps) reads bodies as a stream, as Node hands them to any server.
    server = lane.serverFor((request, response) => {
      let text = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      request.on('end', () => {
        response.end(text === '' ? 'fallback' : `fallback: ${text}`);
        heldAfterEnd.set(request.url ?? '', response.socket?.writableLength ?? -1);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
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

    it('reads JSON, form and plain-text bodies, straight from the parser', async () => {
      const before = streamEnded.length;
      expect(await post('{"a":[1,{"b":"c"}]}', 'application/json; charset=utf-8')).toEqual({ status: 200, body: { body: { a: [1, { b: 'c' }] } } });
      expect(await post('a=1&b=2', 'application/x-www-form-urlencoded')).toEqual({ status: 200, body: { body: { a: '1', b: '2' } } });
      expect(await post('hello', 'text/plain')).toEqual({ status: 200, body: { body: 'hello' } });
      // Read from the stream, the body would have been handed over at the stream's end.
      expect(streamEnded.slice(before)).toEqual([false, false, false]);
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

    it('reads a body that arrives in pieces, and a chunked one', async () => {
      const body = '{"model":"fable-5","userId":"u-1"}';
      const pieces = await exchange(port, [postEcho('', `Content-Length: ${body.length}`) + body.slice(0, 10), body.slice(10, 20), body.slice(20)], 1);
      expect(pieces.answers).toEqual([{ status: 200, body: JSON.stringify({ body: JSON.parse(body) }) }]);

      const chunked = await exchange(port, [postEcho('', 'Transfer-Encoding: chunked'), '5\r\n{"a":\r\n', '3\r\n"b"\r\n', '1\r\n}\r\n0\r\n\r\n'], 1);
      expect(chunked.answers).toEqual([{ status: 200, body: '{"body":{"a":"b"}}' }]);
    });

    it('answers requests sent back to back on one connection in order, and many in turn', async () => {
      const together = await exchange(port, [postEcho('{"n":1}') + postEcho('{"n":2}') + 'GET /lane HTTP/1.1\r\nHost: lane\r\n\r\n' + postEcho('{"n":3}')], 4);
      expect(together.answers.map((answer) => answer.body)).toEqual(['{"body":{"n":1}}', '{"body":{"n":2}}', '{"lane":true}', '{"body":{"n":3}}']);
      expect(together.closed).toBe(false);

      const parts = Array.from({ length: 200 }, (_, n) => postEcho(`{"n":${n}}`));
      const inTurn = await exchange(port, parts, 200, 0);
      expect(inTurn.answers.map((answer) => answer.body)).toEqual(parts.map((_, n) => `{"body":{"n":${n}}}`));
    });

    it('answers 413 once a chunked body passes the limit, and closes the connection', async () => {
      const before = echoed.length;
      const result = await exchange(port, [postEcho('', 'Transfer-Encoding: chunked'), `400\r\n${'x'.repeat(1024)}\r\n`, `10\r\n${'x'.repeat(16)}\r\n0\r\n\r\n`], 1);
      expect(result.answers).toMatchObject([{ status: 413 }]);
      expect(JSON.parse(result.answers[0].body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect(result.closed).toBe(true);
      expect(echoed.length).toBe(before);
    });

    it('keeps serving when a client goes away in the middle of a body, without calling the route', async () => {
      const before = echoed.length;
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(postEcho('{"n":1}', 'Content-Length: 100'));
      await sleep(20);
      socket.destroy();
      await sleep(20);
      expect(echoed.length).toBe(before);
      expect(await post('{"after":true}', 'application/json')).toEqual({ status: 200, body: { body: { after: true } } });
    });

    it('drops the body sent to a route that reads none, and reads the next request on the connection', async () => {
      const result = await exchange(port, ['GET /lane HTTP/1.1\r\nHost: lane\r\nContent-Length: 5\r\n\r\nhello' + postEcho('{"n":2}')], 2);
      expect(result.answers.map((answer) => answer.body)).toEqual(['{"lane":true}', '{"body":{"n":2}}']);
    });

    it("leaves the fallback's bodies to the stream", async () => {
      const answer = await fetch(`${base}/elsewhere`, { method: 'POST', body: 'for Nest' });
      expect(await answer.text()).toBe('fallback: for Nest');
    });

    it('leaves a body to the stream once the stream holds part of it', () => {
      const message = new LaneIncomingMessage(new Socket());
      const reader = { data: jest.fn(), end: jest.fn() };
      message.push(Buffer.from('{"a":'));
      expect(message.takeBody(reader)).toBe(false);
      message.push(Buffer.from('1}'));
      expect(reader.data).not.toHaveBeenCalled();
      expect(message.readableLength).toBe(7);
    });
  });
});
