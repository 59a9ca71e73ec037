import { createHash, randomUUID } from 'node:crypto';

/**
 * Event ids derived from a client's Idempotency-Key: the same key, stream and index always give
 * the same id, so a retried command appends nothing twice. Shaped as an RFC 4122 v5-style UUID.
 */
export function deterministicEventId(idempotencyKey: string, streamId: string, index: number): string {
  const hash = createHash('sha256').update(`${idempotencyKey}\u0000${streamId}\u0000${index}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function newEventId(): string {
  return randomUUID();
}
