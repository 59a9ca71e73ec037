import type { WebhookEndpointEvent } from '@app/domain';
import type { ReadModel } from '../shared/read-model';

/** A partner's webhook endpoints by URL and status; their secrets live only in webhook_endpoint_secrets. */
export const webhookEndpointViewProjection: ReadModel = {
  name: 'webhook-endpoint-view',
  table: 'webhook_endpoint_views',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'partner_id', type: 'text' },
    { name: 'url', type: 'text' },
    { name: 'description', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'registered_at', type: 'timestamptz' },
    { name: 'secret_rotated_at', type: 'timestamptz' },
    { name: 'removed_at', type: 'timestamptz' },
    { name: 'position', type: 'bigint' },
  ],
  primaryKey: ['id'],
  defaults: {},
  handles: new Set<WebhookEndpointEvent['type']>(['WebhookEndpointRegistered', 'WebhookSecretRotated', 'WebhookEndpointRemoved']),
  keysOf: (event) => [[(event.data as WebhookEndpointEvent['data']).endpointId]],
  evolve(rows, event) {
    const e = event as unknown as WebhookEndpointEvent & { metadata: { occurredAt: string }; globalPosition: number };
    const at = new Date(e.metadata.occurredAt);
    const position = e.globalPosition;
    switch (e.type) {
      case 'WebhookEndpointRegistered':
        rows.upsert({ id: e.data.endpointId, partner_id: e.data.partnerId, url: e.data.url, description: e.data.description, status: 'active', registered_at: at, position });
        return;
      case 'WebhookSecretRotated':
        rows.update([e.data.endpointId], { secret_rotated_at: at, position });
        return;
      case 'WebhookEndpointRemoved':
        rows.update([e.data.endpointId], { status: 'removed', removed_at: at, position });
        return;
    }
  },
};
