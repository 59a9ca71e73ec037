import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Role } from '@app/auth';
import { QUEUES } from '@app/jobs';
import { createWebhookSignatureVerifier } from '@app/kyc';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';
import { ReceiverBehaviour, WebhookReceiver } from '../support/webhook-receiver';
import { applicationBody } from '../support/application';

/**
 * Fault 4: partner endpoints that time out, answer 500, or close the connection get their retries
 * (exponential backoff with jitter) and end in the dead-letter list with every attempt recorded;
 * meanwhile a healthy partner's endpoint gets its deliveries promptly, because a slow endpoint only
 * ever holds one delivery slot, for at most the timeout. A replay from admin-api delivers once the
 * endpoint is healthy again. Real PostgreSQL, Redis, BullMQ and HTTP servers throughout.
 */

const REDIS_PREFIX = `ma-test-webhook-faults-${randomBytes(4).toString('hex')}`;
const TIMEOUT_MS = 1500;
const ATTEMPTS = 3;

const PARTNERS: Record<string, ReceiverBehaviour> = {
  'p-fault-slow': 'hangs',
  'p-fault-broken': 'fails',
  'p-fault-hangup': 'hangs-up',
  'p-fault-healthy': 'healthy',
};

const application = (partnerId: string) =>
  applicationBody({ legalName: `${partnerId} Ltd`, registrationNumber: `${partnerId.toUpperCase()}-1`, intendedUse: 'Support chat', requestedModels: ['fault-model'] });

interface DeliveryView {
  deliveryId: string;
  partnerId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  eventType: string;
}

