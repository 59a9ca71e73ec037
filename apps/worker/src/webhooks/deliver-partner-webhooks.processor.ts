import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import type { Pool } from 'pg';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@app/config';
import { inTransaction, PG_POOL } from '@app/database';
import { QUEUES, workerConnection } from '@app/jobs';
import { PartnerWebhookBody, retryDelayMs, signedDeliveryRequest, WebhookSecretCipher } from '@app/webhooks';
import { DeliverWebhookJob, WEBHOOK_BACKOFF } from './webhook-queue';
import { AttemptOutcome, postWebhook } from './webhook-sender';

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  url: string;
  payload: PartnerWebhookBody;
  status: string;
}

/** A failed attempt: BullMQ retries the job after the webhook backoff, or leaves it failed after the last. */
export class WebhookAttemptFailed extends Error {
  constructor(deliveryId: string, attempt: number, reason: string) {
    super(`delivery ${deliveryId} attempt ${attempt} failed: ${reason}`);
    this.name = 'WebhookAttemptFailed';
  }
}

/**
 * Delivers partner webhooks: signs each attempt, records it (time, status code or error, duration),
 * retries with exponential backoff and jitter, and dead-letters the delivery after the last attempt.
 * Many deliveries run at once and each is bounded by a timeout, so a slow endpoint holds one slot
 * for at most that long and never holds up another partner's deliveries.
 */
@Injectable()
export class DeliverPartnerWebhooks implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly cipher: WebhookSecretCipher;
  private worker: Worker<DeliverWebhookJob> | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.cipher = new WebhookSecretCipher(config.webhooks.secretKey);
  }

  onApplicationBootstrap(): void {
    const { backoffBaseMs, backoffMaxMs, concurrency, timeoutMs } = this.config.webhooks;
    this.worker = new Worker<DeliverWebhookJob>(QUEUES.webhooks, (job) => this.deliver(job), {
      connection: workerConnection(this.config.redis),
      prefix: this.config.redis.prefix,
      concurrency,
      // A job's lock must outlive its longest attempt.
      lockDuration: Math.max(30_000, timeoutMs * 3),
      settings: {
        backoffStrategy: (attemptsMade, type) => (type === WEBHOOK_BACKOFF ? retryDelayMs(attemptsMade, { baseDelayMs: backoffBaseMs, maxDelayMs: backoffMaxMs }) : -1),
      },
    });
    this.worker.on('error', (error) => this.logger.warn(`queue connection: ${error.message}`));
    this.worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) this.logger.warn(`dead-lettered after ${job.attemptsMade} attempts: ${error.message}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async deliver(job: Job<DeliverWebhookJob>): Promise<string> {
    const { deliveryId } = job.data;
    const delivery = await this.deliveryToSend(deliveryId);
    if (!delivery) return 'nothing to send';
    const secret = await this.secretOf(delivery.endpoint_id);
    if (secret === null) {
      await this.pool.query("UPDATE webhook_deliveries SET status = 'cancelled', last_error = 'endpoint removed' WHERE id = $1", [deliveryId]);
      return 'endpoint removed';
    }
    const attempt = await this.nextAttemptNumber(deliveryId);
    const startedAt = this.clock.now();
    const request = signedDeliveryRequest(delivery.payload, secret, { deliveryId, attempt }, startedAt);
    const outcome = await postWebhook(delivery.url, request, { timeoutMs: this.config.webhooks.timeoutMs, allowedHosts: this.config.webhooks.httpAllowedHosts });
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await this.recordAttempt(deliveryId, attempt, startedAt, outcome, lastAttempt);
    if (!outcome.succeeded) throw new WebhookAttemptFailed(deliveryId, attempt, outcome.error ?? 'failed');
    return `delivered: HTTP ${outcome.statusCode}`;
  }

  /** The delivery, if it still waits to be sent: a repeated or replayed job for a finished one sends nothing. */
  private async deliveryToSend(deliveryId: string): Promise<DeliveryRow | null> {
    const { rows } = await this.pool.query<DeliveryRow>('SELECT id, endpoint_id, url, payload, status FROM webhook_deliveries WHERE id = $1', [deliveryId]);
    // Enqueued before the reactor's insert was visible here: retry rather than lose it.
    if (rows.length === 0) throw new Error(`delivery ${deliveryId} is not recorded yet`);
    return rows[0].status === 'pending' || rows[0].status === 'retrying' ? rows[0] : null;
  }

  private async secretOf(endpointId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ ciphertext: string }>('SELECT ciphertext FROM webhook_endpoint_secrets WHERE endpoint_id = $1', [endpointId]);
    return rows.length === 0 ? null : this.cipher.decrypt(rows[0].ciphertext, endpointId);
  }

  private async nextAttemptNumber(deliveryId: string): Promise<number> {
    const { rows } = await this.pool.query<{ attempts: number }>('UPDATE webhook_deliveries SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts', [deliveryId]);
    return rows[0].attempts;
  }

  private async recordAttempt(deliveryId: string, attempt: number, startedAt: Date, outcome: AttemptOutcome, lastAttempt: boolean): Promise<void> {
    const status = outcome.succeeded ? 'delivered' : lastAttempt ? 'dead' : 'retrying';
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, succeeded)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (delivery_id, attempt) DO NOTHING`,
        [deliveryId, attempt, startedAt, outcome.durationMs, outcome.statusCode, outcome.error, outcome.succeeded],
      );
      await client.query(
        `UPDATE webhook_deliveries
            SET status = $2, last_attempt_at = $3, last_status_code = $4, last_error = $5,
                delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END,
                dead_lettered_at = CASE WHEN $2 = 'dead' THEN now() ELSE dead_lettered_at END
          WHERE id = $1`,
        [deliveryId, status, startedAt, outcome.statusCode, outcome.error],
      );
    });
  }
}
