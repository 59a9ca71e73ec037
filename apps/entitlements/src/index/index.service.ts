import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EntitlementIndex, GeoPolicy } from '@app/entitlement';
import { EventStore, Subscription } from '@app/event-store';

/**
 * The in-memory entitlement index of this replica: replayed from the event store at start, then
 * kept current by tailing it. Replicas share nothing but the store.
 */
@Injectable()
export class IndexService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EntitlementIndex');
  readonly index: EntitlementIndex;
  private subscription: Subscription | null = null;
  private loaded = false;

  constructor(private readonly store: EventStore, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.index = new EntitlementIndex(geoPolicyOf(config));
  }

  onApplicationBootstrap(): void {
    const started = Date.now();
    this.subscription = this.store.subscribe({
      fromPosition: 0,
      handler: (events) => {
        for (const event of events) this.index.apply(event);
      },
      onError: (error) => this.logger.warn(`event store unreachable, retrying: ${(error as Error).message}`),
    });
    void this.subscription.caughtUp.then(() => {
      this.loaded = true;
      this.logger.log(`index loaded at position ${this.index.position} in ${Date.now() - started} ms`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  /** The position every event up to which is in the index. */
  get position(): number {
    return this.subscription?.position ?? 0;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Fail closed: not yet loaded, or not able to read the store for longer than the staleness bound. */
  isStale(now: number): boolean {
    if (!this.loaded || !this.subscription) return true;
    return now - this.subscription.lastReadAt > this.config.entitlements.stalenessBoundMs;
  }

  /** Waits (bounded) until the index holds `position`; true when it does. */
  async reach(position: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return true;
    if (!this.subscription) return false;
    return this.subscription.waitForPosition(position, timeoutMs);
  }
}

/** The configured geofencing policy, shared by the live index and as-of replays. */
export function geoPolicyOf(config: AppConfig): GeoPolicy {
  return {
    embargoedCountries: new Set(config.geo.embargoedCountries),
    deniedAnonymizers: new Set(config.geo.deniedAnonymizers),
    unknownCountry: config.geo.unknownCountry,
  };
}
