import type { Aggregate, DecisionContext } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import { requireWindow, windowHasEnded } from '../shared/time-window';
import type { ModelStatus } from '../model/model.state';
import type { PartnerStatus } from '../partner/partner.state';
import type { LicenseConditions, LicenseEvent } from './license.events';
import { evolveLicense, initialLicenseState, LicenseState, LicenseStatus } from './license.state';

/** Models whose classification is not EAR99 need a second compliance officer to approve a grant. */
export const UNCONTROLLED_CLASSIFICATION = 'EAR99';

export type LicenseGrantConditions = Omit<LicenseConditions, 'validFrom'> & { validFrom: string | null };

export type LicenseCommand =
  | { type: 'RequestLicense'; data: { licenseId: string; partnerId: string; modelId: string; justification: string }; partnerStatus: PartnerStatus; modelStatus: ModelStatus }
  | {
      type: 'GrantLicense';
      data: { licenseId: string; partnerId: string; modelId: string } & LicenseGrantConditions;
      /** Facts from other streams, loaded by the handler. */
      partnerStatus: PartnerStatus;
      modelStatus: ModelStatus;
      classification: string | null;
    }
  | { type: 'ApproveLicense' }
  | { type: 'RejectLicenseProposal'; data: { reason: string } }
  | { type: 'SuspendLicense'; data: { reason: string } }
  | { type: 'ReinstateLicense'; data: { reason: string } }
  | { type: 'AmendLicense'; data: LicenseConditions & { reason: string } }
  | { type: 'RevokeLicense'; data: { reason: string } }
  | { type: 'ExpireLicense' };

const LICENSABLE_PARTNER: readonly PartnerStatus[] = ['approved'];

function requireLicensable(partnerStatus: PartnerStatus, modelStatus: ModelStatus): void {
  if (partnerStatus === 'none') throw new DomainError('PARTNER.NOT_FOUND', 'No such partner.', 'not_found');
  if (!LICENSABLE_PARTNER.includes(partnerStatus)) {
    throw new DomainError('LICENSE.PARTNER_NOT_APPROVED', `Cannot license a partner whose application is ${partnerStatus}.`, 'conflict', { partnerStatus });
  }
  if (modelStatus === 'unregistered') throw new DomainError('MODEL.NOT_FOUND', 'No such model.', 'not_found');
  if (modelStatus === 'retired') throw new DomainError('LICENSE.MODEL_RETIRED', 'Cannot license a retired model.', 'conflict', { modelStatus });
}

function requireStatus(state: LicenseState, allowed: readonly LicenseStatus[], action: string): void {
  if (state.status === 'none') throw new DomainError('LICENSE.NOT_FOUND', 'No such license.', 'not_found');
  if (!allowed.includes(state.status)) {
    throw new DomainError('LICENSE.INVALID_TRANSITION', `Cannot ${action} a license that is ${state.status}.`, 'conflict', { currentStatus: state.status });
  }
}

export function decideLicense(command: LicenseCommand, state: LicenseState, context: DecisionContext): LicenseEvent[] {
  const ids = () => ({ licenseId: state.licenseId!, partnerId: state.partnerId!, modelId: state.modelId! });
  switch (command.type) {
    case 'RequestLicense':
      if (state.status !== 'none') throw new DomainError('LICENSE.ALREADY_EXISTS', 'A license with this id already exists.', 'conflict', { currentStatus: state.status });
      requireLicensable(command.partnerStatus, command.modelStatus);
      return [{ type: 'LicenseRequested', data: command.data }];
    case 'GrantLicense': {
      if (state.status !== 'none' && state.status !== 'requested') {
        throw new DomainError('LICENSE.ALREADY_EXISTS', `This license is already ${state.status}.`, 'conflict', { currentStatus: state.status });
      }
      if (state.status === 'requested' && (state.partnerId !== command.data.partnerId || state.modelId !== command.data.modelId)) {
        const field = state.partnerId !== command.data.partnerId ? 'partnerId' : 'modelId';
        throw new DomainError('LICENSE.REQUEST_MISMATCH', 'The grant must be for the partner and model of the request.', 'invalid', { field });
      }
      requireLicensable(command.partnerStatus, command.modelStatus);
      const validFrom = command.data.validFrom ?? context.now.toISOString();
      requireWindow(validFrom, command.data.validUntil, 'LICENSE');
      const terms = { ...command.data, validFrom };
      if (command.classification === UNCONTROLLED_CLASSIFICATION) {
        return [{ type: 'LicenseGranted', data: { ...terms, grantedBy: context.actorId, approvedBy: null } }];
      }
      return [{ type: 'LicenseProposed', data: { ...terms, proposedBy: context.actorId } }];
    }
    case 'ApproveLicense':
      requireStatus(state, ['pending_approval'], 'approve');
      if (state.proposedBy === context.actorId) {
        throw new DomainError('LICENSE.SAME_APPROVER', 'Four eyes: the officer who proposed this grant cannot approve it; another compliance officer must.', 'forbidden', {
          proposedBy: state.proposedBy,
        });
      }
      return [{ type: 'LicenseGranted', data: { ...state.terms!, grantedBy: state.proposedBy!, approvedBy: context.actorId } }];
    case 'RejectLicenseProposal':
      requireStatus(state, ['pending_approval', 'requested'], 'reject');
      return [{ type: 'LicenseProposalRejected', data: { ...ids(), reason: command.data.reason } }];
    case 'SuspendLicense':
      requireStatus(state, ['active'], 'suspend');
      return [{ type: 'LicenseSuspended', data: { ...ids(), reason: command.data.reason } }];
    case 'ReinstateLicense':
      requireStatus(state, ['suspended'], 'reinstate');
      return [{ type: 'LicenseReinstated', data: { ...ids(), reason: command.data.reason } }];
    case 'AmendLicense': {
      requireStatus(state, ['active', 'suspended'], 'amend');
      requireWindow(command.data.validFrom, command.data.validUntil, 'LICENSE');
      return [{ type: 'LicenseAmended', data: { ...state.terms!, ...command.data } }];
    }
    case 'RevokeLicense':
      requireStatus(state, ['active', 'suspended', 'pending_approval'], 'revoke');
      return [{ type: 'LicenseRevoked', data: { ...ids(), reason: command.data.reason } }];
    case 'ExpireLicense':
      // Re-checked here, not trusted from the timer: an amendment may have moved the end of the window.
      if (state.status !== 'active' && state.status !== 'suspended') return [];
      if (!windowHasEnded(state.terms?.validUntil ?? null, context.now)) return [];
      return [{ type: 'LicenseExpired', data: ids() }];
  }
}

export const License: Aggregate<LicenseState, LicenseEvent, LicenseCommand> = {
  streamPrefix: 'license',
  initialState: initialLicenseState,
  evolve: evolveLicense,
  decide: decideLicense,
};
