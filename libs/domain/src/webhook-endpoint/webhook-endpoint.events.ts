import type { DomainEvent } from '../shared/aggregate';

/**
 * A partner's HTTPS endpoint for its own events. The signing secret never enters an event: it lives
 * encrypted in its own table, written in the same transaction as the event that created or rotated it.
 */
export type WebhookEndpointRegistered = DomainEvent<'WebhookEndpointRegistered', { endpointId: string; partnerId: string; url: string; description: string }>;
export type WebhookSecretRotated = DomainEvent<'WebhookSecretRotated', { endpointId: string; partnerId: string }>;
export type WebhookEndpointRemoved = DomainEvent<'WebhookEndpointRemoved', { endpointId: string; partnerId: string; reason: string }>;
/** Staff asked to deliver a dead-lettered delivery again; the webhook reactor enqueues it. */
export type WebhookDeliveryReplayRequested = DomainEvent<
  'WebhookDeliveryReplayRequested',
  { endpointId: string; partnerId: string; deliveryId: string; eventId: string; reason: string }
>;

export type WebhookEndpointEvent = WebhookEndpointRegistered | WebhookSecretRotated | WebhookEndpointRemoved | WebhookDeliveryReplayRequested;
