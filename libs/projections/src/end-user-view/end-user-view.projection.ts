import type { EndUserEvent } from '@app/domain';
import type { ReadModel } from '../shared/read-model';

export const endUserViewProjection: ReadModel = {
  name: 'end-user-view',
  table: 'end_user_views',
  columns: [
    { name: 'partner_id', type: 'text' },
    { name: 'user_id', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'email', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'enrolled_at', type: 'timestamptz' },
    { name: 'position', type: 'bigint' },
  ],
  primaryKey: ['partner_id', 'user_id'],
  defaults: {},
  handles: new Set<EndUserEvent['type']>(['UserEnrolled', 'UserRemoved']),
  keysOf: (event) => {
    const data = event.data as EndUserEvent['data'];
    return [[data.partnerId, data.userId]];
  },
  evolve(rows, event) {
    const e = event as unknown as EndUserEvent & { metadata: { occurredAt: string }; globalPosition: number };
    const position = e.globalPosition;
    if (e.type === 'UserEnrolled') {
      rows.upsert({
        partner_id: e.data.partnerId,
        user_id: e.data.userId,
        name: e.data.name,
        email: e.data.email,
        status: 'enrolled',
        enrolled_at: new Date(e.metadata.occurredAt),
        position,
      });
      return;
    }
    rows.update([e.data.partnerId, e.data.userId], { status: 'removed', position });
  },
};
