import type { Aggregate } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import type { PartnerStatus } from '../partner/partner.state';
import type { CredentialEvent, CredentialIssued } from './credential.events';

export interface CredentialState {
  status: 'none' | 'active' | 'revoked';
  partnerId: string | null;
}

export type CredentialCommand =
  | { type: 'IssueCredential'; data: CredentialIssued['data']; partnerStatus: PartnerStatus }
  | { type: 'RevokeCredential'; data: { credentialId: string; partnerId: string; reason: string } };

export function evolveCredential(state: CredentialState, event: CredentialEvent): CredentialState {
  switch (event.type) {
    case 'CredentialIssued':
      return { status: 'active', partnerId: event.data.partnerId };
    case 'CredentialRevoked':
      return { ...state, status: 'revoked' };
  }
}

export function decideCredential(command: CredentialCommand, state: CredentialState): CredentialEvent[] {
  switch (command.type) {
    case 'IssueCredential':
      if (state.status !== 'none') throw new DomainError('CREDENTIAL.ALREADY_EXISTS', 'A credential with this id already exists.');
      if (command.partnerStatus === 'none' || command.partnerStatus === 'rejected') {
        throw new DomainError('CREDENTIAL.PARTNER_NOT_ELIGIBLE', `A partner whose application is ${command.partnerStatus} cannot hold credentials.`, 'conflict', {
          partnerStatus: command.partnerStatus,
        });
      }
      return [{ type: 'CredentialIssued', data: command.data }];
    case 'RevokeCredential':
      // A partner may only touch its own credentials: another partner's id looks like no credential at all.
      if (state.status === 'none' || state.partnerId !== command.data.partnerId) {
        throw new DomainError('CREDENTIAL.NOT_FOUND', 'No such credential.', 'not_found');
      }
      if (state.status === 'revoked') throw new DomainError('CREDENTIAL.ALREADY_REVOKED', 'This credential is already revoked.');
      return [{ type: 'CredentialRevoked', data: command.data }];
  }
}

export const Credential: Aggregate<CredentialState, CredentialEvent, CredentialCommand> = {
  streamPrefix: 'credential',
  initialState: () => ({ status: 'none', partnerId: null }),
  evolve: evolveCredential,
  decide: decideCredential,
};
