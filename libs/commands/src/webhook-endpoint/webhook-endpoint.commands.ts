import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { Pool, PoolClient } from 'pg';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@app/config';
import { inTransaction, PG_POOL } from '@app/database';
import { DomainError, Partner, WebhookDeliveryStatus, WebhookEndpoint } from '@app/domain';
import { EventStore } from '@app/event-store';
import { generateWebhookSecret, WebhookSecretCipher } from '@app/webhooks';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export interface WebhookSecretIssued extends CommandResult {
  endpointId: string;
  /** Present only in the answer to the command that created it; stored encrypted, never shown again. */
  secret: string | null;
}

export class RegisterWebhookEndpointCommand extends Command<WebhookSecretIssued> {
  constructor(readonly partnerId: string, readonly endpointId: string, readonly url: string, readonly description: string, readonly meta: CommandMeta) {
    super();
  }
}

export class RotateWebhookSecretCommand extends Command<WebhookSecretIssued> {
  constructor(readonly partnerId: string, readonly endpointId: string, readonly meta: CommandMeta) {
    super();
  }
}

export class RemoveWebhookEndpointCommand extends Command<CommandResult> {
  constructor(readonly partnerId: string, readonly endpointId: string, readonly reason: string, readonly meta: CommandMeta) {
    super();
  }
}

export class ReplayWebhookDeliveryCommand extends Command<CommandResult> {
  constructor(readonly deliveryId: string, readonly reason: string, readonly meta: CommandMeta) {
    super();
  }
}

/**
 * The secret and the event that introduces it commit together: an endpoint never exists without its
 * secret, and a retried request (same Idempotency-Key) neither stores nor shows a second one.
 */
abstract class WebhookSecretWriter {
  protected readonly cipher: WebhookSecretCipher;

  constructor(
    protected readonly aggregates: AggregateRepository,
    protected readonly store: EventStore,
    @Inject(PG_POOL) protected readonly pool: Pool,
    @Inject(CLOCK) protected readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cipher = new WebhookSecretCipher(config.webhooks.secretKey);
  }

  protected async committed<T extends CommandResult>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const result = await inTransaction(this.pool, work);
    if (!result.duplicate) this.store.notifyAppended();
    return result;
  }

  protected async storeSecret(client: PoolClient, endpointId: string, partnerId: string, secret: string): Promise<void> {
    await client.query(
      `INSERT INTO webhook_endpoint_secrets (endpoint_id, partner_id, ciphertext, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (endpoint_id) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, updated_at = EXCLUDED.updated_at`,
      [endpointId, partnerId, this.cipher.encrypt(secret, endpointId), this.clock.now()],
    );
  }
}

@CommandHandler(RegisterWebhookEndpointCommand)
export class RegisterWebhookEndpointHandler extends WebhookSecretWriter implements ICommandHandler<RegisterWebhookEndpointCommand> {
  async execute({ partnerId, endpointId, url, description, meta }: RegisterWebhookEndpointCommand): Promise<WebhookSecretIssued> {
    const [partner, activeEndpoints] = await Promise.all([this.aggregates.load(Partner, partnerId), this.activeEndpointsOf(partnerId)]);
    const secret = generateWebhookSecret();
    return this.committed(async (client) => {
      const command = { type: 'RegisterWebhookEndpoint' as const, data: { endpointId, partnerId, url, description }, partnerStatus: partner.state.status, activeEndpoints };
      const { state: _state, ...result } = await this.aggregates.execute(WebhookEndpoint, endpointId, command, meta, { client });
      if (result.duplicate) return { ...result, endpointId, secret: null };
      await this.storeSecret(client, endpointId, partnerId, secret);
      return { ...result, endpointId, secret };
    });
  }

  /** An active endpoint has exactly one secret, written and deleted with its events: an exact count, not a read model's. */
  private async activeEndpointsOf(partnerId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_endpoint_secrets WHERE partner_id = $1', [partnerId]);
    return rows[0].n;
  }
}

@CommandHandler(RotateWebhookSecretCommand)
export class RotateWebhookSecretHandler extends WebhookSecretWriter implements ICommandHandler<RotateWebhookSecretCommand> {
  async execute({ partnerId, endpointId, meta }: RotateWebhookSecretCommand): Promise<WebhookSecretIssued> {
    const secret = generateWebhookSecret();
    return this.committed(async (client) => {
      const { state: _state, ...result } = await this.aggregates.execute(WebhookEndpoint, endpointId, { type: 'RotateWebhookSecret', data: { endpointId, partnerId } }, meta, { client });
      if (result.duplicate) return { ...result, endpointId, secret: null };
      await this.storeSecret(client, endpointId, partnerId, secret);
      return { ...result, endpointId, secret };
    });
  }
}

@CommandHandler(RemoveWebhookEndpointCommand)
export class RemoveWebhookEndpointHandler extends WebhookSecretWriter implements ICommandHandler<RemoveWebhookEndpointCommand> {
  async execute({ partnerId, endpointId, reason, meta }: RemoveWebhookEndpointCommand): Promise<CommandResult> {
    return this.committed(async (client) => {
      const { state: _state, ...result } = await this.aggregates.execute(WebhookEndpoint, endpointId, { type: 'RemoveWebhookEndpoint', data: { endpointId, partnerId, reason } }, meta, { client });
      // A removed endpoint's secret is not kept: nothing can be signed for it any more.
      if (!result.duplicate) await client.query('DELETE FROM webhook_endpoint_secrets WHERE endpoint_id = $1', [endpointId]);
      return result;
    });
  }
}

@CommandHandler(ReplayWebhookDeliveryCommand)
export class ReplayWebhookDeliveryHandler implements ICommandHandler<ReplayWebhookDeliveryCommand> {
  constructor(private readonly aggregates: AggregateRepository, @Inject(PG_POOL) private readonly pool: Pool) {}

  async execute({ deliveryId, reason, meta }: ReplayWebhookDeliveryCommand): Promise<CommandResult> {
    const { rows } = await this.pool.query<{ endpoint_id: string; partner_id: string; event_id: string; status: WebhookDeliveryStatus }>(
      'SELECT endpoint_id, partner_id, event_id, status FROM webhook_deliveries WHERE id = $1',
      [deliveryId],
    );
    if (rows.length === 0) throw new DomainError('WEBHOOK_DELIVERY.NOT_FOUND', 'No such webhook delivery.', 'not_found');
    const delivery = rows[0];
    const { state: _state, ...result } = await this.aggregates.execute(
      WebhookEndpoint,
      delivery.endpoint_id,
      {
        type: 'ReplayWebhookDelivery',
        data: { endpointId: delivery.endpoint_id, partnerId: delivery.partner_id, deliveryId, eventId: delivery.event_id, reason },
        deliveryStatus: delivery.status,
      },
      meta,
    );
    return result;
  }
}
