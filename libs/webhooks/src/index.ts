export { generateWebhookSecret, WebhookSecretCipher } from './webhook-secret';
export { endpointUrlProblem, isInternalHost, MAX_ENDPOINT_URL_LENGTH } from './endpoint-url';
export { nominalRetryDelayMs, RetrySchedule, retryDelayMs, shortestRetryWindowMs } from './retry-schedule';
export { directiveCoversLicense, DirectiveScope, PARTNER_WEBHOOK_EVENT_TYPES, partnerViewOf, Recipients, recipientsOf } from './partner-notifications';
export { deliveryIdFor, PARTNER_WEBHOOK_SIGNATURE_HEADER, PartnerWebhookBody, SignedDeliveryRequest, signedDeliveryRequest } from './delivery-request';
