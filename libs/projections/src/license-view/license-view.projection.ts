import type { LicenseEvent, LicenseTerms } from '@app/domain';
import type { ReadModel } from '../shared/read-model';

function termsColumns(terms: LicenseTerms) {
  return {
    partner_id: terms.partnerId,
    model_id: terms.modelId,
    valid_from: new Date(terms.validFrom),
    valid_until: terms.validUntil ? new Date(terms.validUntil) : null,
    allowed_destinations: terms.allowedDestinations ?? [],
    any_destination: terms.allowedDestinations === null,
    require_end_user_identification: terms.requireEndUserIdentification,
    monthly_token_quota: terms.monthlyTokenQuota,
    rate_limit_per_minute: terms.rateLimitPerMinute,
  };
}

const STATUS_AFTER = {
  LicenseProposalRejected: 'rejected',
  LicenseSuspended: 'suspended',
  LicenseReinstated: 'active',
  LicenseRevoked: 'revoked',
  LicenseExpired: 'expired',
} as const;

export const licenseViewProjection: ReadModel = {
  name: 'license-view',
  table: 'license_views',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'partner_id', type: 'text' },
    { name: 'model_id', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'valid_from', type: 'timestamptz' },
    { name: 'valid_until', type: 'timestamptz' },
    { name: 'granted_by', type: 'text' },
    { name: 'granted_at', type: 'timestamptz' },
    { name: 'position', type: 'bigint' },
    { name: 'proposed_by', type: 'text' },
    { name: 'approved_by', type: 'text' },
    { name: 'allowed_destinations', type: 'text[]' },
    { name: 'any_destination', type: 'boolean' },
    { name: 'require_end_user_identification', type: 'boolean' },
    { name: 'monthly_token_quota', type: 'integer' },
    { name: 'rate_limit_per_minute', type: 'integer' },
    { name: 'justification', type: 'text' },
    { name: 'status_reason', type: 'text' },
    { name: 'status_changed_at', type: 'timestamptz' },
  ],
  primaryKey: ['id'],
  defaults: { any_destination: true, require_end_user_identification: false },
  handles: new Set<LicenseEvent['type']>([
    'LicenseRequested', 'LicenseProposed', 'LicenseProposalRejected', 'LicenseGranted', 'LicenseSuspended',
    'LicenseReinstated', 'LicenseAmended', 'LicenseRevoked', 'LicenseExpired',
  ]),
  keysOf: (event) => [[(event.data as LicenseEvent['data']).licenseId]],
  evolve(rows, event) {
    const e = event as unknown as LicenseEvent & { metadata: { occurredAt: string }; globalPosition: number };
    const at = new Date(e.metadata.occurredAt);
    const position = e.globalPosition;
    const id = e.data.licenseId;
    switch (e.type) {
      case 'LicenseRequested':
        rows.upsert({ id, partner_id: e.data.partnerId, model_id: e.data.modelId, status: 'requested', justification: e.data.justification, allowed_destinations: [], status_changed_at: at, position });
        return;
      case 'LicenseProposed': {
        const { proposedBy, ...terms } = e.data;
        rows.upsert({ id, ...termsColumns(terms), status: 'pending_approval', proposed_by: proposedBy, status_changed_at: at, position });
        return;
      }
      case 'LicenseGranted': {
        const { grantedBy, approvedBy, ...terms } = e.data;
        rows.upsert({ id, ...termsColumns(terms), status: 'active', proposed_by: grantedBy, granted_by: grantedBy, approved_by: approvedBy, granted_at: at, status_changed_at: at, position });
        return;
      }
      case 'LicenseAmended': {
        const { reason: _reason, ...terms } = e.data;
        rows.update([id], { ...termsColumns(terms), position });
        return;
      }
      default: {
        const reason = 'reason' in e.data ? e.data.reason : null;
        rows.update([id], { status: STATUS_AFTER[e.type], status_reason: reason, status_changed_at: at, position });
      }
    }
  },
};
