import { Logger } from '@nestjs/common';
import type { PrismaClient } from '@app/database';
import type { EventStore, RecordedEvent, Subscription } from '@app/event-store';
import type { Projection } from './projection';

/**
 * Keeps one read model up to date: each batch of events and the checkpoint after it are written
 * in one transaction, so a crash resumes exactly where the last commit left off.
 */
export class ProjectionRunner {
  private subscription: Subscription | null = null;
  private readonly logger: Logger;

  constructor(
    private readonly projection: Projection,
    private readonly store: EventStore,
    private readonly prisma: PrismaClient,
  ) {
    this.logger = new Logger(`projection:${projection.name}`);
  }

  get position(): number {
    return this.subscription?.position ?? 0;
  }

  async start(): Promise<void> {
    const checkpoint = await this.prisma.projectionCheckpoint.findUnique({ where: { name: this.projection.name } });
    this.subscription = this.store.subscribe({
      fromPosition: Number(checkpoint?.position ?? 0),
      handler: (events) => this.applyBatch(events),
      onError: (error) => this.logger.warn(`retrying after error: ${(error as Error).message}`),
    });
  }

  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    return this.subscription ? this.subscription.waitForPosition(position, timeoutMs) : Promise.resolve(false);
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  private async applyBatch(events: RecordedEvent[]): Promise<void> {
    const relevant = events.filter((e) => this.projection.handles.has(e.type));
    const position = BigInt(events[events.length - 1].globalPosition);
    await this.prisma.$transaction(async (tx) => {
      for (const event of relevant) await this.projection.apply(tx, event);
      await tx.projectionCheckpoint.upsert({
        where: { name: this.projection.name },
        create: { name: this.projection.name, position },
        update: { position },
      });
    });
  }
}
