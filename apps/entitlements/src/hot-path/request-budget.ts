/** Keys one window may track; beyond it new keys pass uncounted rather than grow memory without bound. */
const MAX_KEYS_PER_WINDOW = 200_000;

/**
 * A fixed-window request budget per key, in this replica's memory: one map lookup and an increment per
 * request, no I/O. The whole map is dropped when the window turns, so memory holds one window's keys.
 */
export class RequestBudget {
  private counts = new Map<string, number>();
  private windowEndsAt = 0;

  constructor(private readonly limit: number, private readonly windowMs: number) {}

  /** Spends one request of `key`'s budget; false when it is spent for this window. */
  take(key: string, now: number): boolean {
    const used = this.used(key, now);
    if (used >= this.limit) return false;
    if (used > 0 || this.counts.size < MAX_KEYS_PER_WINDOW) this.counts.set(key, used + 1);
    return true;
  }

  /** Counts a request against `key` without refusing it (e.g. a failed attempt, known only afterwards). */
  record(key: string, now: number): void {
    const used = this.used(key, now);
    if (used > 0 || this.counts.size < MAX_KEYS_PER_WINDOW) this.counts.set(key, used + 1);
  }

  /** True while `key` has no budget left in this window. */
  exhausted(key: string, now: number): boolean {
    return this.used(key, now) >= this.limit;
  }

  /** Whole seconds until the window turns: the Retry-After of a refused request. */
  retryAfterSeconds(now: number): number {
    return Math.max(1, Math.ceil((this.windowEndsAt - now) / 1000));
  }

  private used(key: string, now: number): number {
    if (now >= this.windowEndsAt) {
      this.counts = new Map();
      this.windowEndsAt = now + this.windowMs;
      return 0;
    }
    return this.counts.get(key) ?? 0;
  }
}
