import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { EventStore, hashesAt, latestCheckpoint, recordCheckpoint, RecordedEvent, rollRoot, Subscription } from '@app/event-store';

/**
 * Records a signed audit checkpoint every `AUDIT_CHECKPOINT_INTERVAL_MS` (when the log moved): the root of
 * every event's hash in log order. It follows the store with the gap-safe reader, so a checkpoint's root
 * covers exactly the events at or below its position that will ever exist.
 */
@Injectable()
export class AuditCheckpoints implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditCheckpoints');
  private subscription: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private root: Buffer = Buffer.alloc(32);
  private events = 0;
  private position = 0;
  private recordedPosition = 0;
  private writing: Promise<void> | null = null;

  constructor(private readonly store: EventStore, @Inject(PG_POOL) private readonly pool: Pool, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const last = await latestCheckpoint(this.pool);
    ({ root: this.root, events: this.events, position: this.position } = last);
    this.recordedPosition = last.position;
    this.subscription = this.store.subscribe({
      fromPosition: last.position,
      handler: (batch) => this.roll(batch),
      onError: (error) => this.logger.warn(`retrying: ${(error as Error).message}`),
    });
    this.timer = setInterval(() => void this.record(), this.config.audit.checkpointIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.subscription?.stop();
    await this.writing;
  }

  /** Records a checkpoint now if the log moved since the last one (also what the timer calls). */
  record(): Promise<void> {
    this.writing ??= this.writeCheckpoint().finally(() => (this.writing = null));
    return this.writing;
  }

  private async writeCheckpoint(): Promise<void> {
    const { position, events, root } = this;
    if (position === this.recordedPosition) return;
    try {
      await recordCheckpoint(this.pool, this.config.audit.signingKey, position, events, root);
      this.recordedPosition = position;
    } catch (error) {
      this.logger.warn(`audit checkpoint not recorded, next time: ${(error as Error).message}`);
    }
  }

  private async roll(batch: RecordedEvent[]): Promise<void> {
    const hashes = await hashesAt(this.pool, batch.map((e) => e.globalPosition));
    let root = this.root;
    for (const event of batch) {
      const hash = hashes.get(event.globalPosition);
      if (!hash) throw new Error(`no hash stored for the event at ${event.globalPosition}`);
      root = rollRoot(root, hash);
    }
    this.root = root;
    this.events += batch.length;
    this.position = batch[batch.length - 1].globalPosition;
  }
}
