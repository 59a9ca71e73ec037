import { Client, Pool } from 'pg';
import type { RecordedEvent } from './event';
import { GlobalReader } from './global-reader';

export const EVENTS_CHANNEL = 'events_appended';

export interface SubscriptionOptions {
  /** Start after this global position (0: from the beginning). */
  fromPosition: number;
  /** Handles one batch in global order. Throwing retries the same batch after a back-off. */
  handler: (events: RecordedEvent[]) => Promise<void> | void;
  pollIntervalMs: number;
  batchSize: number;
  /** Called with any error (read, handler, listener); the subscription keeps going. */
  onError?: (error: unknown) => void;
}

/**
 * Tails the global log from a position: wakes on NOTIFY from append_to_stream, polls as a
 * fallback, and reconnects by itself when the database goes away.
 */
export class Subscription {
  private reader: GlobalReader;
  private stopped = false;
  private listener: Client | null = null;
  private wake: (() => void) | null = null;
  /** A NOTIFY that arrived while not sleeping: the next sleep returns at once. */
  private notifiedWhileBusy = false;
  private loop: Promise<void> | null = null;
  private waiters: { position: number; resolve: (reached: boolean) => void }[] = [];
  private caughtUpOnce!: () => void;
  private consecutiveFailures = 0;

  /** Every event up to here has been handled (or is known never to exist). */
  position: number;
  /** When the store was last read successfully (epoch ms); drives staleness checks. */
  lastReadAt = 0;
  /** Resolves the first time the subscription has read everything there was. */
  readonly caughtUp: Promise<void>;

  constructor(private readonly pool: Pool, private readonly options: SubscriptionOptions) {
    this.position = options.fromPosition;
    this.reader = new GlobalReader(pool, options.fromPosition);
    this.caughtUp = new Promise((resolve) => (this.caughtUpOnce = resolve));
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.closeListener();
    for (const waiter of this.waiters.splice(0)) waiter.resolve(false);
  }

  /** Resolves true once `position` is handled, false after `timeoutMs`. */
  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { position, resolve: (reached: boolean) => { clearTimeout(timer); resolve(reached); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(this.position >= position);
      }, timeoutMs);
      this.waiters.push(waiter);
      this.wake?.();
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.ensureListener();
        const events = await this.reader.read(this.options.batchSize);
        this.lastReadAt = Date.now();
        if (events.length > 0) await this.options.handler(events);
        this.advance(this.reader.checkpoint);
        this.consecutiveFailures = 0;
        if (events.length === this.options.batchSize) continue;
        if (this.reader.waitingOnGap) {
          await this.sleep(Math.min(20, this.options.pollIntervalMs));
        } else {
          this.caughtUpOnce();
          await this.sleep(this.options.pollIntervalMs);
        }
      } catch (error) {
        this.options.onError?.(error);
        this.reader = new GlobalReader(this.pool, this.position);
        await this.closeListener();
        this.consecutiveFailures++;
        await this.sleep(Math.min(2000, 50 * 2 ** Math.min(this.consecutiveFailures, 6)));
      }
    }
  }

  private advance(position: number): void {
    this.position = position;
    if (this.waiters.length === 0) return;
    const reached = this.waiters.filter((w) => w.position <= position);
    if (reached.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const waiter of reached) waiter.resolve(true);
  }

  private onNotification(): void {
    if (this.wake) this.wake();
    else this.notifiedWhileBusy = true;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.notifiedWhileBusy) {
      this.notifiedWhileBusy = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async ensureListener(): Promise<void> {
    if (this.listener) return;
    const client = new Client(this.pool.options);
    client.on('error', () => {
      // Connection lost: drop the listener; the next loop turn reconnects or falls back to polling.
      if (this.listener === client) this.listener = null;
      client.end().catch(() => undefined);
    });
    client.on('notification', () => this.onNotification());
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.listener = client;
  }

  private async closeListener(): Promise<void> {
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => undefined);
  }
}
