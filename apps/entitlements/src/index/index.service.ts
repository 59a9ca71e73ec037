import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EntitlementIndex, GeoPolicy } from '@app/entitlement';
import { EventStore, Subscription } from '@app/event-store';
import { geoPolicyOf, IndexSnapshots } from '@app/projections';

const PROGRESS_EVERY_MS = 5000;

/** How this replica's index was loaded: from where, how much it replayed, how long it took. */
export interface IndexLoad {
  snapshotPosition: number | null;
  snapshotBytes: number | null;
  eventsReplayed: number;
  ms: number;
  snapshotWritten: { bytes: number; position: number; ms: number } | null;
}

/**
 * The in-memory entitlement index of this replica. At start it continues from the newest snapshot (when
 * there is a usable one) or replays the log, then tails the event store. Replicas share nothing but the
 * store. A start that replayed many events writes a new snapshot before the replica reports ready, so
 * serialising never stalls checks.
 */
@Injectable()
export class IndexService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EntitlementIndex');
  private readonly geoPolicy: GeoPolicy;
  index: EntitlementIndex;
  private subscription: Subscription | null = null;
  private stopping = false;
  /** What the start did; null until the index is loaded. */
  load: IndexLoad | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly snapshots: IndexSnapshots,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.geoPolicy = geoPolicyOf(config);
    this.index = new EntitlementIndex(this.geoPolicy);
  }

  onApplicationBootstrap(): void {
    void this.start().catch((error) => this.logger.error(`index failed to load: ${(error as Error).message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.subscription?.stop();
  }

  private async start(): Promise<void> {
    const started = Date.now();
    const snapshot = this.config.entitlements.snapshots ? await this.newestSnapshot() : null;
    if (snapshot) this.index = new EntitlementIndex(this.geoPolicy, snapshot.state);
    const fromPosition = this.index.position;
    let replayed = 0;
    let reported = started;
    this.subscription = this.store.subscribe({
      fromPosition,
      handler: (events) => {
        for (const event of events) this.index.apply(event);
        replayed += events.length;
        if (!this.load && Date.now() - reported >= PROGRESS_EVERY_MS) {
          reported = Date.now();
          this.logger.log(`loading: ${replayed} events replayed, ${Math.round(replayed / ((reported - started) / 1000))} events/s, at position ${this.index.position}`);
        }
      },
      onError: (error) => this.logger.warn(`event store unreachable, retrying: ${(error as Error).message}`),
    });
    await this.subscription.caughtUp;
    if (this.stopping) return;
    const eventsReplayed = replayed;
    const snapshotWritten = this.config.entitlements.snapshots && eventsReplayed >= this.config.entitlements.snapshotMinEvents ? await this.writeSnapshot() : null;
    this.load = {
      snapshotPosition: snapshot ? fromPosition : null,
      snapshotBytes: snapshot?.bytes ?? null,
      eventsReplayed,
      ms: Date.now() - started,
      snapshotWritten,
    };
    const from = snapshot ? `snapshot at position ${fromPosition} (${mib(snapshot.bytes)} MiB) + ${eventsReplayed} events` : `${eventsReplayed} events replayed`;
    this.logger.log(`index loaded at position ${this.index.position} in ${this.load.ms} ms: ${from}`);
  }

  private async newestSnapshot() {
    try {
      return await this.snapshots.latest();
    } catch (error) {
      this.logger.warn(`no snapshot used, replaying the log: ${(error as Error).message}`);
      return null;
    }
  }

  private async writeSnapshot(): Promise<IndexLoad['snapshotWritten']> {
    const started = Date.now();
    try {
      const written = await this.snapshots.save(this.index);
      const ms = Date.now() - started;
      this.logger.log(`snapshot written at position ${written.position}: ${mib(written.bytes)} MiB in ${ms} ms`);
      return { ...written, ms };
    } catch (error) {
      this.logger.warn(`snapshot not written: ${(error as Error).message}`);
      return null;
    }
  }

  /** The position every event up to which is in the index. */
  get position(): number {
    return this.subscription?.position ?? 0;
  }

  get isLoaded(): boolean {
    return this.load !== null;
  }

  /** When the index last read the store successfully (ms since the epoch); null before it tails it. */
  get lastReadAt(): number | null {
    return this.subscription?.lastReadAt ?? null;
  }

  /** Fail closed: not yet loaded, or not able to read the store for longer than the staleness bound. */
  isStale(now: number): boolean {
    if (!this.load || !this.subscription) return true;
    return now - this.subscription.lastReadAt > this.config.entitlements.stalenessBoundMs;
  }

  /** Waits (bounded) until the index holds `position`; true when it does. */
  async reach(position: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return true;
    if (!this.subscription) return false;
    return this.subscription.waitForPosition(position, timeoutMs);
  }
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
