import type { DirectiveEvent, DirectiveTerms } from '@app/domain';
import type { ReadModel } from '../shared/read-model';

function termsColumns(terms: DirectiveTerms) {
  return {
    authority: terms.authority,
    reference: terms.reference,
    title: terms.title,
    issued_at: new Date(terms.issuedAt),
    effective_at: new Date(terms.effectiveAt),
    expires_at: terms.expiresAt ? new Date(terms.expiresAt) : null,
    scope: terms.scope,
    restrictions: terms.restrictions,
    exempt_with_government_approval: terms.exemptWithGovernmentApproval,
  };
}

export const directiveViewProjection: ReadModel = {
  name: 'directive-view',
  table: 'directive_views',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'authority', type: 'text' },
    { name: 'reference', type: 'text' },
    { name: 'title', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'issued_at', type: 'timestamptz' },
    { name: 'effective_at', type: 'timestamptz' },
    { name: 'expires_at', type: 'timestamptz' },
    { name: 'lifted_at', type: 'timestamptz' },
    { name: 'scope', type: 'jsonb' },
    { name: 'restrictions', type: 'jsonb' },
    { name: 'exempt_with_government_approval', type: 'boolean' },
    { name: 'position', type: 'bigint' },
  ],
  primaryKey: ['id'],
  defaults: {},
  handles: new Set<DirectiveEvent['type']>(['DirectiveIssued', 'DirectiveAmended', 'DirectiveLifted', 'DirectiveExpired']),
  keysOf: (event) => [[(event.data as DirectiveEvent['data']).directiveId]],
  evolve(rows, event) {
    const e = event as unknown as DirectiveEvent & { globalPosition: number };
    const position = e.globalPosition;
    const id = e.data.directiveId;
    if (e.type === 'DirectiveLifted') {
      rows.update([id], { status: 'lifted', lifted_at: new Date(e.data.liftedAt), position });
      return;
    }
    if (e.type === 'DirectiveExpired') {
      rows.update([id], { status: 'expired', position });
      return;
    }
    rows.upsert({ id, ...termsColumns(e.data), status: 'issued', position });
  },
};
