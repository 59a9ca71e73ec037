import type { LicenseEvent, LicenseTerms } from '@app/domain';
import type { Projection } from '../shared/projection';

function termsColumns(terms: LicenseTerms) {
  return {
    partnerId: terms.partnerId,
    modelId: terms.modelId,
    validFrom: new Date(terms.validFrom),
    validUntil: terms.validUntil ? new Date(terms.validUntil) : null,
    allowedDestinations: terms.allowedDestinations ?? [],
    anyDestination: terms.allowedDestinations === null,
    requireEndUserIdentification: terms.requireEndUserIdentification,
    monthlyTokenQuota: terms.monthlyTokenQuota,
    rateLimitPerMinute: terms.rateLimitPerMinute,
  };
}

const STATUS_AFTER = {
  LicenseProposalRejected: 'rejected',
  LicenseSuspended: 'suspended',
  LicenseReinstated: 'active',
  LicenseRevoked: 'revoked',
  LicenseExpired: 'expired',
} as const;

export const licenseViewProjection: Projection = {
  name: 'license-view',
  handles: new Set<LicenseEvent['type']>([
    'LicenseRequested', 'LicenseProposed', 'LicenseProposalRejected', 'LicenseGranted', 'LicenseSuspended',
    'LicenseReinstated', 'LicenseAmended', 'LicenseRevoked', 'LicenseExpired',
  ]),
  async apply(tx, event) {
    const e = event as unknown as LicenseEvent & { metadata: { occurredAt: string }; globalPosition: number };
    const at = new Date(e.metadata.occurredAt);
    const position = BigInt(e.globalPosition);
    const id = e.data.licenseId;
    switch (e.type) {
      case 'LicenseRequested': {
        const row = { partnerId: e.data.partnerId, modelId: e.data.modelId, status: 'requested', justification: e.data.justification, allowedDestinations: [], statusChangedAt: at, position };
        await tx.licenseView.upsert({ where: { id }, create: { id, ...row }, update: row });
        return;
      }
      case 'LicenseProposed': {
        const { proposedBy, ...terms } = e.data;
        const row = { ...termsColumns(terms), status: 'pending_approval', proposedBy, statusChangedAt: at, position };
        await tx.licenseView.upsert({ where: { id }, create: { id, ...row }, update: row });
        return;
      }
      case 'LicenseGranted': {
        const { grantedBy, approvedBy, ...terms } = e.data;
        const row = { ...termsColumns(terms), status: 'active', proposedBy: grantedBy, grantedBy, approvedBy, grantedAt: at, statusChangedAt: at, position };
        await tx.licenseView.upsert({ where: { id }, create: { id, ...row }, update: row });
        return;
      }
      case 'LicenseAmended': {
        const { reason: _reason, ...terms } = e.data;
        await tx.licenseView.update({ where: { id }, data: { ...termsColumns(terms), position } });
        return;
      }
      default: {
        const reason = 'reason' in e.data ? e.data.reason : null;
        await tx.licenseView.update({ where: { id }, data: { status: STATUS_AFTER[e.type], statusReason: reason, statusChangedAt: at, position } });
      }
    }
  },
};
