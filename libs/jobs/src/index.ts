export * from './jobs';
export { defaultJobOptions, JobQueues, JobRequest, jobRequest, RedisTarget, RetryPolicy, workerConnection } from './job-queues';
