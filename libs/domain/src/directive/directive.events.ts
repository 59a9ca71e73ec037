import type { DomainEvent } from '../shared/aggregate';

/** A government order, as data with effective dates: never code. */
export interface DirectiveTerms {
  directiveId: string;
  authority: string;
  reference: string;
  title: string;
  issuedAt: string;
  effectiveAt: string;
  expiresAt: string | null;
  /** Models covered, by exact id or by family. */
  scope: { modelIds: string[]; families: string[] };
  restrictions: {
    /** Deemed-export style: access only by nationals (or, if allowed, permanent residents) of these countries. */
    foreignNationals: { allowedNationalities: string[]; allowPermanentResidents: boolean } | null;
    /** ISO 3166-1 alpha-2 countries requests may not come from. */
    forbiddenDestinations: string[];
  };
  /** Holders of a government approval naming the partner and the model are exempt. */
  exemptWithGovernmentApproval: boolean;
}

export type DirectiveIssued = DomainEvent<'DirectiveIssued', DirectiveTerms>;
export type DirectiveAmended = DomainEvent<'DirectiveAmended', DirectiveTerms & { reason: string }>;
export type DirectiveLifted = DomainEvent<'DirectiveLifted', { directiveId: string; liftedAt: string; reason: string }>;
/** The directive reached its expiresAt; the check stops applying it at that instant whether or not this is recorded. */
export type DirectiveExpired = DomainEvent<'DirectiveExpired', { directiveId: string; expiredAt: string }>;

export type DirectiveEvent = DirectiveIssued | DirectiveAmended | DirectiveLifted | DirectiveExpired;
