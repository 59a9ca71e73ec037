import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@app/config';
import { PRISMA, PrismaClient } from '@app/database';
import { EventStore } from '@app/event-store';
import { JobQueues, JobRequest, jobRequest, QUEUES } from '@app/jobs';
import { JOB_QUEUES } from '../jobs/job-queues.provider';
import { ProjectionsService } from '../projections/projections.service';

const DAY_MS = 86_400_000;
const CATCH_UP_TIMEOUT_MS = 60_000;
const RETRY_MS = 2000;

/**
 * At start-up, and then every EXPIRY_SWEEP_INTERVAL_MS, finds every window that has ended while nothing
 * acted on it (the worker was down, a timer was lost with Redis) and enqueues its expiry at once.
 * Without the periodic sweep a timer lost while the worker runs would leave a window open until the next
 * restart: access would outlive its window (fail open). It reads the read models once they
 * hold everything committed before start. Timers set by the sweep have ids of their own, so they run
 * even when the original delayed job still sits in Redis; the expire commands record one expiry.
 */
@Injectable()
export class ExpirySweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ExpirySweep');
  /** Settles when the start-up sweep has enqueued its jobs (tests wait on it). */
  done: Promise<number> = Promise.resolve(0);
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly projections: ProjectionsService,
    @Inject(JOB_QUEUES) private readonly queues: JobQueues,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.done = this.sweepUntilEnqueued();
    this.timer = setInterval(() => void this.sweepOnce(), this.config.expiry.sweepIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** One periodic sweep; a failure waits for the next one. */
  private async sweepOnce(): Promise<void> {
    try {
      const jobs = await this.endedWindows(this.clock.now());
      await this.queues.enqueue(jobs, this.config.jobs.enqueueTimeoutMs);
    } catch (error) {
      this.logger.warn(`periodic sweep failed, next in ${this.config.expiry.sweepIntervalMs} ms: ${(error as Error).message}`);
    }
  }

  /** Every ended window the read models know of, as expiry jobs due now. */
  async endedWindows(now: Date): Promise<JobRequest[]> {
    const ended = { lte: now };
    const verifiedBefore = new Date(now.getTime() - this.config.kyc.validityDays * DAY_MS);
    const [licenses, approvals, directives, kycCases] = await Promise.all([
      this.prisma.licenseView.findMany({ where: { status: { in: ['active', 'suspended'] }, validUntil: ended } }),
      this.prisma.governmentApprovalView.findMany({ where: { status: 'granted', validUntil: ended } }),
      this.prisma.directiveView.findMany({ where: { status: 'issued', expiresAt: ended } }),
      this.prisma.kycCaseView.findMany({ where: { status: 'verified', statusChangedAt: { lte: verifiedBefore } } }),
    ]);
    const sweep = 'sweep';
    return [
      ...licenses.map((l) => jobRequest(QUEUES.expiry, 'expiry.license', { licenseId: l.id, partnerId: l.partnerId, validUntil: l.validUntil!.toISOString() }, [l.id, l.validUntil!.toISOString(), sweep])),
      ...approvals.map((a) =>
        jobRequest(QUEUES.expiry, 'expiry.government-approval', { approvalId: a.id, partnerId: a.partnerId, validUntil: a.validUntil!.toISOString() }, [a.id, a.validUntil!.toISOString(), sweep]),
      ),
      ...directives.map((d) => jobRequest(QUEUES.expiry, 'expiry.directive', { directiveId: d.id, expiresAt: d.expiresAt!.toISOString() }, [d.id, d.expiresAt!.toISOString(), sweep])),
      ...kycCases.map((k) => {
        const expiresAt = new Date(k.statusChangedAt.getTime() + this.config.kyc.validityDays * DAY_MS).toISOString();
        return jobRequest(QUEUES.expiry, 'expiry.kyc', { caseId: k.id, partnerId: k.partnerId, expiresAt }, [k.id, expiresAt, sweep]);
      }),
    ];
  }

  private async sweepUntilEnqueued(): Promise<number> {
    while (!this.stopped) {
      try {
        await this.projections.waitForPosition(await this.store.headPosition(), CATCH_UP_TIMEOUT_MS);
        const jobs = await this.endedWindows(this.clock.now());
        await this.queues.enqueue(jobs, this.config.jobs.enqueueTimeoutMs);
        if (jobs.length > 0) this.logger.log(`start-up sweep: ${jobs.length} ended window(s) sent to expiry`);
        return jobs.length;
      } catch (error) {
        this.logger.warn(`start-up sweep not done yet, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    return 0;
  }
}
