import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@app/config';
import { PRISMA, PrismaClient } from '@app/database';
import { EventStore, RecordedEvent, Subscription } from '@app/event-store';
import { JobQueues } from '@app/jobs';
import { jobsForEvent } from './jobs-for-event';
import { JOB_QUEUES } from './job-queues.provider';

export const JOB_REACTOR_CHECKPOINT = 'job-reactor';

/**
 * Turns events into jobs. It follows the store from its own checkpoint and moves the checkpoint
 * only after Redis has accepted the batch's jobs, so a command never waits on Redis, and while
 * Redis is away the reactor retries the same batch until it returns. Job ids derive from the
 * events, so a batch enqueued again after a crash adds nothing twice.
 */
@Injectable()
export class EnqueueJobsFromEvents implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('JobReactor');
  private subscription: Subscription | null = null;

  constructor(
    private readonly store: EventStore,
    @Inject(JOB_QUEUES) private readonly queues: JobQueues,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const checkpoint = await this.prisma.projectionCheckpoint.findUnique({ where: { name: JOB_REACTOR_CHECKPOINT } });
    this.subscription = this.store.subscribe({
      fromPosition: Number(checkpoint?.position ?? 0),
      handler: (events) => this.enqueueJobsFor(events),
      onError: (error) => this.logger.warn(`jobs not enqueued yet, retrying: ${(error as Error).message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  get position(): number {
    return this.subscription?.position ?? 0;
  }

  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    return this.subscription ? this.subscription.waitForPosition(position, timeoutMs) : Promise.resolve(false);
  }

  private async enqueueJobsFor(events: RecordedEvent[]): Promise<void> {
    const policy = {
      now: this.clock.now(),
      kycAutoStartProvider: this.config.kyc.autoStartProvider,
      kycPollDelayMs: this.config.kyc.pollDelayMs,
      kycValidityDays: this.config.kyc.validityDays,
    };
    const jobs = events.flatMap((event) => jobsForEvent(event, policy));
    await this.queues.enqueue(jobs, this.config.jobs.enqueueTimeoutMs);
    const position = BigInt(events[events.length - 1].globalPosition);
    await this.prisma.projectionCheckpoint.upsert({
      where: { name: JOB_REACTOR_CHECKPOINT },
      create: { name: JOB_REACTOR_CHECKPOINT, position },
      update: { position },
    });
  }
}
