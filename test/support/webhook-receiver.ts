import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a test receiver answers: 204, a 500, never (until the sender gives up), or by closing the connection. */
export type ReceiverBehaviour = 'healthy' | 'fails' | 'hangs' | 'hangs-up';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: { id: string; type: string; occurredAt: string; position: string; data: Record<string, any> };
  receivedAt: number;
  answered: ReceiverBehaviour;
}

/** A partner's webhook endpoint, a real HTTP server on 127.0.0.1, recording every request it gets. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server!: Server;
  url = '';

  constructor(public behaviour: ReceiverBehaviour = 'healthy') {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const answered = this.behaviour;
        this.received.push({ headers: request.headers, rawBody, body: JSON.parse(rawBody), receivedAt: Date.now(), answered });
        if (answered === 'healthy') response.writeHead(204).end();
        else if (answered === 'fails') response.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        else if (answered === 'hangs-up') request.socket.destroy();
        // 'hangs': no answer at all; the sender's timeout ends it.
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/model-access`;
    return this;
  }

  ofType(type: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.body.type === type);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
