import { DomainError } from './domain-error';

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** A real ISO-8601 date or time (2026-02-30 is not one), not whatever Date.parse happens to accept. */
export function isIsoTime(value: string): boolean {
  const match = ISO_TIME.exec(value);
  if (!match) return false;
  const [, y, m, d, hh = '0', mm = '0', ss = '0'] = match;
  const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return (
    day.getUTCFullYear() === Number(y) && day.getUTCMonth() === Number(m) - 1 && day.getUTCDate() === Number(d) &&
    Number(hh) < 24 && Number(mm) < 60 && Number(ss) < 60 && !Number.isNaN(Date.parse(value))
  );
}

/** True once `now` has reached the end of a window (a window without an end never ends). */
export function windowHasEnded(until: string | null, now: Date): boolean {
  return until !== null && now.getTime() >= Date.parse(until);
}

/** A validity window: both ends ISO-8601 times, the end (if any) after the start. */
export function requireWindow(validFrom: string, validUntil: string | null, codePrefix: string): void {
  if (!isIsoTime(validFrom)) {
    throw new DomainError(`${codePrefix}.INVALID_DATE`, 'validFrom must be an ISO-8601 time.', 'invalid', { field: 'validFrom' });
  }
  if (validUntil === null) return;
  if (!isIsoTime(validUntil)) {
    throw new DomainError(`${codePrefix}.INVALID_DATE`, 'validUntil must be an ISO-8601 time.', 'invalid', { field: 'validUntil' });
  }
  if (Date.parse(validUntil) <= Date.parse(validFrom)) {
    throw new DomainError(`${codePrefix}.EMPTY_WINDOW`, 'validUntil must be after validFrom.', 'invalid', { field: 'validUntil' });
  }
}
