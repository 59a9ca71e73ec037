import type { PartnerStatus } from '../partner/partner.state';
import { given } from '../shared/given-when-then';
import { WebhookDeliveryStatus, WebhookEndpoint, WebhookEndpointCommand } from './webhook-endpoint.decide';
import type { WebhookEndpointEvent } from './webhook-endpoint.events';

const registeredData = { endpointId: 'whk-1', partnerId: 'acme', url: 'https://hooks.acme.example/model-access', description: 'ops' };
const registered: WebhookEndpointEvent = { type: 'WebhookEndpointRegistered', data: registeredData };
const removed: WebhookEndpointEvent = { type: 'WebhookEndpointRemoved', data: { endpointId: 'whk-1', partnerId: 'acme', reason: 'moved' } };

const register = (partnerStatus: PartnerStatus = 'approved', activeEndpoints = 0): WebhookEndpointCommand => ({ type: 'RegisterWebhookEndpoint', data: registeredData, partnerStatus, activeEndpoints });
const rotate = (partnerId = 'acme'): WebhookEndpointCommand => ({ type: 'RotateWebhookSecret', data: { endpointId: 'whk-1', partnerId } });
const remove = (partnerId = 'acme'): WebhookEndpointCommand => ({ type: 'RemoveWebhookEndpoint', data: { endpointId: 'whk-1', partnerId, reason: 'moved' } });
const replayData = { endpointId: 'whk-1', partnerId: 'acme', deliveryId: 'whd-1', eventId: 'e-1', reason: 'endpoint fixed' };
const replay = (deliveryStatus: WebhookDeliveryStatus = 'dead'): WebhookEndpointCommand => ({ type: 'ReplayWebhookDelivery', data: replayData, deliveryStatus });

describe('WebhookEndpoint', () => {
  it.each(['submitted', 'approved', 'suspended'] as const)('registers an endpoint for a partner whose application is %s', (partnerStatus) => {
    const [event] = given(WebhookEndpoint, []).when(register(partnerStatus)).then([registered]);
    expect(Object.keys(event.data).sort()).toEqual(['description', 'endpointId', 'partnerId', 'url']);
  });

  it.each(['none', 'rejected', 'offboarded'] as const)('refuses a partner whose application is %s', (partnerStatus) => {
    given(WebhookEndpoint, []).when(register(partnerStatus)).thenThrows('WEBHOOK_ENDPOINT.PARTNER_NOT_ELIGIBLE', { kind: 'conflict', details: { partnerStatus } });
  });

  it('refuses an endpoint beyond the limit per partner', () => {
    given(WebhookEndpoint, []).when(register('approved', 9)).then([registered]);
    given(WebhookEndpoint, []).when(register('approved', 10)).thenThrows('WEBHOOK_ENDPOINT.LIMIT_REACHED', { kind: 'conflict', details: { limit: 10 } });
  });

  it('refuses an id already used', () => {
    given(WebhookEndpoint, [registered]).when(register()).thenThrows('WEBHOOK_ENDPOINT.ALREADY_EXISTS', { kind: 'conflict' });
  });

  it('rotates the secret and removes the endpoint of its own partner', () => {
    given(WebhookEndpoint, [registered]).when(rotate()).then([{ type: 'WebhookSecretRotated', data: { endpointId: 'whk-1', partnerId: 'acme' } }]);
    given(WebhookEndpoint, [registered]).when(remove()).then([removed]);
  });

  it("answers another partner's endpoint as not found", () => {
    given(WebhookEndpoint, [registered]).when(rotate('globex')).thenThrows('WEBHOOK_ENDPOINT.NOT_FOUND', { kind: 'not_found', details: {} });
    given(WebhookEndpoint, [registered]).when(remove('globex')).thenThrows('WEBHOOK_ENDPOINT.NOT_FOUND', { kind: 'not_found', details: {} });
    given(WebhookEndpoint, []).when(remove()).thenThrows('WEBHOOK_ENDPOINT.NOT_FOUND', { kind: 'not_found' });
  });

  it('refuses to change a removed endpoint', () => {
    given(WebhookEndpoint, [registered, removed]).when(remove()).thenThrows('WEBHOOK_ENDPOINT.REMOVED', { kind: 'conflict', details: { currentStatus: 'removed' } });
    given(WebhookEndpoint, [registered, removed]).when(rotate()).thenThrows('WEBHOOK_ENDPOINT.REMOVED');
    given(WebhookEndpoint, [registered, removed]).when(replay()).thenThrows('WEBHOOK_ENDPOINT.REMOVED');
  });

  it('replays only a dead-lettered delivery', () => {
    given(WebhookEndpoint, [registered]).when(replay()).then([{ type: 'WebhookDeliveryReplayRequested', data: replayData }]);
    for (const status of ['pending', 'retrying', 'delivered'] as const) {
      given(WebhookEndpoint, [registered]).when(replay(status)).thenThrows('WEBHOOK_DELIVERY.NOT_DEAD_LETTERED', { kind: 'conflict', details: { currentStatus: status } });
    }
  });
});