describe('fault 4: failing webhook endpoints are retried and dead-lettered without holding up anyone else', () => {
  let system: TestSystem;
  const receivers = new Map(Object.entries(PARTNERS).map(([partnerId, behaviour]) => [partnerId, new WebhookReceiver(behaviour)]));
  const secrets = new Map<string, string>();
  let reviewer: string;
  let officer: string;

  const verifySignature = (partnerId: string, received: { rawBody: string; headers: Record<string, unknown> }) =>
    createWebhookSignatureVerifier({ secrets: [secrets.get(partnerId)!], toleranceSeconds: 300 }).verify(received.rawBody, received.headers['x-webhook-signature'] as string, new Date());
  const deliveries = async (query: string): Promise<{ total: number; deliveries: DeliveryView[] }> => {
    const answer = await system.adminApi.get(`/v1/webhook-deliveries?${query}`, officer);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    await Promise.all([...receivers.values()].map((r) => r.start()));
    system = await startTestSystem({
      env: {
        REDIS_PREFIX,
        WEBHOOK_HTTP_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
        WEBHOOK_MAX_ATTEMPTS: String(ATTEMPTS),
        WEBHOOK_BACKOFF_BASE_MS: '100',
        WEBHOOK_BACKOFF_MAX_MS: '400',
        WEBHOOK_CONCURRENCY: '8',
      },
    });
    reviewer = system.token(Role.Reviewer, { sub: 'fault-reviewer' });
    officer = system.token(Role.ComplianceOfficer, { sub: 'fault-officer' });
    for (const [partnerId, receiver] of receivers) {
      const token = system.token(Role.PartnerAdmin, { sub: `admin@${partnerId}`, partnerId });
      expect((await system.partnerApi.post('/v1/application', application(partnerId), token)).status).toBe(201);
      const endpoint = await system.partnerApi.post('/v1/webhook-endpoints', { url: receiver.url }, token);
      expect(endpoint.status).toBe(201);
      secrets.set(partnerId, endpoint.body.secret);
    }
  }, 60_000);

  afterAll(async () => {
    await system?.close();
    await Promise.all([...receivers.values()].map((r) => r.close()));
  });

  it('dead-letters the three failing deliveries after every attempt while the healthy partner is served promptly', async () => {
    const failing = ['p-fault-slow', 'p-fault-broken', 'p-fault-hangup'];
    for (const partnerId of failing) expect((await system.adminApi.post(`/v1/applications/${partnerId}/reject`, { reason: 'incomplete' }, reviewer)).status).toBe(200);
    // Wait until the slow endpoint holds a request open: from now on a delivery slot is stuck on it.
    const slow = receivers.get('p-fault-slow')!;
    await eventually(async () => slow.received.length >= 1, 10_000);

    const healthy = receivers.get('p-fault-healthy')!;
    const decidedAt = Date.now();
    expect((await system.adminApi.post('/v1/applications/p-fault-healthy/reject', { reason: 'out of scope' }, reviewer)).status).toBe(200);
    const [received] = await eventually(async () => healthy.ofType('ApplicationRejected').length === 1 && healthy.ofType('ApplicationRejected'), 10_000);
    const latencyMs = received.receivedAt - decidedAt;
    // Well inside one timeout of the slow endpoint: nothing waited for it.
    expect(latencyMs).toBeLessThan(TIMEOUT_MS);
    expect(verifySignature('p-fault-healthy', received).secretIndex).toBe(0);
    expect(received.body.data).toEqual({ partnerId: 'p-fault-healthy', decision: 'rejected', reason: 'out of scope' });

    const dead = await eventually(async () => {
      const list = await deliveries('status=dead');
      return list.total === 3 ? list : null;
    }, 30_000);
    expect(dead.deliveries.map((d) => d.partnerId).sort()).toEqual([...failing].sort());
    expect(dead.deliveries.every((d) => d.attempts === ATTEMPTS && d.eventType === 'ApplicationRejected')).toBe(true);
    const byPartner = new Map(dead.deliveries.map((d) => [d.partnerId, d]));
    expect(byPartner.get('p-fault-slow')).toMatchObject({ lastStatusCode: null, lastError: `timed out after ${TIMEOUT_MS} ms` });
    expect(byPartner.get('p-fault-broken')).toMatchObject({ lastStatusCode: 500, lastError: 'answered HTTP 500' });
    expect(byPartner.get('p-fault-hangup')).toMatchObject({ lastStatusCode: null, lastError: expect.stringMatching(/socket|closed|reset|ECONNRESET|UND_ERR/i) });

    // Every attempt is recorded, and each endpoint really got each attempt, signed, at growing intervals.
    for (const partnerId of failing) {
      const detail = await system.adminApi.get(`/v1/webhook-deliveries/${byPartner.get(partnerId)!.deliveryId}`, officer);
      expect(detail.body.attemptLog.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3]);
      expect(detail.body.attemptLog.every((a: { succeeded: boolean; startedAt: string; durationMs: number }) => !a.succeeded && a.startedAt && a.durationMs >= 0)).toBe(true);
      const got = receivers.get(partnerId)!.received;
      expect(got).toHaveLength(ATTEMPTS);
      expect(new Set(got.map((r) => r.body.id)).size).toBe(1);
      expect(got.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
      for (const r of got) verifySignature(partnerId, r);
    }
    const slowAttempts = (await system.adminApi.get(`/v1/webhook-deliveries/${byPartner.get('p-fault-slow')!.deliveryId}`, officer)).body.attemptLog;
    expect(slowAttempts.every((a: { durationMs: number }) => a.durationMs >= TIMEOUT_MS - 50 && a.durationMs < TIMEOUT_MS + 1000)).toBe(true);

    // The healthy partner's delivery took one attempt; the dead letters' jobs stay visible as failed in BullMQ.
    const delivered = await deliveries('partnerId=p-fault-healthy');
    expect(delivered.deliveries).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1, lastStatusCode: 204 })]);
    const queue = new Queue(QUEUES.webhooks, { connection: { url: system.config.redis.url }, prefix: REDIS_PREFIX });
    expect(await queue.getJobCounts('failed', 'completed')).toEqual({ failed: 3, completed: 1 });
    await queue.close();
  }, 60_000);

  it('filters the dead-letter list and guards replay by role and state', async () => {
    expect((await deliveries('status=dead&partnerId=p-fault-broken')).deliveries.map((d) => d.partnerId)).toEqual(['p-fault-broken']);
    expect((await deliveries('status=delivered')).total).toBe(1);
    expect((await system.adminApi.get('/v1/webhook-deliveries?status=lost', officer)).body).toMatchObject({ statusCode: 400, fields: [{ field: 'status' }] });
    expect((await system.adminApi.get('/v1/webhook-deliveries?status=dead', reviewer)).status).toBe(403);
    expect((await system.adminApi.get('/v1/webhook-deliveries', system.token(Role.PartnerAdmin, { partnerId: 'p-fault-broken' }))).status).toBe(403);
    expect((await system.adminApi.get('/v1/webhook-deliveries?status=dead', system.token(Role.Admin))).status).toBe(200);

    const [delivered] = (await deliveries('status=delivered')).deliveries;
    const [broken] = (await deliveries('status=dead&partnerId=p-fault-broken')).deliveries;
    expect((await system.adminApi.post(`/v1/webhook-deliveries/${delivered.deliveryId}/replay`, { reason: 'again' }, officer)).body).toMatchObject({
      statusCode: 409, code: 'WEBHOOK_DELIVERY.NOT_DEAD_LETTERED', currentStatus: 'delivered',
    });
    expect((await system.adminApi.post('/v1/webhook-deliveries/whd-unknown/replay', { reason: 'again' }, officer)).body).toMatchObject({ statusCode: 404, code: 'WEBHOOK_DELIVERY.NOT_FOUND' });
    expect((await system.adminApi.post(`/v1/webhook-deliveries/${broken.deliveryId}/replay`, {}, officer)).body).toMatchObject({ statusCode: 400, fields: [{ field: 'reason' }] });
    expect((await system.adminApi.post(`/v1/webhook-deliveries/${broken.deliveryId}/replay`, { reason: 'again' }, reviewer)).status).toBe(403);
    expect((await deliveries('status=dead')).total).toBe(3);
  });

  it('delivers a dead letter on replay once the endpoint is healthy, and records who asked', async () => {
    const broken = receivers.get('p-fault-broken')!;
    broken.behaviour = 'healthy';
    const [letter] = (await deliveries('status=dead&partnerId=p-fault-broken')).deliveries;
    const replay = await system.adminApi.post(`/v1/webhook-deliveries/${letter.deliveryId}/replay`, { reason: 'partner fixed their endpoint' }, officer);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ deliveryId: letter.deliveryId, status: 'replay_requested' });

    const redelivered = await eventually(async () => broken.received.find((r) => r.answered === 'healthy'), 10_000);
    verifySignature('p-fault-broken', redelivered);
    expect(redelivered.body.id).toBe(broken.received[0].body.id);
    expect(redelivered.headers['x-webhook-attempt']).toBe(String(ATTEMPTS + 1));
    const after = await eventually(async () => {
      const detail = await system.adminApi.get(`/v1/webhook-deliveries/${letter.deliveryId}`, officer);
      return detail.body.status === 'delivered' ? detail.body : null;
    });
    expect(after).toMatchObject({ attempts: ATTEMPTS + 1, replays: 1, lastStatusCode: 204 });
    expect(after.attemptLog.map((a: { succeeded: boolean }) => a.succeeded)).toEqual([false, false, false, true]);
    // The replay is an event, attributed to the officer who asked for it.
    const { rows } = await system.db.pool.query("SELECT data, metadata FROM events WHERE type = 'WebhookDeliveryReplayRequested'");
    expect(rows).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ deliveryId: letter.deliveryId, partnerId: 'p-fault-broken', reason: 'partner fixed their endpoint' }),
        metadata: expect.objectContaining({ actorId: 'fault-officer', actorRole: 'compliance_officer' }),
      }),
    ]);
    // Replaying again is refused: it is delivered now. The other dead letters stay dead.
    expect((await system.adminApi.post(`/v1/webhook-deliveries/${letter.deliveryId}/replay`, { reason: 'again' }, officer)).status).toBe(409);
    expect((await deliveries('status=dead')).deliveries.map((d) => d.partnerId).sort()).toEqual(['p-fault-hangup', 'p-fault-slow']);
    expect(broken.received.filter((r) => r.answered === 'healthy')).toHaveLength(1);
  });
});
