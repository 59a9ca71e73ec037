import type { DomainEvent } from '../shared/aggregate';

export type ScreeningBand = 'clear' | 'review' | 'block';

export interface ScreeningSubject {
  kind: 'organisation' | 'beneficial_owner' | 'user';
  /** The partner's id, the owner's position in the application, or the user's id. */
  ref: string;
  name: string;
  country: string | null;
}

export interface ScreeningCandidate {
  listId: string;
  source: string;
  entryId: string;
  name: string;
  matchedName: string;
  score: number;
}

/** Everything needed to show later why a screening answered what it did. */
export interface ScreeningEvidence {
  query: string;
  normalisedQuery: string;
  band: ScreeningBand;
  topScore: number;
  candidates: ScreeningCandidate[];
  listVersion: string;
  thresholds: { reviewThreshold: number; blockThreshold: number };
}

export type ScreeningRecorded = DomainEvent<'ScreeningRecorded', { screeningId: string; partnerId: string; subject: ScreeningSubject; evidence: ScreeningEvidence; trigger: string }>;
export type ScreeningHitCleared = DomainEvent<'ScreeningHitCleared', { screeningId: string; partnerId: string; subject: ScreeningSubject; reason: string }>;
export type ScreeningHitConfirmed = DomainEvent<'ScreeningHitConfirmed', { screeningId: string; partnerId: string; subject: ScreeningSubject; reason: string }>;

export type ScreeningEvent = ScreeningRecorded | ScreeningHitCleared | ScreeningHitConfirmed;
