import type { Aggregate } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import type { PartnerApplication, PartnerEvent } from './partner.events';
import { evolvePartner, initialPartnerState, PartnerState } from './partner.state';

export type PartnerCommand =
  | { type: 'SubmitApplication'; data: PartnerApplication }
  | { type: 'ApproveApplication'; data: { partnerId: string; reason: string } }
  | { type: 'RejectApplication'; data: { partnerId: string; reason: string } };

function requireUnderReview(state: PartnerState, action: string): void {
  if (state.status === 'none') throw new DomainError('PARTNER.NOT_FOUND', 'No application for this partner.', 'not_found');
  if (state.status !== 'submitted') {
    throw new DomainError('PARTNER.NOT_UNDER_REVIEW', `Cannot ${action} an application that is ${state.status}.`, 'conflict', {
      currentStatus: state.status,
    });
  }
}

export function decidePartner(command: PartnerCommand, state: PartnerState): PartnerEvent[] {
  switch (command.type) {
    case 'SubmitApplication':
      if (state.status !== 'none') {
        throw new DomainError('PARTNER.ALREADY_APPLIED', 'This partner has already applied.', 'conflict', {
          currentStatus: state.status,
        });
      }
      return [{ type: 'ApplicationSubmitted', data: command.data }];
    case 'ApproveApplication':
      requireUnderReview(state, 'approve');
      return [{ type: 'ApplicationApproved', data: command.data }];
    case 'RejectApplication':
      requireUnderReview(state, 'reject');
      return [{ type: 'ApplicationRejected', data: command.data }];
  }
}

export const Partner: Aggregate<PartnerState, PartnerEvent, PartnerCommand> = {
  streamPrefix: 'partner',
  initialState: initialPartnerState,
  evolve: evolvePartner,
  decide: decidePartner,
};
