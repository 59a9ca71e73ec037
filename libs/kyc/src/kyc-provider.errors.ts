export type KycWebhookPayloadErrorCode = 'KYC.WEBHOOK_MALFORMED_JSON' | 'KYC.WEBHOOK_INVALID_PAYLOAD';

/**
 * A signed webhook body that an adapter cannot translate: not JSON, or not the shape the provider
 * documents. HTTP 400; `field` names the offending part (a JSON path such as `identity.citizenships[0].country`).
 */
export class KycWebhookPayloadError extends Error {
  constructor(
    readonly code: KycWebhookPayloadErrorCode,
    message: string,
    readonly provider: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'KycWebhookPayloadError';
  }
}
