import type { PartnerEvent } from '@app/domain';
import type { Projection } from '../shared/projection';

export const partnerViewProjection: Projection = {
  name: 'partner-view',
  handles: new Set<PartnerEvent['type']>(['ApplicationSubmitted', 'ApplicationApproved', 'ApplicationRejected']),
  async apply(tx, event) {
    const e = event as unknown as PartnerEvent & { metadata: { occurredAt: string }; globalPosition: number };
    switch (e.type) {
      case 'ApplicationSubmitted': {
        const row = {
          legalName: e.data.legalName,
          registrationNumber: e.data.registrationNumber,
          countryOfIncorporation: e.data.countryOfIncorporation,
          requestedModels: e.data.requestedModels,
          status: 'submitted',
          submittedAt: new Date(e.metadata.occurredAt),
          position: BigInt(e.globalPosition),
        };
        await tx.partnerView.upsert({ where: { id: e.data.partnerId }, create: { id: e.data.partnerId, ...row }, update: row });
        return;
      }
      case 'ApplicationApproved':
      case 'ApplicationRejected':
        await tx.partnerView.update({
          where: { id: e.data.partnerId },
          data: {
            status: e.type === 'ApplicationApproved' ? 'approved' : 'rejected',
            decidedAt: new Date(e.metadata.occurredAt),
            position: BigInt(e.globalPosition),
          },
        });
        return;
    }
  },
};
