import type { KycEvent } from '@app/domain';
import type { Projection } from '../shared/projection';

const STATUS_AFTER = { KycPending: 'pending', KycVerified: 'verified', KycFailed: 'failed', KycNeedsReview: 'needs_review', KycExpired: 'expired' } as const;

export const kycCaseViewProjection: Projection = {
  name: 'kyc-case-view',
  handles: new Set<KycEvent['type']>(['KycCaseOpened', 'KycPending', 'KycVerified', 'KycFailed', 'KycNeedsReview', 'KycExpired']),
  async apply(tx, event) {
    const e = event as unknown as KycEvent & { metadata: { occurredAt: string }; globalPosition: number };
    const at = new Date(e.metadata.occurredAt);
    const position = BigInt(e.globalPosition);
    if (e.type === 'KycCaseOpened') {
      const row = {
        partnerId: e.data.partnerId,
        subjectKind: e.data.subject.kind,
        userId: e.data.subject.kind === 'user' ? e.data.subject.userId : null,
        provider: e.data.provider,
        providerRef: e.data.providerRef,
        declaredName: e.data.declaredName,
        status: 'started',
        openedAt: at,
        statusChangedAt: at,
        position,
      };
      await tx.kycCaseView.upsert({ where: { id: e.data.caseId }, create: { id: e.data.caseId, ...row }, update: row });
      return;
    }
    const reason = 'reason' in e.data ? e.data.reason : null;
    await tx.kycCaseView.update({ where: { id: e.data.caseId }, data: { status: STATUS_AFTER[e.type], statusReason: reason, statusChangedAt: at, position } });
  },
};
