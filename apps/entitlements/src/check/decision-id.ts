import { UuidWriter } from '@app/http';

const ids = new UuidWriter(7, 'd-');

/**
 * A decision id: `d-` and a version 7 UUID (RFC 9562), whose first 48 bits are the Unix time in ms. Ids
 * therefore sort by time, and the decision log's primary key grows at its right edge instead of taking
 * every insert at a random leaf: that measured about a quarter of PostgreSQL's cost per logged decision.
 * The 74 bits after the version and variant are random.
 */
export function decisionId(nowMs: number): string {
  return ids.next(nowMs);
}
