import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Pool } from 'pg';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import type { DirectiveTerms, WebhookDeliveryReplayRequested } from '@app/domain';
import { EventStore, RecordedEvent, Subscription } from '@app/event-store';
import { deliveryIdFor, directiveCoversLicense, DirectiveScope, PartnerWebhookBody, partnerViewOf, recipientsOf } from '@app/webhooks';
import { createWebhookQueue, DeliverWebhookJob, deliverWebhookJob } from './webhook-queue';

const CHECKPOINT = 'webhook-reactor';
const HELD_LICENSE_EVENTS = ['LicenseGranted', 'LicenseAmended', 'LicenseSuspended', 'LicenseReinstated', 'LicenseRevoked', 'LicenseExpired'];
const LICENSE_ENDED = new Set(['LicenseRevoked', 'LicenseExpired']);

interface Endpoint {
  endpointId: string;
  partnerId: string;
  url: string;
}

interface Delivery {
  endpoint: Endpoint;
  body: PartnerWebhookBody;
}

/**
 * Fans a partner's events out to its webhook endpoints. A reactor with its own checkpoint: for each
 * event a partner should receive it records one delivery per endpoint registered before the event
 * (id derived from event and endpoint), enqueues one job per delivery (id derived from the delivery),
 * and only then advances its checkpoint. Who holds a license and which endpoints exist are read from
 * the events before the one at hand, so reprocessing after a crash decides exactly the same.
 */
