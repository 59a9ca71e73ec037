import { createHash } from 'node:crypto';
import { signWebhook } from '@app/kyc';

/** The header partners verify, as `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const PARTNER_WEBHOOK_SIGNATURE_HEADER = 'X-Webhook-Signature';

/** What a partner receives: the same body on every attempt, so it can deduplicate by `id`. */
export interface PartnerWebhookBody {
  /** The event id: unique, stable across retries and replays. */
  id: string;
  type: string;
  occurredAt: string;
  /** The event's global position in the store. */
  position: string;
  data: Record<string, unknown>;
}

export interface SignedDeliveryRequest {
  body: string;
  headers: Record<string, string>;
}

/** Serialises and signs one attempt; the signature covers the attempt's own timestamp and the exact body. */
export function signedDeliveryRequest(payload: PartnerWebhookBody, secret: string, delivery: { deliveryId: string; attempt: number }, now: Date): SignedDeliveryRequest {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'model-access-webhooks/1',
      [PARTNER_WEBHOOK_SIGNATURE_HEADER]: signWebhook(body, secret, Math.floor(now.getTime() / 1000)),
      'X-Webhook-Id': delivery.deliveryId,
      'X-Webhook-Event': payload.type,
      'X-Webhook-Attempt': String(delivery.attempt),
    },
  };
}

/** One delivery per (event, endpoint): the same pair always yields the same id, so fan-out never doubles. */
export function deliveryIdFor(eventId: string, endpointId: string): string {
  return `whd-${createHash('sha256').update(`${eventId}\u0000${endpointId}`).digest('hex').slice(0, 32)}`;
}
