import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { EventStore } from '@app/event-store';
import { describeRefreshProgress, describeWrittenSnapshot, geoPolicyOf, refreshIndexSnapshot, SnapshotRefreshResult } from '@app/projections';

/**
 * Keeps the entitlement index snapshot close to the log's head, so that an entitlements replica that
 * starts (a restart, a scale-up, a crash) reads only the events of the last interval, however long the
 * fleet has run. Every ENTITLEMENTS_SNAPSHOT_REFRESH_MS it writes a new snapshot when the log holds at
 * least ENTITLEMENTS_SNAPSHOT_MIN_EVENTS past the newest one. Here, not in the replicas: a refresh holds a
 * second index's memory and the event loop for up to about 0.2 s at a time (measured for 1,000,000 end
 * users), which a replica answering checks cannot afford and the worker's jobs can. Several workers take
 * turns (an advisory lock).
 */
@Injectable()
export class IndexSnapshotRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IndexSnapshotRefresher');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SnapshotRefreshResult | null> | null = null;
  private stopping = false;

  constructor(private readonly store: EventStore, @Inject(PG_POOL) private readonly pool: Pool, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    const { snapshots, snapshotRefreshMs } = this.config.entitlements;
    if (!snapshots || snapshotRefreshMs === 0) return;
    this.timer = setInterval(() => void this.refresh(), snapshotRefreshMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One refresh (what the timer runs; one at a time); null when it failed, which the next one retries. */
  refresh(): Promise<SnapshotRefreshResult | null> {
    this.running ??= this.refreshOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async refreshOnce(): Promise<SnapshotRefreshResult | null> {
    try {
      const result = await refreshIndexSnapshot(this.pool, this.store, geoPolicyOf(this.config), {
        minEvents: this.config.entitlements.snapshotMinEvents,
        shouldStop: () => this.stopping,
        onProgress: (p) => this.logger.log(`refreshing the index snapshot: ${describeRefreshProgress(p)}`),
      });
      if (result.outcome === 'written') this.logger.log(describeWrittenSnapshot(result));
      return result;
    } catch (error) {
      this.logger.warn(`index snapshot not refreshed, next in ${this.config.entitlements.snapshotRefreshMs} ms: ${(error as Error).message}`);
      return null;
    }
  }
}
