import { deleteRedisKeys, testRedisPrefix } from '@app/testing';
import { JobQueues, jobRequest } from './job-queues';
import { QUEUES } from './jobs';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';

describe('JobQueues (real Redis)', () => {
  const redis = { url: REDIS_URL, prefix: testRedisPrefix() };
  const queues = new JobQueues(redis, { attempts: 3, backoffMs: 100 });
  afterAll(async () => {
    await queues.close();
    await deleteRedisKeys(redis.url, redis.prefix);
  });

  const subjects = (eventId: string) => jobRequest(QUEUES.screening, 'screening.subjects', { eventId, globalPosition: 7 }, [eventId]);

  it('adds a job id once, however often it is enqueued', async () => {
    await queues.enqueue([subjects('e-1'), subjects('e-1')], 2000);
    await queues.enqueue([subjects('e-1'), subjects('e-2')], 2000);
    const waiting = await queues.queue(QUEUES.screening).getWaiting();
    expect(waiting.map((job) => job.id).sort()).toEqual(['screening.subjects|e-1', 'screening.subjects|e-2']);
  });

  it('keeps the retry policy on every job: exponential back-off, failures kept', async () => {
    const [job] = await queues.queue(QUEUES.screening).getWaiting(0, 0);
    expect(job.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 100 }, removeOnFail: false });
  });

  it('delays a timer by its delay, in the queue it names', async () => {
    const timer = jobRequest(QUEUES.expiry, 'expiry.directive', { directiveId: 'd-1', expiresAt: '2030-01-01T00:00:00.000Z' }, ['d-1', '2030-01-01T00:00:00.000Z'], 60_000);
    await queues.enqueue([timer], 2000);
    const [delayed] = await queues.queue(QUEUES.expiry).getDelayed();
    expect(delayed.id).toBe('expiry.directive|d-1|2030-01-01T00_00_00.000Z');
    expect(delayed.opts.delay).toBe(60_000);
  });

  it('throws, without waiting forever, when Redis does not answer', async () => {
    const unreachable = new JobQueues({ url: 'redis://127.0.0.1:1/0', prefix: redis.prefix }, { attempts: 1, backoffMs: 100 });
    try {
      await expect(unreachable.enqueue([subjects('e-3')], 300)).rejects.toThrow();
    } finally {
      await unreachable.close();
    }
  });
});
