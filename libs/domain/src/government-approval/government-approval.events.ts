import type { DomainEvent } from '../shared/aggregate';

export interface GovernmentApprovalTerms {
  approvalId: string;
  partnerId: string;
  /** Model ids or families the approval names. */
  models: string[];
  authority: string;
  /** Licence or letter number. */
  reference: string;
  conditions: string;
  validFrom: string;
  validUntil: string | null;
}

export type GovernmentApprovalRequested = DomainEvent<
  'GovernmentApprovalRequested',
  { approvalId: string; partnerId: string; models: string[]; authority: string; justification: string }
>;
export type GovernmentApprovalGranted = DomainEvent<'GovernmentApprovalGranted', GovernmentApprovalTerms>;
export type GovernmentApprovalAmended = DomainEvent<'GovernmentApprovalAmended', GovernmentApprovalTerms & { reason: string }>;
export type GovernmentApprovalRevoked = DomainEvent<'GovernmentApprovalRevoked', { approvalId: string; partnerId: string; reason: string }>;
export type GovernmentApprovalExpired = DomainEvent<'GovernmentApprovalExpired', { approvalId: string; partnerId: string }>;

export type GovernmentApprovalEvent =
  | GovernmentApprovalRequested
  | GovernmentApprovalGranted
  | GovernmentApprovalAmended
  | GovernmentApprovalRevoked
  | GovernmentApprovalExpired;
