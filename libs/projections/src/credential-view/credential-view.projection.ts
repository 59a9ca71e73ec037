import type { CredentialEvent } from '@app/domain';
import type { ReadModel } from '../shared/read-model';

/** Lists a partner's credentials by prefix and label; the hash stays in the event store only. */
export const credentialViewProjection: ReadModel = {
  name: 'credential-view',
  table: 'credential_views',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'partner_id', type: 'text' },
    { name: 'prefix', type: 'text' },
    { name: 'label', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'issued_at', type: 'timestamptz' },
    { name: 'revoked_at', type: 'timestamptz' },
    { name: 'position', type: 'bigint' },
  ],
  primaryKey: ['id'],
  defaults: {},
  handles: new Set<CredentialEvent['type']>(['CredentialIssued', 'CredentialRevoked']),
  keysOf: (event) => [[(event.data as CredentialEvent['data']).credentialId]],
  evolve(rows, event) {
    const e = event as unknown as CredentialEvent & { metadata: { occurredAt: string }; globalPosition: number };
    const at = new Date(e.metadata.occurredAt);
    if (e.type === 'CredentialIssued') {
      rows.upsert({
        id: e.data.credentialId,
        partner_id: e.data.partnerId,
        prefix: e.data.prefix,
        label: e.data.label,
        status: 'active',
        issued_at: at,
        position: e.globalPosition,
      });
      return;
    }
    rows.update([e.data.credentialId], { status: 'revoked', revoked_at: at, position: e.globalPosition });
  },
};
