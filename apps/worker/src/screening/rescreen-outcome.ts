import type { ScreeningEvidence } from '@app/domain';

/** The subject's latest screening, as the screening queue shows it. */
export interface LatestScreening {
  status: string;
  evidence: Pick<ScreeningEvidence, 'candidates'>;
}

/**
 * What a re-screening against a new list version records for one subject:
 * - `first`: never screened before: the result is recorded, whatever it is;
 * - `new-hit`: a possible or strong match that the latest screening did not already show
 *   (a list entry it did not name, or it was clear): recorded, so that it enters the review queue;
 * - `unchanged`: clear again, or the same entries a reviewer has already seen or is looking at.
 */
export type RescreenOutcome = 'first' | 'new-hit' | 'unchanged';

const entryKey = (c: { listId: string; entryId: string }) => `${c.listId}:${c.entryId}`;

export function rescreenOutcome(latest: LatestScreening | null, found: Pick<ScreeningEvidence, 'band' | 'candidates'>): RescreenOutcome {
  if (!latest) return 'first';
  if (found.band === 'clear') return 'unchanged';
  if (latest.status === 'clear') return 'new-hit';
  const seen = new Set(latest.evidence.candidates.map(entryKey));
  return found.candidates.every((c) => seen.has(entryKey(c))) ? 'unchanged' : 'new-hit';
}
