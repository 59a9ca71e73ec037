export * from './jobs';
export { defaultJobOptions, JobQueues, JobRequest, jobRequest, producerConnection, RedisTarget, RetryPolicy, workerConnection } from './job-queues';