@Injectable()
export class NotifyPartnersWhenTheirEventsHappen implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookReactor');
  private readonly queue: Queue<DeliverWebhookJob>;
  private subscription: Subscription | null = null;

  constructor(
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.queue = createWebhookQueue(config);
    this.queue.on('error', () => undefined);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { rows } = await this.pool.query('SELECT position FROM projection_checkpoints WHERE name = $1', [CHECKPOINT]);
    this.subscription = this.store.subscribe({
      fromPosition: Number(rows[0]?.position ?? 0),
      handler: (events) => this.handle(events),
      onError: (error) => this.logger.warn(`retrying the batch: ${(error as Error).message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
    await this.queue.close();
  }

  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    return this.subscription ? this.subscription.waitForPosition(position, timeoutMs) : Promise.resolve(false);
  }

  private async handle(events: RecordedEvent[]): Promise<void> {
    const jobs: ReturnType<typeof deliverWebhookJob>[] = [];
    for (const event of events) {
      if (event.type === 'WebhookDeliveryReplayRequested') {
        const job = await this.reopenDeadLetter(event as RecordedEvent<string, WebhookDeliveryReplayRequested['data']>);
        if (job) jobs.push(job);
        continue;
      }
      for (const delivery of await this.deliveriesFor(event)) jobs.push(await this.recordDelivery(event, delivery));
    }
    if (jobs.length > 0) await this.enqueue(jobs);
    await this.pool.query(
      `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (name) DO UPDATE SET position = GREATEST(projection_checkpoints.position, EXCLUDED.position), updated_at = now()`,
      [CHECKPOINT, events[events.length - 1].globalPosition],
    );
  }

  /** Resolves once Redis has accepted every job, or throws after JOB_ENQUEUE_TIMEOUT_MS (the batch is retried). */
  private async enqueue(jobs: ReturnType<typeof deliverWebhookJob>[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.config.jobs.enqueueTimeoutMs;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not accept ${jobs.length} webhook job(s) within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.queue.addBulk(jobs), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async deliveriesFor(event: RecordedEvent): Promise<Delivery[]> {
    const data = event.data as Record<string, unknown>;
    const recipients = recipientsOf(event.type, data);
    if (recipients.kind === 'nobody') return [];
    const body = (view: Record<string, unknown>): PartnerWebhookBody => ({
      id: event.eventId,
      type: event.type,
      occurredAt: event.metadata.occurredAt,
      position: String(event.globalPosition),
      data: view,
    });
    if (recipients.kind === 'partner') {
      const endpoints = await this.endpointsBefore(event.globalPosition, [recipients.partnerId]);
      return endpoints.map((endpoint) => ({ endpoint, body: body(partnerViewOf(event.type, data)) }));
    }
    const affected = await this.licensedModelsAffected(event, recipients.directiveId);
    const endpoints = await this.endpointsBefore(event.globalPosition, [...affected.keys()]);
    return endpoints.map((endpoint) => ({ endpoint, body: body(partnerViewOf(event.type, data, affected.get(endpoint.partnerId)!)) }));
  }

  /** Partner -> its licensed models or families (held just before the event) that the directive covers. */
  private async licensedModelsAffected(event: RecordedEvent, directiveId: string): Promise<Map<string, string[]>> {
    const scope = await this.directiveScope(event, directiveId);
    const affected = new Map<string, string[]>();
    if (!scope) return affected;
    const [licenses, families] = await Promise.all([this.licensesHeldBefore(event.globalPosition), this.modelFamiliesBefore(event.globalPosition)]);
    for (const license of licenses) {
      if (!directiveCoversLicense(scope, license.modelId, families)) continue;
      const models = affected.get(license.partnerId) ?? [];
      if (!models.includes(license.modelId)) models.push(license.modelId);
      affected.set(license.partnerId, models.sort());
    }
    return affected;
  }

  private async directiveScope(event: RecordedEvent, directiveId: string): Promise<DirectiveScope | null> {
    if (event.type !== 'DirectiveLifted') return (event.data as DirectiveTerms).scope;
    const { rows } = await this.pool.query(
      `SELECT data->'scope' AS scope FROM events
        WHERE stream_id = $1 AND type IN ('DirectiveIssued', 'DirectiveAmended') AND global_position < $2
        ORDER BY global_position DESC LIMIT 1`,
      [`directive-${directiveId}`, event.globalPosition],
    );
    return rows[0]?.scope ?? null;
  }

  private async licensesHeldBefore(position: number): Promise<{ partnerId: string; modelId: string }[]> {
    const { rows } = await this.pool.query<{ type: string; partner_id: string; model_id: string }>(
      `SELECT DISTINCT ON (data->>'licenseId') type, data->>'partnerId' AS partner_id, data->>'modelId' AS model_id
         FROM events WHERE type = ANY($1) AND global_position < $2
        ORDER BY data->>'licenseId', global_position DESC`,
      [HELD_LICENSE_EVENTS, position],
    );
    return rows.filter((r) => !LICENSE_ENDED.has(r.type)).map((r) => ({ partnerId: r.partner_id, modelId: r.model_id }));
  }

  private async modelFamiliesBefore(position: number): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ model_id: string; family: string }>(
      `SELECT data->>'modelId' AS model_id, data->>'family' AS family FROM events WHERE type = 'ModelRegistered' AND global_position < $1`,
      [position],
    );
    return new Map(rows.map((r) => [r.model_id, r.family]));
  }

  private async endpointsBefore(position: number, partnerIds: string[]): Promise<Endpoint[]> {
    if (partnerIds.length === 0) return [];
    const { rows } = await this.pool.query<{ type: string; endpoint_id: string; partner_id: string; url: string }>(
      `SELECT DISTINCT ON (data->>'endpointId') type, data->>'endpointId' AS endpoint_id, data->>'partnerId' AS partner_id, data->>'url' AS url
         FROM events WHERE type IN ('WebhookEndpointRegistered', 'WebhookEndpointRemoved') AND data->>'partnerId' = ANY($1) AND global_position < $2
        ORDER BY data->>'endpointId', global_position DESC`,
      [partnerIds, position],
    );
    return rows.filter((r) => r.type === 'WebhookEndpointRegistered').map((r) => ({ endpointId: r.endpoint_id, partnerId: r.partner_id, url: r.url }));
  }

  private async recordDelivery(event: RecordedEvent, { endpoint, body }: Delivery) {
    const deliveryId = deliveryIdFor(event.eventId, endpoint.endpointId);
    await this.pool.query(
      `INSERT INTO webhook_deliveries (id, endpoint_id, partner_id, url, event_id, event_type, event_position, payload, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', now()) ON CONFLICT (id) DO NOTHING`,
      [deliveryId, endpoint.endpointId, endpoint.partnerId, endpoint.url, event.eventId, event.type, event.globalPosition, JSON.stringify(body)],
    );
    return deliverWebhookJob(this.config, { deliveryId, endpointId: endpoint.endpointId, partnerId: endpoint.partnerId, eventId: event.eventId }, null);
  }

  /**
   * Puts a dead letter back in line, once per replay event: the row remembers which replay reopened
   * it, so a batch retried after a failed enqueue enqueues the same job again (same id) and no other.
   */
  private async reopenDeadLetter(event: RecordedEvent<string, WebhookDeliveryReplayRequested['data']>) {
    const { deliveryId, endpointId, partnerId, eventId } = event.data;
    const { rows } = await this.pool.query(
      `UPDATE webhook_deliveries
          SET status = CASE WHEN status = 'dead' THEN 'pending' ELSE status END,
              replays = replays + CASE WHEN status = 'dead' THEN 1 ELSE 0 END,
              last_replay_event_id = CASE WHEN status = 'dead' THEN $2::uuid ELSE last_replay_event_id END
        WHERE id = $1 AND (status = 'dead' OR last_replay_event_id = $2::uuid)
        RETURNING id`,
      [deliveryId, event.eventId],
    );
    if (rows.length === 0) return null;
    return deliverWebhookJob(this.config, { deliveryId, endpointId, partnerId, eventId }, event.eventId);
  }
}
