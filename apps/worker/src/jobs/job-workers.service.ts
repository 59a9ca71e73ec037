import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { QUEUES, QueueName, workerConnection } from '@app/jobs';
import { ExpiryJob, ExpiryProcessor } from '../expiry/expiry.processor';
import { KycProcessor } from '../kyc/kyc.processor';
import { ScreeningProcessor } from '../screening/screening.processor';

/** How many jobs of a queue one worker process runs at once. */
const CONCURRENCY: Partial<Record<QueueName, number>> = { kyc: 4, screening: 1, expiry: 4 };

/**
 * Runs the processors of the kyc, screening and expiry queues (partner webhooks have their own).
 * A processor that throws fails the attempt; BullMQ retries it with exponential back-off and, once
 * the attempts are used up, leaves the job in the failed set, where the board shows it.
 */
@Injectable()
export class JobWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('JobWorkers');
  private workers: Worker[] = [];

  constructor(
    private readonly kyc: KycProcessor,
    private readonly screening: ScreeningProcessor,
    private readonly expiry: ExpiryProcessor,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.workers = [
      this.run(QUEUES.kyc, (job) => this.processKyc(job)),
      this.run(QUEUES.screening, (job) => this.processScreening(job)),
      this.run(QUEUES.expiry, (job) => this.expiry.expire(job as unknown as ExpiryJob)),
    ];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  private processKyc(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'kyc.start':
        return this.kyc.startOrganisationKyb(job.data);
      case 'kyc.poll':
        return this.kyc.poll(job.data, job.attemptsMade + 1);
      default:
        throw new Error(`unknown job ${job.name} on queue kyc`);
    }
  }

  private processScreening(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'screening.subjects':
        return this.screening.screenSubjectsOf(job.data);
      case 'screening.rescreen-all':
        return this.screening.rescreenEveryone(job.data);
      default:
        throw new Error(`unknown job ${job.name} on queue screening`);
    }
  }

  private run(queue: QueueName, process: (job: Job) => Promise<unknown>): Worker {
    const worker = new Worker(queue, process, {
      connection: workerConnection(this.config.redis),
      prefix: this.config.redis.prefix,
      concurrency: CONCURRENCY[queue] ?? 1,
    });
    worker.on('failed', (job, error) => {
      const final = job && job.attemptsMade >= (job.opts.attempts ?? 1);
      const what = `${queue} job ${job?.name} ${job?.id} attempt ${job?.attemptsMade}`;
      if (final) this.logger.error(`${what} failed for good (kept in the failed set): ${error.message}`);
      else this.logger.warn(`${what} failed, will retry: ${error.message}`);
    });
    worker.on('error', (error) => this.logger.warn(`${queue} worker: ${error.message}`));
    return worker;
  }
}
