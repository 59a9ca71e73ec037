import type { KycSubject, ProviderUpdate, VerifiedIdentity } from '@app/domain';

/** A country as the applicant declares it; from / until are ISO dates. */
export interface DeclaredCountry {
  country: string;
  from?: string;
  until?: string;
}

/** What the applicant tells us about the subject; the provider checks it, we never believe it unchecked. */
export interface KycDeclaredData {
  /** A person's full name, or an organisation's legal name. */
  name: string;
  dateOfBirth?: string;
  citizenships?: DeclaredCountry[];
  permanentResidencies?: DeclaredCountry[];
  usPerson?: boolean;
  /** Organisations: the company-register number. */
  registrationNumber?: string;
  /** Organisations: ISO 3166-1 alpha-2 country of registration. */
  country?: string;
}

export interface KycStartRequest {
  caseId: string;
  partnerId: string;
  subject: KycSubject;
  declared: KycDeclaredData;
}

/**
 * A provider's word on a case, in our terms but without evidence: the caller knows what it received
 * and when, and stamps that on with `toProviderUpdate`.
 */
export interface ProviderStatusReport {
  /** The provider's id for this event; the same id twice means the same event delivered twice. */
  providerEventId: string;
  status: ProviderUpdate['status'];
  /** Present exactly when status is 'verified'. */
  identity?: VerifiedIdentity;
  reason?: string;
}

export interface KycStartResult {
  /** The provider's own id for the verification; webhooks may name the case by it. */
  providerRef: string;
  /** Updates the provider reported in its answer to start(), oldest first. */
  immediate: ProviderStatusReport[];
  /** The provider's answer to start() as received: the evidence for `immediate`. */
  rawResponse: string | null;
}

/** What a poll needs to name a case to its provider. */
export interface KycPollRequest {
  caseId: string;
  partnerId: string;
  subject: KycSubject;
  providerRef: string;
  declaredName: string;
}

/** How a webhook names its case: by our caseId when the provider echoes it back, else by its own ref. */
export type KycCaseRef = { kind: 'caseId'; caseId: string } | { kind: 'providerRef'; providerRef: string };

export interface ProviderWebhookUpdate extends ProviderStatusReport {
  caseRef: KycCaseRef;
}

/**
 * One identity-verification provider (sandbox, Persona, Onfido, Sumsub, Stripe Identity, ...). An adapter
 * translates between the provider's API and our terms; the domain never learns which provider spoke.
 * Webhook signatures are checked before parseWebhook, by the provider-neutral verifier.
 */
export interface KycProvider {
  /** Stable name, recorded on the case and in every update's evidence. */
  readonly name: string;
  start(request: KycStartRequest): Promise<KycStartResult>;
  /**
   * Translates one webhook body. Throws only KycWebhookPayloadError. `now` is for adapters whose
   * payloads carry their own times (e.g. to refuse events older than the provider promises to send).
   */
  parseWebhook(rawBody: string, now: Date): ProviderWebhookUpdate;
  /** The provider's reports on a case so far, oldest first (for cases whose outcome no webhook has brought yet). */
  poll(request: KycPollRequest): Promise<ProviderStatusReport[]>;
}

/** The domain's ProviderUpdate: the report plus the evidence auditors keep (what arrived, from whom, when). */
export function toProviderUpdate(
  provider: string,
  report: ProviderStatusReport,
  received: { rawPayload: string | null; receivedAt: Date },
): ProviderUpdate {
  const update: ProviderUpdate = {
    status: report.status,
    evidence: { provider, providerEventId: report.providerEventId, rawPayload: received.rawPayload, receivedAt: received.receivedAt.toISOString() },
  };
  if (report.identity) update.identity = report.identity;
  if (report.reason !== undefined) update.reason = report.reason;
  return update;
}
