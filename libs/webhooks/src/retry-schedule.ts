export interface RetrySchedule {
  /** Delay before the first retry; each further retry doubles it. */
  baseDelayMs: number;
  /** No single wait is longer than this. */
  maxDelayMs: number;
}

/** The wait before retry number `retry` (1 for the first) before jitter: base * 2^(retry-1), capped. */
export function nominalRetryDelayMs(retry: number, schedule: RetrySchedule): number {
  return Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** Math.min(Math.max(retry - 1, 0), 40));
}

/**
 * The jittered wait before retry `retry`: between half and all of the nominal delay ("equal jitter"),
 * so endpoints that failed together do not all come back at once, and the total never shrinks below
 * half the nominal schedule. `random` is a number in [0, 1).
 */
export function retryDelayMs(retry: number, schedule: RetrySchedule, random: number = Math.random()): number {
  const nominal = nominalRetryDelayMs(retry, schedule);
  return Math.round(nominal / 2 + (nominal / 2) * random);
}

/** The shortest time from the first attempt to the last of `attempts`, whatever the jitter draws. */
export function shortestRetryWindowMs(attempts: number, schedule: RetrySchedule): number {
  let total = 0;
  for (let retry = 1; retry < attempts; retry++) total += retryDelayMs(retry, schedule, 0);
  return total;
}
