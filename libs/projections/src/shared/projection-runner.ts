import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import type { EventStore, RecordedEvent, Subscription } from '@app/event-store';
import { inTransaction } from '@app/database';
import { lockCheckpoints, readCheckpoint, saveCheckpoints } from './checkpoints';
import type { ReadModel } from './read-model';
import { RowSet } from './row-set';
import { projectBatch } from './table-io';

/**
 * Keeps one read model up to date: each batch of events and the checkpoint after it are written
 * in one transaction, under the checkpoint row's lock, so a crash resumes exactly where the last
 * commit left off, and a rebuild or another worker replica is never clobbered nor skipped.
 */
export class ProjectionRunner {
  private subscription: Subscription | null = null;
  private readonly logger: Logger;
  private stopped = false;
  /** Set while the subscription is being replaced: batches of the old one are ignored. */
  private resubscribing: Promise<void> | null = null;

  constructor(
    readonly model: ReadModel,
    private readonly store: EventStore,
    private readonly pool: Pool,
  ) {
    this.logger = new Logger(`projection:${model.name}`);
  }

  get position(): number {
    return this.subscription?.position ?? 0;
  }

  async start(): Promise<void> {
    this.subscribeFrom(await readCheckpoint(this.pool, this.model.name));
  }

  async waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    await this.resubscribing;
    if (!this.subscription) return false;
    return this.subscription.waitForPosition(position, Math.max(0, deadline - Date.now()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.resubscribing;
    await this.subscription?.stop();
  }

  private subscribeFrom(position: number): void {
    this.subscription = this.store.subscribe({
      fromPosition: position,
      handler: (events) => this.applyBatch(events),
      onError: (error) => this.logger.warn(`retrying after error: ${(error as Error).message}`),
    });
  }

  private async applyBatch(events: RecordedEvent[]): Promise<void> {
    if (this.resubscribing || this.stopped) return;
    const first = events[0].globalPosition;
    const last = events[events.length - 1].globalPosition;
    const behind = await inTransaction(this.pool, async (client) => {
      const committed = (await lockCheckpoints(client, [this.model.name])).get(this.model.name)!;
      // A rebuild switched in a table that stands before this batch: replay from there instead.
      if (committed < first - 1) return committed;
      const fresh = committed >= first ? events.filter((event) => event.globalPosition > committed) : events;
      if (fresh.length > 0) await projectBatch(client, 'public', this.freshRows(), fresh);
      await saveCheckpoints(client, [this.model.name], Math.max(committed, last));
      return null;
    });
    if (behind !== null) this.resubscribeFrom(behind);
  }

  private freshRows(): RowSet {
    return new RowSet(this.model, { complete: false, capacity: Number.POSITIVE_INFINITY });
  }

  private resubscribeFrom(position: number): void {
    this.logger.log(`checkpoint moved back to #${position}: following the store from there`);
    const previous = this.subscription;
    this.resubscribing = (async () => {
      await previous?.stop();
      if (!this.stopped) this.subscribeFrom(position);
      this.resubscribing = null;
    })();
  }
}
