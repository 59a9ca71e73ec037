import type { GovernmentApprovalEvent, GovernmentApprovalTerms } from '@app/domain';
import type { ReadModel } from '../shared/read-model';

function termsColumns(terms: GovernmentApprovalTerms) {
  return {
    partner_id: terms.partnerId,
    models: terms.models,
    authority: terms.authority,
    reference: terms.reference,
    conditions: terms.conditions,
    valid_from: new Date(terms.validFrom),
    valid_until: terms.validUntil ? new Date(terms.validUntil) : null,
  };
}

export const governmentApprovalViewProjection: ReadModel = {
  name: 'government-approval-view',
  table: 'government_approval_views',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'partner_id', type: 'text' },
    { name: 'models', type: 'text[]' },
    { name: 'authority', type: 'text' },
    { name: 'reference', type: 'text' },
    { name: 'conditions', type: 'text' },
    { name: 'justification', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'valid_from', type: 'timestamptz' },
    { name: 'valid_until', type: 'timestamptz' },
    { name: 'position', type: 'bigint' },
  ],
  primaryKey: ['id'],
  defaults: {},
  handles: new Set<GovernmentApprovalEvent['type']>([
    'GovernmentApprovalRequested', 'GovernmentApprovalGranted', 'GovernmentApprovalAmended', 'GovernmentApprovalRevoked', 'GovernmentApprovalExpired',
  ]),
  keysOf: (event) => [[(event.data as GovernmentApprovalEvent['data']).approvalId]],
  evolve(rows, event) {
    const e = event as unknown as GovernmentApprovalEvent & { globalPosition: number };
    const position = e.globalPosition;
    const id = e.data.approvalId;
    switch (e.type) {
      case 'GovernmentApprovalRequested':
        rows.upsert({ id, partner_id: e.data.partnerId, models: e.data.models, authority: e.data.authority, justification: e.data.justification, status: 'requested', position });
        return;
      case 'GovernmentApprovalGranted':
        rows.upsert({ id, ...termsColumns(e.data), status: 'granted', position });
        return;
      case 'GovernmentApprovalAmended':
        rows.update([id], { ...termsColumns(e.data), position });
        return;
      case 'GovernmentApprovalRevoked':
      case 'GovernmentApprovalExpired':
        rows.update([id], { status: e.type === 'GovernmentApprovalRevoked' ? 'revoked' : 'expired', position });
        return;
    }
  },
};
