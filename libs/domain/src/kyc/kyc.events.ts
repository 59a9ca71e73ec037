import type { DomainEvent } from '../shared/aggregate';

export type KycSubject = { kind: 'organisation' } | { kind: 'user'; userId: string };

/** A dated fact about a person: from / until are ISO dates (until null: still holds). */
export interface DatedCountry {
  country: string;
  from: string | null;
  until: string | null;
}

/** What a verification established about a person (for organisations: empty lists). */
export interface VerifiedIdentity {
  citizenships: DatedCountry[];
  permanentResidencies: DatedCountry[];
  usPerson: boolean;
}

/** Kept with every provider update: the exact payload received, for auditors. */
export interface ProviderEvidence {
  provider: string;
  providerEventId: string | null;
  rawPayload: string | null;
  receivedAt: string;
}

export type KycStatus = 'started' | 'pending' | 'verified' | 'failed' | 'needs_review' | 'expired';

export type KycCaseOpened = DomainEvent<
  'KycCaseOpened',
  { caseId: string; partnerId: string; subject: KycSubject; provider: string; providerRef: string; declaredName: string }
>;
export type KycPending = DomainEvent<'KycPending', { caseId: string; partnerId: string; evidence: ProviderEvidence }>;
export type KycVerified = DomainEvent<
  'KycVerified',
  { caseId: string; partnerId: string; subject: KycSubject; identity: VerifiedIdentity; evidence: ProviderEvidence; reviewedBy: string | null }
>;
export type KycFailed = DomainEvent<
  'KycFailed',
  { caseId: string; partnerId: string; subject: KycSubject; reason: string; evidence: ProviderEvidence; reviewedBy: string | null }
>;
export type KycNeedsReview = DomainEvent<'KycNeedsReview', { caseId: string; partnerId: string; subject: KycSubject; reason: string; evidence: ProviderEvidence }>;
export type KycExpired = DomainEvent<'KycExpired', { caseId: string; partnerId: string; subject: KycSubject }>;

export type KycEvent = KycCaseOpened | KycPending | KycVerified | KycFailed | KycNeedsReview | KycExpired;
