import type { PartnerEvent, PartnerStatus } from '@app/domain';
import type { Projection } from '../shared/projection';

const STATUS_AFTER: Partial<Record<PartnerEvent['type'], PartnerStatus>> = {
  ReviewStarted: 'under_review',
  InformationRequested: 'information_requested',
  ApplicationResubmitted: 'resubmitted',
  ApplicationApproved: 'approved',
  ApplicationRejected: 'rejected',
  PartnerSuspended: 'suspended',
  PartnerReinstated: 'approved',
  PartnerOffboarded: 'offboarded',
};

export const partnerViewProjection: Projection = {
  name: 'partner-view',
  handles: new Set<PartnerEvent['type']>([
    'ApplicationSubmitted', 'ApplicationUpdated', 'ReviewStarted', 'InformationRequested', 'ApplicationResubmitted',
    'ApplicationApproved', 'ApplicationRejected', 'PartnerSuspended', 'PartnerReinstated', 'PartnerOffboarded',
  ]),
  async apply(tx, event) {
    const e = event as unknown as PartnerEvent & { metadata: { occurredAt: string }; globalPosition: number };
    const at = new Date(e.metadata.occurredAt);
    const position = BigInt(e.globalPosition);
    if (e.type === 'ApplicationSubmitted') {
      const row = {
        legalName: e.data.legalName,
        registrationNumber: e.data.registrationNumber,
        countryOfIncorporation: e.data.countryOfIncorporation,
        requestedModels: e.data.requestedModels,
        application: e.data as object,
        status: 'submitted',
        submittedAt: at,
        statusChangedAt: at,
        position,
      };
      await tx.partnerView.upsert({ where: { id: e.data.partnerId }, create: { id: e.data.partnerId, ...row }, update: row });
      return;
    }
    const application =
      e.type === 'ApplicationUpdated' || e.type === 'ApplicationResubmitted'
        ? {
            legalName: e.data.legalName,
            registrationNumber: e.data.registrationNumber,
            countryOfIncorporation: e.data.countryOfIncorporation,
            requestedModels: e.data.requestedModels,
            application: e.data as object,
          }
        : {};
    const status = STATUS_AFTER[e.type];
    const reason = 'reason' in e.data ? (e.data as { reason: string }).reason : null;
    await tx.partnerView.update({
      where: { id: e.data.partnerId },
      data: {
        ...application,
        ...(status ? { status, statusChangedAt: at, statusReason: reason } : {}),
        ...(e.type === 'InformationRequested' ? { informationRequest: { message: e.data.message, fields: e.data.fields } } : {}),
        ...(e.type === 'ApplicationResubmitted' ? { informationRequest: null as never } : {}),
        ...(e.type === 'ApplicationApproved' || e.type === 'ApplicationRejected' ? { decidedAt: at } : {}),
        position,
      },
    });
  },
};
