import type { Aggregate, DecisionContext } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import { requireWindow, windowHasEnded } from '../shared/time-window';
import type { GovernmentApprovalEvent, GovernmentApprovalTerms } from './government-approval.events';

export type GovernmentApprovalStatus = 'none' | 'requested' | 'granted' | 'revoked' | 'expired';

export interface GovernmentApprovalState {
  status: GovernmentApprovalStatus;
  partnerId: string | null;
  terms: GovernmentApprovalTerms | null;
}

export type GovernmentApprovalCommand =
  | { type: 'RequestGovernmentApproval'; data: { approvalId: string; partnerId: string; models: string[]; authority: string; justification: string } }
  | { type: 'RecordGovernmentApproval'; data: GovernmentApprovalTerms; partnerExists: boolean }
  | { type: 'AmendGovernmentApproval'; data: GovernmentApprovalTerms & { reason: string } }
  | { type: 'RevokeGovernmentApproval'; data: { reason: string } }
  | { type: 'ExpireGovernmentApproval' };

export function evolveGovernmentApproval(state: GovernmentApprovalState, event: GovernmentApprovalEvent): GovernmentApprovalState {
  switch (event.type) {
    case 'GovernmentApprovalRequested':
      return { status: 'requested', partnerId: event.data.partnerId, terms: null };
    case 'GovernmentApprovalGranted':
      return { status: 'granted', partnerId: event.data.partnerId, terms: event.data };
    case 'GovernmentApprovalAmended': {
      const { reason: _reason, ...terms } = event.data;
      return { ...state, terms };
    }
    case 'GovernmentApprovalRevoked':
      return { ...state, status: 'revoked' };
    case 'GovernmentApprovalExpired':
      return { ...state, status: 'expired' };
  }
}

function requireGranted(state: GovernmentApprovalState, action: string): void {
  if (state.status === 'none') throw new DomainError('GOVERNMENT_APPROVAL.NOT_FOUND', 'No such government approval.', 'not_found');
  if (state.status !== 'granted') {
    throw new DomainError('GOVERNMENT_APPROVAL.INVALID_TRANSITION', `Cannot ${action} a government approval that is ${state.status}.`, 'conflict', {
      currentStatus: state.status,
    });
  }
}

export function decideGovernmentApproval(command: GovernmentApprovalCommand, state: GovernmentApprovalState, context: DecisionContext): GovernmentApprovalEvent[] {
  switch (command.type) {
    case 'RequestGovernmentApproval':
      if (state.status !== 'none') throw new DomainError('GOVERNMENT_APPROVAL.ALREADY_EXISTS', 'This approval already exists.', 'conflict', { currentStatus: state.status });
      return [{ type: 'GovernmentApprovalRequested', data: command.data }];
    case 'RecordGovernmentApproval':
      if (state.status !== 'none' && state.status !== 'requested') {
        throw new DomainError('GOVERNMENT_APPROVAL.ALREADY_EXISTS', `This approval is already ${state.status}.`, 'conflict', { currentStatus: state.status });
      }
      if (!command.partnerExists) throw new DomainError('PARTNER.NOT_FOUND', 'No such partner.', 'not_found');
      if (state.partnerId && state.partnerId !== command.data.partnerId) {
        throw new DomainError('GOVERNMENT_APPROVAL.PARTNER_MISMATCH', 'The request was made by another partner.', 'invalid', { field: 'partnerId' });
      }
      requireWindow(command.data.validFrom, command.data.validUntil, 'GOVERNMENT_APPROVAL');
      return [{ type: 'GovernmentApprovalGranted', data: command.data }];
    case 'AmendGovernmentApproval':
      requireGranted(state, 'amend');
      if (command.data.partnerId !== state.partnerId) {
        throw new DomainError('GOVERNMENT_APPROVAL.PARTNER_MISMATCH', 'An amendment cannot move an approval to another partner.', 'invalid', { field: 'partnerId' });
      }
      requireWindow(command.data.validFrom, command.data.validUntil, 'GOVERNMENT_APPROVAL');
      // The stream's own id stays: an amendment cannot rename the approval.
      return [{ type: 'GovernmentApprovalAmended', data: { ...command.data, approvalId: state.terms!.approvalId } }];
    case 'RevokeGovernmentApproval':
      requireGranted(state, 'revoke');
      return [{ type: 'GovernmentApprovalRevoked', data: { approvalId: state.terms!.approvalId, partnerId: state.partnerId!, reason: command.data.reason } }];
    case 'ExpireGovernmentApproval':
      if (state.status !== 'granted' || !windowHasEnded(state.terms!.validUntil, context.now)) return [];
      return [{ type: 'GovernmentApprovalExpired', data: { approvalId: state.terms!.approvalId, partnerId: state.partnerId! } }];
  }
}

export const GovernmentApproval: Aggregate<GovernmentApprovalState, GovernmentApprovalEvent, GovernmentApprovalCommand> = {
  streamPrefix: 'govapproval',
  initialState: () => ({ status: 'none', partnerId: null, terms: null }),
  evolve: evolveGovernmentApproval,
  decide: decideGovernmentApproval,
};
