import { JobsOptions, Queue } from 'bullmq';
import { JobName, JobPayload, jobIdFor, QUEUES, QueueName } from './jobs';

/** One job to enqueue: its queue, name and payload can only be a pair that JobPayloads declares. */
export type JobRequest = {
  [Q in QueueName]: {
    [N in JobName<Q>]: { queue: Q; name: N; data: JobPayload<Q, N>; jobId: string; delayMs: number };
  }[JobName<Q>];
}[QueueName];

/** Builds a JobRequest whose id is derived from `idParts` (an event id, an aggregate id and its window end...). */
export function jobRequest<Q extends QueueName, N extends JobName<Q>>(
  queue: Q,
  name: N,
  data: JobPayload<Q, N>,
  idParts: (string | number)[],
  delayMs = 0,
): JobRequest {
  return { queue, name, data, jobId: jobIdFor(name, ...idParts), delayMs: Math.max(0, delayMs) } as unknown as JobRequest;
}

export interface RedisTarget {
  url: string;
  /** Every key of every queue starts with this, so that deployments and tests can share one Redis. */
  prefix: string;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

/** Finished jobs are kept a day so that a re-enqueued job id (after a crash before the checkpoint) is recognised. */
const KEEP_COMPLETED = { age: 24 * 3600, count: 100_000 };

export function defaultJobOptions(retry: RetryPolicy): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: KEEP_COMPLETED,
    // A job that used up its attempts stays in the failed set, visible (and retryable) on the board.
    removeOnFail: false,
  };
}

/** Connection options for BullMQ: producers fail fast while Redis is away (the caller retries). */
export function producerConnection(redis: RedisTarget) {
  return { url: redis.url, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(200 * times, 2000) };
}

/** Workers block on Redis and must retry forever (BullMQ requires maxRetriesPerRequest null). */
export function workerConnection(redis: RedisTarget) {
  return { url: redis.url, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(200 * times, 2000) };
}

/**
 * The producer side of every queue. `enqueue` resolves once Redis has accepted every job (a job id
 * already present is accepted and left alone: BullMQ never adds the same id twice).
 */
export class JobQueues {
  readonly queues: ReadonlyMap<QueueName, Queue>;

  constructor(
    redis: RedisTarget,
    retry: RetryPolicy,
    onError: (error: Error) => void = () => undefined,
  ) {
    const options = { connection: producerConnection(redis), prefix: redis.prefix, defaultJobOptions: defaultJobOptions(retry) };
    this.queues = new Map(
      Object.values(QUEUES).map((name) => {
        const queue = new Queue(name, options);
        // Without a listener an unreachable Redis would crash the process on the 'error' event.
        queue.on('error', onError);
        return [name, queue] as const;
      }),
    );
  }

  queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  /** Adds the jobs, or throws if Redis does not accept them within `timeoutMs`. */
  async enqueue(requests: JobRequest[], timeoutMs: number): Promise<void> {
    if (requests.length === 0) return;
    const byQueue = new Map<QueueName, JobRequest[]>();
    for (const request of requests) byQueue.set(request.queue, [...(byQueue.get(request.queue) ?? []), request]);
    const adds = [...byQueue].map(([name, jobs]) =>
      this.queue(name).addBulk(jobs.map((job) => ({ name: job.name, data: job.data, opts: { jobId: job.jobId, delay: job.delayMs } }))),
    );
    await withTimeout(Promise.all(adds), timeoutMs, `Redis did not accept ${requests.length} job(s) within ${timeoutMs} ms`);
  }

  /** Nest calls this when the app that provides the queues closes. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  // A late answer after the timeout is harmless: the same job ids are added again on the retry.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
