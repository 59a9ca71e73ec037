import { once } from 'node:events';
import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { TurnWrites } from './turn-writes';

/** Real sockets on the loopback: a server whose writes `TurnWrites` holds, and clients reading them. */
describe('TurnWrites', () => {
  let server: Server;
  let accepted: Promise<Socket>[];
  const clients: Socket[] = [];

  beforeEach(async () => {
    const waiting: Array<(socket: Socket) => void> = [];
    const arrived: Socket[] = [];
    server = createServer((socket) => {
      const next = waiting.shift();
      if (next) next(socket);
      else arrived.push(socket);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    accepted = [];
    const port = (server.address() as AddressInfo).port;
    for (let i = 0; i < 3; i++) {
      const client = connect(port, '127.0.0.1');
      client.setEncoding('latin1');
      clients.push(client);
      await once(client, 'connect');
      accepted.push(arrived.length > 0 ? Promise.resolve(arrived.shift()!) : new Promise((resolve) => waiting.push(resolve)));
    }
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    server.close();
    await once(server, 'close');
  });

  const received = (client: Socket, length: number): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      const onData = (chunk: string) => {
        text += chunk;
        if (text.length >= length) {
          client.off('data', onData);
          resolve(text);
        }
      };
      client.on('data', onData);
    });

  it('holds the writes of a turn and sends them, in order, when the turn ends', async () => {
    const sockets = await Promise.all(accepted);
    const writes = new TurnWrites();
    sockets.forEach((socket) => writes.hold(socket));
    const answers = clients.map((client) => received(client, 'first;second;'.length));

    sockets.forEach((socket) => socket.write('first;'));
    sockets.forEach((socket) => socket.write('second;'));
    // Still in the stream's buffer: nothing has reached the socket yet.
    expect(sockets.map((socket) => socket.writableLength)).toEqual([13, 13, 13]);

    await new Promise((resolve) => setImmediate(resolve));
    expect(await Promise.all(answers)).toEqual(['first;second;', 'first;second;', 'first;second;']);
    expect(sockets.map((socket) => socket.writableLength)).toEqual([0, 0, 0]);
  });

  it('sends at once when as many writes as it may hold are waiting', async () => {
    const sockets = await Promise.all(accepted);
    const writes = new TurnWrites(2);
    sockets.forEach((socket) => writes.hold(socket));

    sockets[0].write('a');
    expect(sockets[0].writableLength).toBe(1);
    sockets[1].write('b');
    // The second held write sent both, without waiting for the end of the turn.
    expect([sockets[0].writableLength, sockets[1].writableLength]).toEqual([0, 0]);
    sockets[2].write('c');
    expect(sockets[2].writableLength).toBe(1);
    expect(await Promise.all(clients.map((client) => received(client, 1)))).toEqual(['a', 'b', 'c']);
  });

  it('leaves the sockets it was not asked to hold alone', async () => {
    const sockets = await Promise.all(accepted);
    new TurnWrites().hold(sockets[0]);
    sockets[0].write('held');
    sockets[1].write('direct');
    expect([sockets[0].writableLength, sockets[1].writableLength]).toEqual([4, 0]);
    expect(await received(clients[0], 4)).toBe('held');
  });

  it("sends a vector whose other chunks are empty as one write, and calls every chunk's callback", async () => {
    const [socket] = await Promise.all(accepted);
    // What reaches the socket's own methods once the writes are released.
    const calls: string[] = [];
    const write = socket._write;
    const writev = socket._writev!;
    socket._write = (chunk: string, encoding: BufferEncoding, callback: (error?: Error | null) => void) => {
      calls.push(`write ${chunk}`);
      write.call(socket, chunk, encoding, callback);
    };
    socket._writev = (chunks: Array<{ chunk: string; encoding: BufferEncoding }>, callback: (error?: Error | null) => void) => {
      calls.push(`writev ${chunks.map((c) => JSON.stringify(c.chunk)).join(' ')}`);
      writev.call(socket, chunks, callback);
    };
    new TurnWrites().hold(socket);
    const done: string[] = [];
    const answer = received(clients[0], 'head+body;second;third;'.length);

    // As ServerResponse.end(body) writes: the head and body, then an empty string, on a corked socket.
    socket.cork();
    socket.write('head+body;', () => done.push('body'));
    socket.write('', () => done.push('end'));
    socket.uncork();
    await new Promise((resolve) => setImmediate(resolve));
    // Two chunks with something in them still go out as a vector.
    socket.cork();
    socket.write('second;', () => done.push('second'));
    socket.write('', () => done.push('empty'));
    socket.write('third;', () => done.push('third'));
    socket.uncork();

    expect(await answer).toBe('head+body;second;third;');
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['write head+body;', 'writev "second;" "" "third;"']);
    expect(done).toEqual(['body', 'end', 'second', 'empty', 'third']);
  });

  it('fails only the write of a socket closed before the end of the turn', async () => {
    const sockets = await Promise.all(accepted);
    const writes = new TurnWrites();
    sockets.forEach((socket) => writes.hold(socket));
    const outcome = new Promise<Error | null | undefined>((resolve) => sockets[1].write('lost', (error) => resolve(error)));
    sockets[1].on('error', () => undefined);
    sockets[0].write('kept');
    sockets[1].destroy();
    expect(await received(clients[0], 4)).toBe('kept');
    expect(await outcome).toMatchObject({ code: 'ERR_SOCKET_CLOSED' });
  });
});
