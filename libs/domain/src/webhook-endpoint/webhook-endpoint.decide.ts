import type { Aggregate } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import type { PartnerStatus } from '../partner/partner.state';
import type { WebhookDeliveryReplayRequested, WebhookEndpointEvent, WebhookEndpointRegistered } from './webhook-endpoint.events';

export type WebhookEndpointStatus = 'none' | 'active' | 'removed';

/** Each endpoint multiplies a partner's deliveries: a partner keeps a few, not thousands. */
export const MAX_ACTIVE_WEBHOOK_ENDPOINTS = 10;

export interface WebhookEndpointState {
  status: WebhookEndpointStatus;
  partnerId: string | null;
}

/** Where a delivery stands; only a dead-lettered one may be replayed. */
export type WebhookDeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'dead';

export type WebhookEndpointCommand =
  | { type: 'RegisterWebhookEndpoint'; data: WebhookEndpointRegistered['data']; partnerStatus: PartnerStatus; activeEndpoints: number }
  | { type: 'RotateWebhookSecret'; data: { endpointId: string; partnerId: string } }
  | { type: 'RemoveWebhookEndpoint'; data: { endpointId: string; partnerId: string; reason: string } }
  | { type: 'ReplayWebhookDelivery'; data: WebhookDeliveryReplayRequested['data']; deliveryStatus: WebhookDeliveryStatus };

export function evolveWebhookEndpoint(state: WebhookEndpointState, event: WebhookEndpointEvent): WebhookEndpointState {
  switch (event.type) {
    case 'WebhookEndpointRegistered':
      return { status: 'active', partnerId: event.data.partnerId };
    case 'WebhookEndpointRemoved':
      return { ...state, status: 'removed' };
    case 'WebhookSecretRotated':
    case 'WebhookDeliveryReplayRequested':
      return state;
  }
}

/** Another partner's endpoint looks like no endpoint at all: nothing about it leaks. */
function requireOwnEndpoint(state: WebhookEndpointState, partnerId: string): void {
  if (state.status === 'none' || state.partnerId !== partnerId) throw new DomainError('WEBHOOK_ENDPOINT.NOT_FOUND', 'No such webhook endpoint.', 'not_found');
}

function requireActive(state: WebhookEndpointState): void {
  if (state.status === 'removed') {
    throw new DomainError('WEBHOOK_ENDPOINT.REMOVED', 'This webhook endpoint was removed.', 'conflict', { currentStatus: 'removed' });
  }
}

export function decideWebhookEndpoint(command: WebhookEndpointCommand, state: WebhookEndpointState): WebhookEndpointEvent[] {
  switch (command.type) {
    case 'RegisterWebhookEndpoint':
      if (state.status !== 'none') throw new DomainError('WEBHOOK_ENDPOINT.ALREADY_EXISTS', 'A webhook endpoint with this id already exists.');
      if (command.partnerStatus === 'none' || command.partnerStatus === 'rejected' || command.partnerStatus === 'offboarded') {
        throw new DomainError('WEBHOOK_ENDPOINT.PARTNER_NOT_ELIGIBLE', `A partner whose application is ${command.partnerStatus} cannot register webhook endpoints.`, 'conflict', {
          partnerStatus: command.partnerStatus,
        });
      }
      if (command.activeEndpoints >= MAX_ACTIVE_WEBHOOK_ENDPOINTS) {
        throw new DomainError('WEBHOOK_ENDPOINT.LIMIT_REACHED', `A partner may keep at most ${MAX_ACTIVE_WEBHOOK_ENDPOINTS} webhook endpoints: remove one first.`, 'conflict', {
          limit: MAX_ACTIVE_WEBHOOK_ENDPOINTS,
        });
      }
      return [{ type: 'WebhookEndpointRegistered', data: command.data }];
    case 'RotateWebhookSecret':
      requireOwnEndpoint(state, command.data.partnerId);
      requireActive(state);
      return [{ type: 'WebhookSecretRotated', data: command.data }];
    case 'RemoveWebhookEndpoint':
      requireOwnEndpoint(state, command.data.partnerId);
      requireActive(state);
      return [{ type: 'WebhookEndpointRemoved', data: command.data }];
    case 'ReplayWebhookDelivery':
      requireOwnEndpoint(state, command.data.partnerId);
      requireActive(state);
      if (command.deliveryStatus !== 'dead') {
        throw new DomainError('WEBHOOK_DELIVERY.NOT_DEAD_LETTERED', 'Only a dead-lettered delivery can be replayed.', 'conflict', { currentStatus: command.deliveryStatus });
      }
      return [{ type: 'WebhookDeliveryReplayRequested', data: command.data }];
  }
}

export const WebhookEndpoint: Aggregate<WebhookEndpointState, WebhookEndpointEvent, WebhookEndpointCommand> = {
  streamPrefix: 'webhook-endpoint',
  initialState: () => ({ status: 'none', partnerId: null }),
  evolve: evolveWebhookEndpoint,
  decide: decideWebhookEndpoint,
};
