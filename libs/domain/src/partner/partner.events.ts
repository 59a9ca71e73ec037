import type { DomainEvent } from '../shared/aggregate';

export interface BeneficialOwner {
  name: string;
  /** ISO 3166-1 alpha-2. */
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

export type SuspensionCause = 'manual' | 'screening_hit' | 'kyc_failed';

export type ApplicationSubmitted = DomainEvent<'ApplicationSubmitted', PartnerApplication>;
export type ApplicationUpdated = DomainEvent<'ApplicationUpdated', PartnerApplication>;
export type ReviewStarted = DomainEvent<'ReviewStarted', { partnerId: string }>;
export type InformationRequested = DomainEvent<'InformationRequested', { partnerId: string; message: string; fields: string[] }>;
export type ApplicationResubmitted = DomainEvent<'ApplicationResubmitted', PartnerApplication & { response: string }>;
export type ApplicationApproved = DomainEvent<'ApplicationApproved', { partnerId: string; reason: string }>;
export type ApplicationRejected = DomainEvent<'ApplicationRejected', { partnerId: string; reason: string }>;
export type PartnerSuspended = DomainEvent<'PartnerSuspended', { partnerId: string; reason: string; cause: SuspensionCause; reference: string | null }>;
export type PartnerReinstated = DomainEvent<'PartnerReinstated', { partnerId: string; reason: string }>;
export type PartnerOffboarded = DomainEvent<'PartnerOffboarded', { partnerId: string; reason: string }>;

export type PartnerEvent =
  | ApplicationSubmitted
  | ApplicationUpdated
  | ReviewStarted
  | InformationRequested
  | ApplicationResubmitted
  | ApplicationApproved
  | ApplicationRejected
  | PartnerSuspended
  | PartnerReinstated
  | PartnerOffboarded;
