import type { GovernmentApprovalEvent, GovernmentApprovalTerms } from '@app/domain';
import type { Projection } from '../shared/projection';

function termsColumns(terms: GovernmentApprovalTerms) {
  return {
    partnerId: terms.partnerId,
    models: terms.models,
    authority: terms.authority,
    reference: terms.reference,
    conditions: terms.conditions,
    validFrom: new Date(terms.validFrom),
    validUntil: terms.validUntil ? new Date(terms.validUntil) : null,
  };
}

export const governmentApprovalViewProjection: Projection = {
  name: 'government-approval-view',
  handles: new Set<GovernmentApprovalEvent['type']>([
    'GovernmentApprovalRequested', 'GovernmentApprovalGranted', 'GovernmentApprovalAmended', 'GovernmentApprovalRevoked', 'GovernmentApprovalExpired',
  ]),
  async apply(tx, event) {
    const e = event as unknown as GovernmentApprovalEvent & { globalPosition: number };
    const position = BigInt(e.globalPosition);
    const id = e.data.approvalId;
    switch (e.type) {
      case 'GovernmentApprovalRequested': {
        const row = { partnerId: e.data.partnerId, models: e.data.models, authority: e.data.authority, justification: e.data.justification, status: 'requested', position };
        await tx.governmentApprovalView.upsert({ where: { id }, create: { id, ...row }, update: row });
        return;
      }
      case 'GovernmentApprovalGranted': {
        const row = { ...termsColumns(e.data), status: 'granted', position };
        await tx.governmentApprovalView.upsert({ where: { id }, create: { id, ...row }, update: row });
        return;
      }
      case 'GovernmentApprovalAmended':
        await tx.governmentApprovalView.update({ where: { id }, data: { ...termsColumns(e.data), position } });
        return;
      case 'GovernmentApprovalRevoked':
      case 'GovernmentApprovalExpired':
        await tx.governmentApprovalView.update({ where: { id }, data: { status: e.type === 'GovernmentApprovalRevoked' ? 'revoked' : 'expired', position } });
        return;
    }
  },
};
