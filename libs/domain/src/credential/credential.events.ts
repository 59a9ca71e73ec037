import type { DomainEvent } from '../shared/aggregate';

/** The secret itself never enters an event: only its SHA-256 hash and a short prefix to recognise it by. */
export type CredentialIssued = DomainEvent<
  'CredentialIssued',
  { credentialId: string; partnerId: string; label: string; secretHash: string; prefix: string }
>;
export type CredentialRevoked = DomainEvent<'CredentialRevoked', { credentialId: string; partnerId: string; reason: string }>;

export type CredentialEvent = CredentialIssued | CredentialRevoked;
