import { Queue } from 'bullmq';
import type { AppConfig } from '@app/config';
import { JobPayloads, jobIdFor, producerConnection, QUEUES } from '@app/jobs';

export type DeliverWebhookJob = JobPayloads['webhooks']['webhook.deliver'];
export const DELIVER_WEBHOOK = 'webhook.deliver' as const;
/** The name the `webhooks` queue's jobs give their custom backoff (see the delivery processor). */
export const WEBHOOK_BACKOFF = 'webhook-backoff';

/** Producers fail fast while Redis is away: the reactor retries its batch from its checkpoint. */
export function createWebhookQueue(config: AppConfig): Queue<DeliverWebhookJob> {
  return new Queue<DeliverWebhookJob>(QUEUES.webhooks, { connection: producerConnection(config.redis), prefix: config.redis.prefix });
}

/**
 * A delivery job: its id derives from the delivery (and, for a replay, the event that asked for it),
 * so the same fan-out or replay enqueued twice is one job. Retries use the webhook backoff; the
 * failed job is kept, visible, beside the delivery's dead-letter row.
 */
export function deliverWebhookJob(config: AppConfig, data: DeliverWebhookJob, replayEventId: string | null) {
  return {
    name: DELIVER_WEBHOOK,
    data,
    opts: {
      jobId: replayEventId ? jobIdFor(DELIVER_WEBHOOK, data.deliveryId, 'replay', replayEventId) : jobIdFor(DELIVER_WEBHOOK, data.deliveryId),
      attempts: config.webhooks.maxAttempts,
      backoff: { type: WEBHOOK_BACKOFF },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  };
}
