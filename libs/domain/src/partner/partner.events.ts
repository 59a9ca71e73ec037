import type { DomainEvent } from '../shared/aggregate';

export interface BeneficialOwner {
  name: string;
  nationality: string;
  ownershipPercent: number;
}

export interface PartnerApplication {
  partnerId: string;
  legalName: string;
  registrationNumber: string;
  /** ISO 3166-1 alpha-2. */
  countryOfIncorporation: string;
  addresses: string[];
  beneficialOwners: BeneficialOwner[];
  intendedUse: string;
  requestedModels: string[];
}

export type ApplicationSubmitted = DomainEvent<'ApplicationSubmitted', PartnerApplication>;
export type ApplicationApproved = DomainEvent<'ApplicationApproved', { partnerId: string; reason: string }>;
export type ApplicationRejected = DomainEvent<'ApplicationRejected', { partnerId: string; reason: string }>;

export type PartnerEvent = ApplicationSubmitted | ApplicationApproved | ApplicationRejected;
