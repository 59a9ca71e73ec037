import type { CredentialEvent } from '@app/domain';
import type { Projection } from '../shared/projection';

/** Lists a partner's credentials by prefix and label; the hash stays in the event store only. */
export const credentialViewProjection: Projection = {
  name: 'credential-view',
  handles: new Set<CredentialEvent['type']>(['CredentialIssued', 'CredentialRevoked']),
  async apply(tx, event) {
    const e = event as unknown as CredentialEvent & { metadata: { occurredAt: string }; globalPosition: number };
    if (e.type === 'CredentialIssued') {
      const row = {
        partnerId: e.data.partnerId,
        prefix: e.data.prefix,
        label: e.data.label,
        status: 'active',
        issuedAt: new Date(e.metadata.occurredAt),
        position: BigInt(e.globalPosition),
      };
      await tx.credentialView.upsert({ where: { id: e.data.credentialId }, create: { id: e.data.credentialId, ...row }, update: row });
      return;
    }
    await tx.credentialView.update({
      where: { id: e.data.credentialId },
      data: { status: 'revoked', revokedAt: new Date(e.metadata.occurredAt), position: BigInt(e.globalPosition) },
    });
  },
};
