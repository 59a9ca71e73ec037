import type { DomainEvent } from '../shared/aggregate';

/** What a license allows, besides who and which model. */
export interface LicenseConditions {
  /** ISO-8601 UTC. */
  validFrom: string;
  validUntil: string | null;
  /** ISO 3166-1 alpha-2 countries requests may come from; null: anywhere not otherwise forbidden. */
  allowedDestinations: string[] | null;
  /** Every request must name a known, verified end user. */
  requireEndUserIdentification: boolean;
  monthlyTokenQuota: number | null;
  rateLimitPerMinute: number | null;
}

export interface LicenseTerms extends LicenseConditions {
  licenseId: string;
  partnerId: string;
  /** An exact model id or a model family. */
  modelId: string;
}

export type LicenseRequested = DomainEvent<'LicenseRequested', { licenseId: string; partnerId: string; modelId: string; justification: string }>;
/** A grant of a controlled model waiting for a second compliance officer. */
export type LicenseProposed = DomainEvent<'LicenseProposed', LicenseTerms & { proposedBy: string }>;
export type LicenseProposalRejected = DomainEvent<'LicenseProposalRejected', { licenseId: string; partnerId: string; modelId: string; reason: string }>;
export type LicenseGranted = DomainEvent<'LicenseGranted', LicenseTerms & { grantedBy: string; approvedBy: string | null }>;
export type LicenseSuspended = DomainEvent<'LicenseSuspended', { licenseId: string; partnerId: string; modelId: string; reason: string }>;
export type LicenseReinstated = DomainEvent<'LicenseReinstated', { licenseId: string; partnerId: string; modelId: string; reason: string }>;
export type LicenseAmended = DomainEvent<'LicenseAmended', LicenseTerms & { reason: string }>;
export type LicenseRevoked = DomainEvent<'LicenseRevoked', { licenseId: string; partnerId: string; modelId: string; reason: string }>;
export type LicenseExpired = DomainEvent<'LicenseExpired', { licenseId: string; partnerId: string; modelId: string }>;

export type LicenseEvent =
  | LicenseRequested
  | LicenseProposed
  | LicenseProposalRejected
  | LicenseGranted
  | LicenseSuspended
  | LicenseReinstated
  | LicenseAmended
  | LicenseRevoked
  | LicenseExpired;
