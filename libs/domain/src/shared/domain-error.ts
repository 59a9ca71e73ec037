/**
 * The one error type of the domain. `code` is stable (clients match on it); `kind` tells the
 * HTTP boundary which status to answer with, so the domain never speaks HTTP.
 */
export type DomainErrorKind = 'conflict' | 'not_found' | 'forbidden' | 'invalid';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'conflict',
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
