import type { DirectiveEvent, DirectiveTerms } from '@app/domain';
import type { Projection } from '../shared/projection';

function termsColumns(terms: DirectiveTerms) {
  return {
    authority: terms.authority,
    reference: terms.reference,
    title: terms.title,
    issuedAt: new Date(terms.issuedAt),
    effectiveAt: new Date(terms.effectiveAt),
    expiresAt: terms.expiresAt ? new Date(terms.expiresAt) : null,
    scope: terms.scope as object,
    restrictions: terms.restrictions as object,
    exemptWithGovernmentApproval: terms.exemptWithGovernmentApproval,
  };
}

export const directiveViewProjection: Projection = {
  name: 'directive-view',
  handles: new Set<DirectiveEvent['type']>(['DirectiveIssued', 'DirectiveAmended', 'DirectiveLifted']),
  async apply(tx, event) {
    const e = event as unknown as DirectiveEvent & { globalPosition: number };
    const position = BigInt(e.globalPosition);
    const id = e.data.directiveId;
    if (e.type === 'DirectiveLifted') {
      await tx.directiveView.update({ where: { id }, data: { status: 'lifted', liftedAt: new Date(e.data.liftedAt), position } });
      return;
    }
    const row = { ...termsColumns(e.data), status: 'issued', position };
    await tx.directiveView.upsert({ where: { id }, create: { id, ...row }, update: row });
  },
};
