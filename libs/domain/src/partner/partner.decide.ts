import type { Aggregate } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import type { PartnerApplication, PartnerEvent, SuspensionCause } from './partner.events';
import { DECIDABLE, evolvePartner, initialPartnerState, PartnerState, PartnerStatus } from './partner.state';

/** What the reviewer must know before approving, loaded by the handler from other streams. */
export interface ApprovalFacts {
  organisationKyc: 'verified' | 'missing' | 'pending' | 'failed' | 'needs_review' | 'expired';
  /** The organisation has been screened against the restricted-party lists at least once. */
  organisationScreened: boolean;
  /** Screenings of the partner or its owners that need a human or found a hit. */
  unresolvedScreenings: number;
}

export type PartnerCommand =
  | { type: 'SubmitApplication'; data: PartnerApplication }
  | { type: 'UpdateApplication'; data: PartnerApplication }
  | { type: 'StartReview'; data: { partnerId: string } }
  | { type: 'RequestInformation'; data: { partnerId: string; message: string; fields: string[] } }
  | { type: 'ResubmitApplication'; data: PartnerApplication & { response: string } }
  | { type: 'ApproveApplication'; data: { partnerId: string; reason: string }; facts: ApprovalFacts }
  | { type: 'RejectApplication'; data: { partnerId: string; reason: string } }
  | { type: 'SuspendPartner'; data: { partnerId: string; reason: string; cause: SuspensionCause; reference: string | null } }
  | { type: 'ReinstatePartner'; data: { partnerId: string; reason: string } }
  | { type: 'OffboardPartner'; data: { partnerId: string; reason: string } };

function requireStatus(state: PartnerState, allowed: readonly PartnerStatus[], action: string): void {
  if (state.status === 'none') throw new DomainError('PARTNER.NOT_FOUND', 'No application for this partner.', 'not_found');
  if (!allowed.includes(state.status)) {
    throw new DomainError('PARTNER.INVALID_TRANSITION', `Cannot ${action} a partner whose application is ${state.status}.`, 'conflict', {
      currentStatus: state.status,
      allowedFrom: allowed,
    });
  }
}

export function decidePartner(command: PartnerCommand, state: PartnerState): PartnerEvent[] {
  switch (command.type) {
    case 'SubmitApplication':
      if (state.status !== 'none') {
        throw new DomainError('PARTNER.ALREADY_APPLIED', 'This partner has already applied.', 'conflict', { currentStatus: state.status });
      }
      return [{ type: 'ApplicationSubmitted', data: command.data }];
    case 'UpdateApplication':
      requireStatus(state, ['submitted', 'information_requested', 'resubmitted'], 'update the application of');
      return [{ type: 'ApplicationUpdated', data: command.data }];
    case 'StartReview':
      requireStatus(state, ['submitted', 'resubmitted'], 'start reviewing');
      return [{ type: 'ReviewStarted', data: command.data }];
    case 'RequestInformation':
      requireStatus(state, DECIDABLE, 'request information from');
      return [{ type: 'InformationRequested', data: command.data }];
    case 'ResubmitApplication':
      requireStatus(state, ['information_requested'], 'resubmit the application of');
      return [{ type: 'ApplicationResubmitted', data: command.data }];
    case 'ApproveApplication': {
      requireStatus(state, DECIDABLE, 'approve');
      const { organisationKyc, organisationScreened, unresolvedScreenings } = command.facts;
      if (organisationKyc !== 'verified') {
        throw new DomainError('PARTNER.KYB_NOT_VERIFIED', `The organisation's KYB is ${organisationKyc}: verify it before approving.`, 'conflict', {
          currentStatus: state.status,
          organisationKyc,
        });
      }
      if (!organisationScreened) {
        throw new DomainError('PARTNER.NOT_SCREENED', 'The organisation has not been screened against the restricted-party lists yet.', 'conflict', {
          currentStatus: state.status,
        });
      }
      if (unresolvedScreenings > 0) {
        throw new DomainError('PARTNER.SCREENING_UNRESOLVED', `${unresolvedScreenings} screening result(s) need a decision before approval.`, 'conflict', {
          currentStatus: state.status,
          unresolvedScreenings,
        });
      }
      return [{ type: 'ApplicationApproved', data: command.data }];
    }
    case 'RejectApplication':
      requireStatus(state, DECIDABLE, 'reject');
      return [{ type: 'ApplicationRejected', data: command.data }];
    case 'SuspendPartner':
      requireStatus(state, ['approved'], 'suspend');
      return [{ type: 'PartnerSuspended', data: command.data }];
    case 'ReinstatePartner':
      requireStatus(state, ['suspended'], 'reinstate');
      return [{ type: 'PartnerReinstated', data: command.data }];
    case 'OffboardPartner':
      requireStatus(state, ['approved', 'suspended'], 'offboard');
      return [{ type: 'PartnerOffboarded', data: command.data }];
  }
}

export const Partner: Aggregate<PartnerState, PartnerEvent, PartnerCommand> = {
  streamPrefix: 'partner',
  initialState: initialPartnerState,
  evolve: evolvePartner,
  decide: decidePartner,
};
