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
});
