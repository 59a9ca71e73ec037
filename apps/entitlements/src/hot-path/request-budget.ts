/** Keys a budget may track at once; beyond it new keys pass uncounted rather than grow memory without bound. */
const MAX_KEYS = 200_000;

/** What a key spent, and in which window: reset in place when the window has turned since. */
interface Spent {
  window: number;
  count: number;
}

/**
 * A fixed-window request budget per key, in this replica's memory: one map lookup and an increment per
 * request, no I/O.
 * A key's entry outlives its window and is reset in place when the key comes back in a later one, so that
 * a serving stack's few thousand credentials cost nothing once they are known. Dropping the whole map at
 * every turn, as this did, rebuilt it from nothing every second: with the app at 7,500 checks/s those
 * tables were most of what survived each scavenge (411 KB a scavenge against 134 KB without the budgets)
 * and of what was promoted to the old generation (5.7 MB in 12 s against 1.0 MB), which in time costs a
 * mark-compact of the whole index. Keys that stop coming (guessed credentials, addresses) are dropped with
 * the rest when a window turns with more than half of MAX_KEYS tracked, so memory stays bounded.
 */
export class RequestBudget {
  private spent = new Map<string, Spent>();
  /** The current window's number (counted from 0, so always a small integer) and its end. */
  private window = -1;
  private windowEndsAt = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = MAX_KEYS,
  ) {}

  /** Spends one request of `key`'s budget; false when it is spent for this window. */
  take(key: string, now: number): boolean {
    const spent = this.current(key, now);
    if (spent === undefined) return this.limit > 0 && this.track(key);
    if (spent.count >= this.limit) return false;
    spent.count++;
    return true;
  }

  /** Counts a request against `key` without refusing it (e.g. a failed attempt, known only afterwards). */
  record(key: string, now: number): void {
    const spent = this.current(key, now);
    if (spent === undefined) this.track(key);
    else spent.count++;
  }

  /** True while `key` has no budget left in this window. */
  exhausted(key: string, now: number): boolean {
    const spent = this.current(key, now);
    return spent !== undefined && spent.count >= this.limit;
  }

  /** Whole seconds until the window turns: the Retry-After of a refused request. */
  retryAfterSeconds(now: number): number {
    return Math.max(1, Math.ceil((this.windowEndsAt - now) / 1000));
  }

  /** `key`'s entry, reset to this window if it was last spent in an earlier one; undefined if it has none. */
  private current(key: string, now: number): Spent | undefined {
    if (now >= this.windowEndsAt) this.turn(now);
    const spent = this.spent.get(key);
    if (spent !== undefined && spent.window !== this.window) {
      spent.window = this.window;
      spent.count = 0;
    }
    return spent;
  }

  /** A first request of `key` (true: it passes, counted while there is room to count it). */
  private track(key: string): boolean {
    if (this.spent.size < this.maxKeys) this.spent.set(key, { window: this.window, count: 1 });
    return true;
  }

  private turn(now: number): void {
    this.window++;
    this.windowEndsAt = now + this.windowMs;
    if (this.spent.size > this.maxKeys / 2) this.spent = new Map();
  }
}
