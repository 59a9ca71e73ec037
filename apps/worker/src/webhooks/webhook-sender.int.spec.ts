import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signedDeliveryRequest } from '@app/webhooks';
import { WebhookReceiver } from '../../../../test/support/webhook-receiver';
import { postWebhook } from './webhook-sender';

const request = signedDeliveryRequest(
  { id: '6f1c1e0e-8c44-4a51-9d0f-0d8a3e0d9c11', type: 'LicenseGranted', occurredAt: '2026-06-09T10:00:00.000Z', position: '7', data: { licenseId: 'lic-1' } },
  'whsec_test',
  { deliveryId: 'whd-1', attempt: 1 },
  new Date(),
);
const LOOPBACK_ALLOWED = { timeoutMs: 400, allowedHosts: ['127.0.0.1'] };

describe('postWebhook against real HTTP servers', () => {
  const receiver = new WebhookReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.close());

  it('counts a 2xx as delivered and sends the signed body as it is', async () => {
    receiver.behaviour = 'healthy';
    const outcome = await postWebhook(receiver.url, request, LOOPBACK_ALLOWED);
    expect(outcome).toMatchObject({ succeeded: true, statusCode: 204, error: null });
    const got = receiver.received[receiver.received.length - 1];
    expect(got.rawBody).toBe(request.body);
    expect(got.headers['x-webhook-signature']).toBe(request.headers['X-Webhook-Signature']);
    expect(got.headers['content-type']).toBe('application/json');
  });

  it('reports a 500, a hang-up and a timeout as failures with what happened', async () => {
    receiver.behaviour = 'fails';
    expect(await postWebhook(receiver.url, request, LOOPBACK_ALLOWED)).toMatchObject({ succeeded: false, statusCode: 500, error: 'answered HTTP 500' });
    receiver.behaviour = 'hangs-up';
    expect(await postWebhook(receiver.url, request, LOOPBACK_ALLOWED)).toMatchObject({ succeeded: false, statusCode: null, error: expect.stringMatching(/^ECONNRESET/) });
    receiver.behaviour = 'hangs';
    const timedOut = await postWebhook(receiver.url, request, LOOPBACK_ALLOWED);
    expect(timedOut).toMatchObject({ succeeded: false, statusCode: null, error: 'timed out after 400 ms' });
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(390);
    expect(timedOut.durationMs).toBeLessThan(1400);
  });

  it('does not follow a redirect', async () => {
    let followed = false;
    const server = createServer((req, res) => {
      if (req.url === '/elsewhere') followed = true;
      res.writeHead(req.url === '/elsewhere' ? 204 : 307, { location: '/elsewhere' }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    expect(await postWebhook(url, request, LOOPBACK_ALLOWED)).toMatchObject({ succeeded: false, statusCode: 307, error: 'answered HTTP 307' });
    expect(followed).toBe(false);
    await new Promise((r) => server.close(r));
  });

  it('refuses a name that resolves to a loopback address unless the host is allow-listed', async () => {
    receiver.behaviour = 'healthy';
    const before = receiver.received.length;
    const byName = receiver.url.replace('127.0.0.1', 'localhost');
    expect(await postWebhook(byName, request, LOOPBACK_ALLOWED)).toMatchObject({ succeeded: false, statusCode: null, error: 'ENDPOINT_NOT_PUBLIC: localhost resolves to a private or loopback address' });
    expect(receiver.received.length).toBe(before);
    expect(await postWebhook(byName, request, { timeoutMs: 400, allowedHosts: ['localhost'] })).toMatchObject({ succeeded: true, statusCode: 204 });
  });

  it('reports a refused connection', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    expect(await postWebhook(`http://127.0.0.1:${port}/hook`, request, LOOPBACK_ALLOWED)).toMatchObject({ succeeded: false, error: expect.stringMatching(/^ECONNREFUSED/) });
  });
});
