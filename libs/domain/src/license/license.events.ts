import type { DomainEvent } from '../shared/aggregate';

export interface LicenseTerms {
  licenseId: string;
  partnerId: string;
  modelId: string;
  /** ISO-8601 UTC. */
  validFrom: string;
  validUntil: string | null;
}

export type LicenseGranted = DomainEvent<'LicenseGranted', LicenseTerms & { grantedBy: string }>;
export type LicenseRevoked = DomainEvent<'LicenseRevoked', { licenseId: string; partnerId: string; modelId: string; reason: string }>;

export type LicenseEvent = LicenseGranted | LicenseRevoked;
