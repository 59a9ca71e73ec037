import type { ExpectedVersion } from './event';

/** The stream moved on since the caller read it: optimistic concurrency lost. HTTP 409. */
export class WrongExpectedVersionError extends Error {
  readonly code = 'EVENT_STORE.WRONG_EXPECTED_VERSION';
  constructor(readonly streamId: string, readonly expected: ExpectedVersion, readonly actual: number) {
    super(`Stream ${streamId} is at version ${actual}, expected ${expected === 'no_stream' ? 'no stream' : expected}.`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** A retry re-sent some event ids already stored together with new ones: not a clean retry. HTTP 409. */
export class IdempotencyConflictError extends Error {
  readonly code = 'EVENT_STORE.IDEMPOTENCY_CONFLICT';
  constructor(readonly streamId: string, detail: string) {
    super(`Stream ${streamId}: ${detail}`);
    this.name = 'IdempotencyConflictError';
  }
}
