export type {
  DeclaredCountry,
  KycCaseRef,
  KycDeclaredData,
  KycPollRequest,
  KycProvider,
  KycStartRequest,
  KycStartResult,
  ProviderStatusReport,
  ProviderWebhookUpdate,
} from './kyc-provider';
export { toProviderUpdate } from './kyc-provider';
export type { KycWebhookPayloadErrorCode } from './kyc-provider.errors';
export { KycWebhookPayloadError } from './kyc-provider.errors';
export { SANDBOX_KYC_PROVIDER, SandboxKycProvider, sandboxProviderRef } from './sandbox-kyc-provider';
export type { VerifiedWebhookSignature, WebhookSignatureConfig, WebhookSignatureErrorCode, WebhookSignatureVerifier } from './webhook-signature';
export { createWebhookSignatureVerifier, signWebhook, WEBHOOK_SIGNATURE_HEADER, WebhookSignatureError } from './webhook-signature';
