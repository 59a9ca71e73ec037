import type { Aggregate, DecisionContext } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import type { ModelStatus } from '../model/model.state';
import type { PartnerStatus } from '../partner/partner.state';
import type { LicenseEvent, LicenseTerms } from './license.events';
import { evolveLicense, initialLicenseState, LicenseState } from './license.state';

export type LicenseCommand =
  | {
      type: 'GrantLicense';
      data: Omit<LicenseTerms, 'validFrom'> & { validFrom: string | null };
      /** Facts from other streams, loaded by the handler. */
      partnerStatus: PartnerStatus;
      modelStatus: ModelStatus;
    }
  | { type: 'RevokeLicense'; data: { licenseId: string; reason: string } };

export function decideLicense(command: LicenseCommand, state: LicenseState, context: DecisionContext): LicenseEvent[] {
  switch (command.type) {
    case 'GrantLicense': {
      if (state.status !== 'none') {
        throw new DomainError('LICENSE.ALREADY_EXISTS', 'A license with this id already exists.', 'conflict', { currentStatus: state.status });
      }
      if (command.partnerStatus === 'none') throw new DomainError('PARTNER.NOT_FOUND', 'No such partner.', 'not_found');
      if (command.partnerStatus !== 'approved') {
        throw new DomainError('LICENSE.PARTNER_NOT_APPROVED', `Cannot license a partner whose application is ${command.partnerStatus}.`, 'conflict', {
          partnerStatus: command.partnerStatus,
        });
      }
      if (command.modelStatus === 'unregistered') throw new DomainError('MODEL.NOT_FOUND', 'No such model.', 'not_found');
      if (command.modelStatus === 'retired') {
        throw new DomainError('LICENSE.MODEL_RETIRED', 'Cannot license a retired model.', 'conflict', { modelStatus: command.modelStatus });
      }
      const validFrom = command.data.validFrom ?? context.now.toISOString();
      for (const [field, value] of [['validFrom', validFrom], ['validUntil', command.data.validUntil]] as const) {
        if (value !== null && Number.isNaN(Date.parse(value))) {
          throw new DomainError('LICENSE.INVALID_DATE', `${field} must be an ISO-8601 time.`, 'invalid', { field });
        }
      }
      if (command.data.validUntil && Date.parse(command.data.validUntil) <= Date.parse(validFrom)) {
        throw new DomainError('LICENSE.EMPTY_WINDOW', 'validUntil must be after validFrom.', 'invalid', { field: 'validUntil' });
      }
      return [{ type: 'LicenseGranted', data: { ...command.data, validFrom, grantedBy: context.actorId } }];
    }
    case 'RevokeLicense':
      if (state.status === 'none') throw new DomainError('LICENSE.NOT_FOUND', 'No such license.', 'not_found');
      if (state.status === 'revoked') {
        throw new DomainError('LICENSE.ALREADY_REVOKED', 'This license is already revoked.', 'conflict', { currentStatus: state.status });
      }
      return [
        {
          type: 'LicenseRevoked',
          data: { licenseId: command.data.licenseId, partnerId: state.terms!.partnerId, modelId: state.terms!.modelId, reason: command.data.reason },
        },
      ];
  }
}

export const License: Aggregate<LicenseState, LicenseEvent, LicenseCommand> = {
  streamPrefix: 'license',
  initialState: initialLicenseState,
  evolve: evolveLicense,
  decide: decideLicense,
};
