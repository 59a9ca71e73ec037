import { randomBytes } from 'node:crypto';
import { Role } from '@app/auth';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';
import { TcpProxy } from '../support/tcp-proxy';
import { WebhookReceiver } from '../support/webhook-receiver';
import { applicationBody } from '../support/application';

/**
 * The webhook reactor never depends on Redis being up when a command arrives: while Redis is
 * unreachable, commands succeed and the reactor's checkpoint stays put; when Redis returns, every
 * delivery is enqueued and sent exactly once.
 */

const REDIS_PREFIX = `ma-test-webhook-outage-${randomBytes(4).toString('hex')}`;
const PARTNERS = ['p-outage-one', 'p-outage-two'];

const application = (partnerId: string) =>
  applicationBody({ legalName: `${partnerId} Ltd`, registrationNumber: `${partnerId.toUpperCase()}-1`, intendedUse: 'Support chat', requestedModels: ['outage-model'] });

describe('partner webhooks across a Redis outage', () => {
  const redisProxy = new TcpProxy({ host: '127.0.0.1', port: 6379 });
  const receivers = new Map(PARTNERS.map((partnerId) => [partnerId, new WebhookReceiver()]));
  let system: TestSystem;

  const reactorCheckpoint = async () =>
    Number((await system.db.pool.query("SELECT position FROM projection_checkpoints WHERE name = 'webhook-reactor'")).rows[0]?.position ?? 0);

  beforeAll(async () => {
    await redisProxy.start();
    await Promise.all([...receivers.values()].map((r) => r.start()));
    system = await startTestSystem({
      env: { REDIS_URL: `redis://127.0.0.1:${redisProxy.port}/0`, REDIS_PREFIX, WEBHOOK_HTTP_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_BACKOFF_BASE_MS: '100', WEBHOOK_BACKOFF_MAX_MS: '400' },
    });
    for (const [partnerId, receiver] of receivers) {
      const token = system.token(Role.PartnerAdmin, { sub: `admin@${partnerId}`, partnerId });
      expect((await system.partnerApi.post('/v1/application', application(partnerId), token)).status).toBe(201);
      expect((await system.partnerApi.post('/v1/webhook-endpoints', { url: receiver.url }, token)).status).toBe(201);
    }
  }, 60_000);

  afterAll(async () => {
    await redisProxy.start();
    await system?.close();
    await Promise.all([...receivers.values()].map((r) => r.close()));
    await redisProxy.cut();
  });

  it('accepts commands while Redis is down and delivers each event exactly once when it returns', async () => {
    await eventually(async () => (await reactorCheckpoint()) > 0);
    await redisProxy.cut();

    const reviewer = system.token(Role.Reviewer, { sub: 'outage-reviewer' });
    const positions: number[] = [];
    for (const partnerId of PARTNERS) {
      const rejected = await system.adminApi.post(`/v1/applications/${partnerId}/reject`, { reason: 'incomplete' }, reviewer);
      expect(rejected.status).toBe(200);
      positions.push(Number(rejected.body.position));
    }
    // The reactor cannot hand its jobs over: it keeps its checkpoint before them and retries.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await reactorCheckpoint()).toBeLessThan(Math.min(...positions));
    for (const receiver of receivers.values()) expect(receiver.received).toEqual([]);

    await redisProxy.start();
    for (const [partnerId, receiver] of receivers) {
      const [received] = await eventually(async () => receiver.ofType('ApplicationRejected').length > 0 && receiver.ofType('ApplicationRejected'), 15_000);
      expect(received.body.data).toEqual({ partnerId, decision: 'rejected', reason: 'incomplete' });
    }
    await eventually(async () => (await reactorCheckpoint()) >= Math.max(...positions));
    // Batches retried during the outage enqueued nothing twice: one delivery, one attempt, one request each.
    await new Promise((r) => setTimeout(r, 500));
    const { rows } = await system.db.pool.query('SELECT partner_id, status, attempts FROM webhook_deliveries ORDER BY partner_id');
    expect(rows).toEqual(PARTNERS.map((partnerId) => ({ partner_id: partnerId, status: 'delivered', attempts: 1 })).sort((a, b) => a.partner_id.localeCompare(b.partner_id)));
    for (const receiver of receivers.values()) expect(receiver.received).toHaveLength(1);
  }, 60_000);
});
