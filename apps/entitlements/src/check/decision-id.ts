import { randomUUID } from 'node:crypto';

/**
 * A decision id: `d-` and a version 7 UUID (RFC 9562), whose first 48 bits are the Unix time in ms. Ids
 * therefore sort by time, and the decision log's primary key grows at its right edge instead of taking
 * every insert at a random leaf: that measured about a quarter of PostgreSQL's cost per logged decision.
 * The 74 bits after the version and variant are random, as in `randomUUID`, whose buffered entropy this
 * reuses.
 */
export function decisionId(nowMs: number): string {
  const ms = Math.max(0, Math.floor(nowMs));
  if (ms !== prefixMs) {
    const time = ms.toString(16).padStart(12, '0').slice(-12);
    prefix = `d-${time.slice(0, 8)}-${time.slice(8)}-7`;
    prefixMs = ms;
  }
  // randomUUID(): xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx; from index 15 on: xxx-Vxxx-xxxxxxxxxxxx.
  return prefix + randomUUID().slice(15);
}

/** The time part of the last id made: many decisions share a millisecond. */
let prefixMs = -1;
let prefix = '';
