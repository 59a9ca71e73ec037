import type { KycEvent } from '@app/domain';
import type { ReadModel } from '../shared/read-model';

const STATUS_AFTER = { KycPending: 'pending', KycVerified: 'verified', KycFailed: 'failed', KycNeedsReview: 'needs_review', KycExpired: 'expired' } as const;

export const kycCaseViewProjection: ReadModel = {
  name: 'kyc-case-view',
  table: 'kyc_case_views',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'partner_id', type: 'text' },
    { name: 'subject_kind', type: 'text' },
    { name: 'user_id', type: 'text' },
    { name: 'provider', type: 'text' },
    { name: 'provider_ref', type: 'text' },
    { name: 'declared_name', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'status_reason', type: 'text' },
    { name: 'opened_at', type: 'timestamptz' },
    { name: 'status_changed_at', type: 'timestamptz' },
    { name: 'position', type: 'bigint' },
  ],
  primaryKey: ['id'],
  defaults: {},
  handles: new Set<KycEvent['type']>(['KycCaseOpened', 'KycPending', 'KycVerified', 'KycFailed', 'KycNeedsReview', 'KycExpired']),
  keysOf: (event) => [[(event.data as KycEvent['data']).caseId]],
  evolve(rows, event) {
    const e = event as unknown as KycEvent & { metadata: { occurredAt: string }; globalPosition: number };
    const at = new Date(e.metadata.occurredAt);
    const position = e.globalPosition;
    if (e.type === 'KycCaseOpened') {
      rows.upsert({
        id: e.data.caseId,
        partner_id: e.data.partnerId,
        subject_kind: e.data.subject.kind,
        user_id: e.data.subject.kind === 'user' ? e.data.subject.userId : null,
        provider: e.data.provider,
        provider_ref: e.data.providerRef,
        declared_name: e.data.declaredName,
        status: 'started',
        opened_at: at,
        status_changed_at: at,
        position,
      });
      return;
    }
    const reason = 'reason' in e.data ? e.data.reason : null;
    rows.update([e.data.caseId], { status: STATUS_AFTER[e.type], status_reason: reason, status_changed_at: at, position });
  },
};
