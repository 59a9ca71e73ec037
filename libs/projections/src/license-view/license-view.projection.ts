import type { LicenseEvent } from '@app/domain';
import type { Projection } from '../shared/projection';

export const licenseViewProjection: Projection = {
  name: 'license-view',
  handles: new Set<LicenseEvent['type']>(['LicenseGranted', 'LicenseRevoked']),
  async apply(tx, event) {
    const e = event as unknown as LicenseEvent & { metadata: { occurredAt: string }; globalPosition: number };
    if (e.type === 'LicenseGranted') {
      const row = {
        partnerId: e.data.partnerId,
        modelId: e.data.modelId,
        status: 'active',
        validFrom: new Date(e.data.validFrom),
        validUntil: e.data.validUntil ? new Date(e.data.validUntil) : null,
        grantedBy: e.data.grantedBy,
        grantedAt: new Date(e.metadata.occurredAt),
        position: BigInt(e.globalPosition),
      };
      await tx.licenseView.upsert({ where: { id: e.data.licenseId }, create: { id: e.data.licenseId, ...row }, update: row });
      return;
    }
    await tx.licenseView.update({ where: { id: e.data.licenseId }, data: { status: 'revoked', position: BigInt(e.globalPosition) } });
  },
};
