import type { EndUserEvent } from '@app/domain';
import type { Projection } from '../shared/projection';

export const endUserViewProjection: Projection = {
  name: 'end-user-view',
  handles: new Set<EndUserEvent['type']>(['UserEnrolled', 'UserRemoved']),
  async apply(tx, event) {
    const e = event as unknown as EndUserEvent & { metadata: { occurredAt: string }; globalPosition: number };
    const key = { partnerId_userId: { partnerId: e.data.partnerId, userId: e.data.userId } };
    const position = BigInt(e.globalPosition);
    if (e.type === 'UserEnrolled') {
      const row = { name: e.data.name, email: e.data.email, status: 'enrolled', enrolledAt: new Date(e.metadata.occurredAt), position };
      await tx.endUserView.upsert({ where: key, create: { partnerId: e.data.partnerId, userId: e.data.userId, ...row }, update: row });
      return;
    }
    await tx.endUserView.update({ where: key, data: { status: 'removed', position } });
  },
};
